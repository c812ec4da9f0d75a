"""The principal's part of the follow-up (kedja/followup/views_unit.py): the unit view's counts and
its access-log row, rounds, groups, students, the all-or-nothing student import, the right of access
(export) and erasure, the access log (principal only, filters, CSV export logged) and the analyses."""

import io
import time

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kedja.accounts.factories import verify_second_factor
from kedja.core.tests.bombs import xlsx_bomb
from kedja.followup import reading
from kedja.followup.actions_grid import save_cell
from kedja.followup.factories import fill_round, make_group, make_round
from kedja.followup.models import (
    AccessAction,
    Analysis,
    Gender,
    QuestionSet,
    Round,
    Row,
    Student,
    StudentDataAccess,
    StudentGroup,
)
from kedja.organisations.factories import make_member, make_unit, make_user
from kedja.organisations.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_setup(world):
    principal, teacher = world.people["principal"], world.people["teacher"]
    group_a = make_group(world.school, name="7A", students=4, teachers=[teacher])
    group_b = make_group(world.school, name="7B", students=3, mentor=teacher)
    round_ = make_round(world.school, by=principal)
    fill_round(round_, seed=3)
    client = Client()
    verify_second_factor(client, principal)
    return world, group_a, group_b, round_, client


def unit_url(world):
    return reverse("followup:unit", args=[world.school.pk])


def test_unit_view_counts_every_group_subject_and_gender_and_logs_the_read(unit_setup):
    world, group_a, group_b, round_, client = unit_setup
    before = StudentDataAccess.objects.count()
    response = client.get(unit_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    summary = response.context["summary"]
    assert summary.students == 7
    assert sum(summary.levels.values()) == 7
    by_group = {g["name"]: g["total"] for g in response.context["group_rows"]}
    assert by_group == {"7A": 4, "7B": 3}
    assert sum(g["total"] for g in response.context["gender_rows"]) == 7
    for row in response.context["subject_rows"]:
        assert sum(row["counts"]) + row["unscored"] == 7
    # Levels as text as well as colour, and no student's name on the overview
    assert 'data-level="red"' in body and "Red" in body
    for student in Student.objects.filter(school_unit=world.school):
        assert student.family_name not in body
    entry = StudentDataAccess.objects.order_by("-pk").first()
    assert StudentDataAccess.objects.count() == before + 1
    assert entry.action == AccessAction.VIEW and entry.student_count == 7 and entry.context == "unit view"
    assert entry.user == world.people["principal"]


def test_unit_summary_matches_the_rows(unit_setup):
    world, group_a, _group_b, round_, _client = unit_setup
    summary = reading.unit_summary(world.people["principal"], world.school, round_, context="test")
    layout = summary.layout
    expected = {"green": 0, "yellow": 0, "orange": 0, "red": 0, "unassessed": 0}
    for row in Row.objects.filter(round=round_, group=group_a):
        expected[layout.row_level(row.scores)] += 1
    counted = next(g for g in summary.groups if g.name == "7A")
    assert {str(k): v for k, v in counted.levels.items()} == expected


def test_teacher_gets_403_and_other_principal_404_on_the_unit(unit_setup):
    world, *_rest, _client = unit_setup
    teacher = Client()
    verify_second_factor(teacher, world.people["teacher"])
    assert teacher.get(unit_url(world)).status_code == 403
    assert teacher.get(reverse("followup:log", args=[world.school.pk])).status_code == 403
    other = make_member(world.other_school, Role.PRINCIPAL, make_user(full_name="Annan Rektor"))
    stranger = Client()
    verify_second_factor(stranger, other)
    assert stranger.get(unit_url(world)).status_code == 404
    assert stranger.get(reverse("followup:log", args=[world.school.pk])).status_code == 404


def test_unit_pages_ask_for_the_second_factor(unit_setup):
    world, *_rest = unit_setup
    client = Client()
    client.force_login(world.people["principal"])
    response = client.get(unit_url(world))
    assert response.status_code == 302
    assert "second-factor" in response["Location"] or "second_factor" in response["Location"]


def test_opening_a_round_and_refusing_the_same_term_twice(unit_setup):
    world, _a, _b, round_, client = unit_setup
    url = reverse("followup:round_open", args=[world.school.pk])
    response = client.post(url, {"term": "VT", "year": "2027"})
    assert response.status_code == 302
    new = Round.objects.get(school_unit=world.school, term="VT", year=2027)
    assert response["Location"].endswith(f"?round={new.pk}")
    assert new.rows.count() == 7
    again = client.post(url, {"term": round_.term, "year": str(round_.year)})
    assert again.status_code == 400
    assert again.context["round_form"].errors["term"] == ["This term already has a follow-up round."]
    assert Round.objects.filter(school_unit=world.school).count() == 2


def test_group_create_and_edit_with_staff_of_the_unit_only(unit_setup):
    world, group_a, _b, _round, client = unit_setup
    teacher = world.people["teacher"]
    response = client.post(
        reverse("followup:group_new", args=[world.school.pk]),
        {"name": "8A", "school_year": "8", "mentor": str(teacher.pk), "teachers": [str(teacher.pk)]},
    )
    assert response.status_code == 302
    group = StudentGroup.objects.get(school_unit=world.school, name="8A")
    assert group.mentor == teacher and list(group.teachers.all()) == [teacher]
    # Someone from another unit cannot be chosen; a taken name is refused next to the field, typed kept
    outsider = make_member(world.other_school, Role.TEACHER, make_user(full_name="Annan Lärare"))
    response = client.post(
        reverse("followup:group_edit", args=[world.school.pk, group.pk]),
        {"name": "7A", "mentor": str(outsider.pk)},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "mentor" in form.errors
    assert form["name"].value() == "7A"


def test_add_edit_and_move_students(unit_setup):
    world, group_a, group_b, round_, client = unit_setup
    response = client.post(
        reverse("followup:student_new", args=[world.school.pk]),
        {"given_name": "Ny", "family_name": "Elev", "gender": "girl", "local_ref": "X1", "group": group_a.pk},
    )
    assert response.status_code == 302
    student = Student.objects.get(local_ref="X1")
    assert Row.objects.filter(round=round_, student=student, group=group_a).exists()
    duplicate = client.post(
        reverse("followup:student_new", args=[world.school.pk]),
        {"given_name": "Två", "family_name": "Elev", "gender": "boy", "local_ref": "X1"},
    )
    assert duplicate.status_code == 400
    assert "local_ref" in duplicate.context["form"].errors
    assert duplicate.context["form"]["given_name"].value() == "Två"
    edit = client.post(
        reverse("followup:student_edit", args=[world.school.pk, student.pk]),
        {"given_name": "Nya", "family_name": "Elev", "gender": "other", "local_ref": "X1"},
    )
    assert edit.status_code == 302
    student.refresh_from_db()
    assert student.given_name == "Nya" and student.gender == Gender.OTHER
    moved = client.post(
        reverse("followup:students_move", args=[world.school.pk]),
        {"student": [student.pk], "group": group_b.pk},
    )
    assert moved.status_code == 302
    assert list(student.groups.all()) == [group_b]
    assert Row.objects.get(round=round_, student=student).group == group_b


def _csv(lines: list[str], name="elever.csv"):
    upload = io.BytesIO("\n".join(lines).encode("utf-8"))
    upload.name = name
    return upload


def test_import_is_all_or_nothing_with_a_row_by_row_report(unit_setup):
    world, _a, _b, round_, client = unit_setup
    url = reverse("followup:students_import", args=[world.school.pk])
    count = Student.objects.count()
    bad = _csv(
        [
            "Given name;Family name;Gender;Group;Local reference",
            "Ada;Ek;girl;7A;R1",
            ";Berg;boy;7A;R2",
            "Bo;Lund;dragon;9Z;R1",
        ]
    )
    response = client.post(url, {"file": bad})
    assert response.status_code == 400
    assert Student.objects.count() == count
    errors = {(e.row, e.column) for e in response.context["sheet"].errors}
    assert errors == {(3, "Given name"), (4, "Gender"), (4, "Group"), (4, "Local reference")}
    body = response.content.decode()
    assert "Nothing has been imported" in body and "The unit has no group “9Z”" in body

    good = _csv(
        [
            "förnamn,efternamn,kön,grupp,lokal referens",
            "Ada,Ek,flicka,7A,R1",
            "Bo,Lund,pojke,7B,R2",
            "Cy,Holm,,,",
        ]
    )
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert Student.objects.count() == count + 3
    ada = Student.objects.get(local_ref="R1")
    assert ada.gender == Gender.GIRL and ada.groups.get().name == "7A"
    assert Row.objects.filter(round=round_, student=ada).exists()
    entry = StudentDataAccess.objects.filter(action=AccessAction.IMPORT).get()
    assert entry.student_count == 3 and "Ada" not in entry.what


def test_import_template_downloads(unit_setup):
    world, *_rest, client = unit_setup
    response = client.get(reverse("followup:students_import_template", args=[world.school.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["Given name", "Family name", "Gender", "Group", "Local reference"]


def test_student_export_holds_scores_sums_levels_and_the_log_and_is_logged(unit_setup):
    world, group_a, _b, round_, client = unit_setup
    row = Row.objects.filter(round=round_, group=group_a).select_related("student").first()
    client.get(unit_url(world))  # an earlier read of the unit, naming the student in the log
    response = client.get(reverse("followup:student_export", args=[world.school.pk, row.student_id]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.worksheets[0]["B2"].value == row.student.family_name
    rounds = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert rounds[0][1] == "7A"
    scores = list(book.worksheets[2].iter_rows(min_row=2, values_only=True))
    assert {r[2] for r in scores} >= {"maths"}
    assert len(list(book.worksheets[3].iter_rows(min_row=2))) >= 1
    entry = StudentDataAccess.objects.order_by("-pk").first()
    assert entry.action == AccessAction.EXPORT and entry.student_refs == [row.student_id]


def test_erasure_needs_confirmation_and_leaves_no_row(unit_setup):
    world, group_a, _b, round_, client = unit_setup
    student = group_a.students.first()
    name = student.family_name
    url = reverse("followup:student_erase", args=[world.school.pk, student.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {})
    assert refused.status_code == 400 and Student.objects.filter(pk=student.pk).exists()
    response = client.post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert not Student.objects.filter(pk=student.pk).exists()
    assert not Row.objects.filter(student_id=student.pk).exists()
    assert not StudentGroup.students.through.objects.filter(student_id=student.pk).exists()
    erased = StudentDataAccess.objects.get(action=AccessAction.ERASE)
    assert erased.student_refs == [student.pk] and name not in erased.what
    from kedja.organisations.models import AuditEvent

    event = AuditEvent.objects.get(verb="followup.student_erased")
    assert name not in str(event.detail)


def test_access_log_is_the_principals_with_filters_and_a_logged_csv(unit_setup):
    world, group_a, _b, round_, client = unit_setup
    teacher = Client()
    verify_second_factor(teacher, world.people["teacher"])
    teacher.get(reverse("followup:group", args=[round_.pk, group_a.pk]))
    client.get(unit_url(world))
    url = reverse("followup:log", args=[world.school.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "group view" in response.content.decode() and "unit view" in response.content.decode()
    only_teacher = client.get(url, {"person": world.people["teacher"].pk})
    contexts = {e.context for e in only_teacher.context["page"].object_list}
    assert contexts == {"group view"}
    future = client.get(url, {"date_from": "2999-01-01"})
    assert not future.context["page"].object_list
    exported = client.get(reverse("followup:log_csv", args=[world.school.pk]))
    assert exported.status_code == 200
    text = exported.content.decode("utf-8-sig")
    assert "group view" in text
    last = StudentDataAccess.objects.order_by("-pk").first()
    assert last.action == AccessAction.EXPORT and last.context == "access log export"


def test_analysis_is_versioned_and_keeps_the_text_on_conflict(unit_setup):
    world, group_a, _b, round_, client = unit_setup
    url = reverse("followup:analysis_unit", args=[round_.pk])
    page = client.get(url)
    assert page.status_code == 200
    codes = [q["code"] for q in page.context["items"]]
    response = client.post(url, {"version": "0", f"q-{codes[0]}": "Bra läge."})
    assert response.status_code == 302
    analysis = Analysis.objects.get(round=round_, group__isnull=True)
    assert analysis.answers[codes[0]] == "Bra läge." and analysis.version == 1
    stale = client.post(url, {"version": "0", f"q-{codes[0]}": "Min text."})
    assert stale.status_code == 409
    assert stale.context["items"][0]["answer"] == "Min text."
    assert "Someone else saved" in stale.content.decode()
    # The group's teacher answers the group's questions; a teacher of another group gets 404
    teacher = Client()
    verify_second_factor(teacher, world.people["teacher"])
    group_url = reverse("followup:analysis_group", args=[round_.pk, group_a.pk])
    assert teacher.post(group_url, {"version": "0", "q-results": "Jämnt."}).status_code == 302
    assert Analysis.objects.get(round=round_, group=group_a).answers["results"] == "Jämnt."
    other = make_member(world.school, Role.TEACHER, make_user(full_name="Tredje Lärare"))
    third = Client()
    verify_second_factor(third, other)
    assert third.get(group_url).status_code == 404
    assert teacher.get(url).status_code == 403
    # The principal reads the teachers' analysis but cannot change it
    read = client.get(group_url)
    body = read.content.decode()
    assert read.status_code == 200 and "Jämnt." in body and "<textarea" not in body
    assert 'id="fu-read-only"' in body
    assert client.post(group_url, {"version": "1", "q-results": "Ändrat."}).status_code == 403
    assert Analysis.objects.get(round=round_, group=group_a).answers["results"] == "Jämnt."


def test_questions_are_edited_by_the_head_of_schools(world):
    client = Client()
    client.force_login(world.people["head_of_schools"])
    url = reverse("followup:questions", args=[world.municipality.pk])
    page = client.get(url)
    assert page.status_code == 200
    question_set = QuestionSet.objects.get(organisation=world.municipality, answered_by="teacher")
    response = client.post(
        url,
        {
            "answered_by": "teacher",
            "version": str(question_set.version),
            "question": ["Första?", "", "Andra?"],
        },
    )
    assert response.status_code == 302
    question_set.refresh_from_db()
    assert [q["text"]["en"] for q in question_set.questions] == ["Första?", "Andra?"]
    stale = client.post(url, {"answered_by": "teacher", "version": "0", "question": ["Tredje?"]})
    assert stale.status_code == 409 and "Tredje?" in stale.content.decode()
    coordinator = Client()
    coordinator.force_login(world.people["coordinator"])
    assert coordinator.get(url).status_code == 403
    outsider = Client()
    outsider.force_login(world.people["outsider"])
    assert outsider.get(url).status_code == 404


def test_reads_of_another_units_student_are_refused(unit_setup):
    world, *_rest, client = unit_setup
    far_unit = make_unit(world.administration, name="Tallskolan")
    stranger = make_group(far_unit, name="9A", students=1).students.get()
    for name in ("followup:student_export", "followup:student_erase", "followup:student_edit"):
        assert client.get(reverse(name, args=[world.school.pk, stranger.pk])).status_code == 404


def test_cell_saves_still_show_in_the_unit_view(unit_setup):
    world, group_a, _b, round_, client = unit_setup
    row = Row.objects.filter(round=round_, group=group_a).first()
    row.round = round_
    save_cell(row, "maths", "3", expected=row.scores.get("maths"), by=world.people["teacher"])
    response = client.get(unit_url(world))
    maths = next(r for r in response.context["subject_rows"] if r["column"].code == "maths")
    assert maths["counts"][3] >= 1


def test_a_zip_bomb_is_refused_in_under_a_second(unit_setup):
    world, _a, _b, _round, client = unit_setup
    bomb = io.BytesIO(xlsx_bomb())
    bomb.name = "elever.xlsx"
    started = time.perf_counter()
    response = client.post(reverse("followup:students_import", args=[world.school.pk]), {"file": bomb})
    elapsed = time.perf_counter() - started
    print(f"student import: bomb refused in {elapsed * 1000:.0f} ms")
    assert response.status_code in (200, 400) and elapsed < 1
    assert "more than the 20 MB Kedja reads" in response.content.decode()
