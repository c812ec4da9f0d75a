"""The teacher's grid and group view (kedja/followup/views_grid.py): saving cell by cell, refusals
next to the cell with the typed text kept, conflicts, the form without JavaScript, the Excel sheet (all rows
or none, row by row report), logged reads and exports, 404 for everyone outside the group, second factor."""

import csv
import io
import time

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kedja.accounts.factories import verify_second_factor
from kedja.core.tests.bombs import xlsx_bomb
from kedja.followup.actions_grid import save_cell
from kedja.followup.factories import make_group, make_round
from kedja.followup.models import AccessAction, Level, Round, Row, StudentDataAccess, StudentGroup
from kedja.followup.scheme import Layout
from kedja.organisations.factories import make_member, make_user
from kedja.organisations.roles import Role

pytestmark = pytest.mark.django_db

# 22 columns × 3 = 66: red from 65
RED = (
    "friends conflicts victimised victimising medical crisis family invisible behaviour absence art english pe "
    "maths modern_language music biology physics chemistry geography history religion"
).split()


@pytest.fixture
def setup(world):
    teacher = world.people["teacher"]
    group = make_group(world.school, name="7B", students=3, teachers=[teacher])
    other = make_group(world.school, name="7C", students=2)
    round_ = make_round(world.school, by=world.people["principal"])
    client = Client()
    verify_second_factor(client, teacher)
    rows = list(Row.objects.filter(round=round_, group=group).select_related("student").order_by("pk"))
    return world, group, other, round_, client, rows


def full(round_, **scores) -> dict:
    """A row with every column scored (0 unless given): only such a row gets a level."""
    return {c.code: scores.get(c.code, 0) for c in Layout(round_.scheme_version).columns}


def cell_url(round_, row):
    return reverse("followup:cell", args=[round_.pk, row.pk])


def grid_url(round_, group):
    return reverse("followup:grid", args=[round_.pk, group.pk])


def test_my_groups_lists_the_teachers_groups_with_the_open_round(setup):
    w, group, other, round_, client, rows = setup
    response = client.get(reverse("followup:my_groups"))
    body = response.content.decode()
    assert response.status_code == 200
    assert grid_url(round_, group) in body
    assert reverse("followup:group", args=[round_.pk, group.pk]) in body
    # not the teacher's group (neither its link nor its name as text; "7C" alone can occur in a CSRF token)
    assert grid_url(round_, other) not in body and ">7C<" not in body
    assert 'href="/followup/"' in body  # in the main navigation
    coordinator = Client()
    coordinator.force_login(w.people["coordinator"])
    assert coordinator.get(reverse("followup:my_groups")).status_code == 404


def test_the_grid_is_a_labelled_table_and_its_read_is_logged(setup):
    w, group, other, round_, client, rows = setup
    save_cell(rows[0], "maths", "2", expected=None, by=None)
    response = client.get(grid_url(round_, group))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'scope="colgroup"' in body and "<caption" in body
    first = rows[0]
    assert f'<label class="ds-sr-only" for="c-{first.pk}-maths">{first.student}, Mathematics</label>' in body
    assert f'id="c-{first.pk}-maths" name="c-{first.pk}-maths" value="2" inputmode="numeric"' in body
    # 1 of 33 columns scored: no level yet, and the sum says how much is missing
    assert f'id="level-{first.pk}">Not fully assessed</span>' in body
    assert f'id="sum-{first.pk}">2 — 32 not assessed</td>' in body
    assert "followup/grid.js" in body and "<script>" not in body
    log = StudentDataAccess.objects.get(context="grid")
    assert (log.action, log.student_count, log.group_ref) == (AccessAction.VIEW, 3, group.pk)


def test_a_cell_save_answers_with_sum_and_level(setup):
    w, group, other, round_, client, rows = setup
    response = client.post(cell_url(round_, rows[0]), {"code": "maths", "value": "3", "expected": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-state="saved"' in body and 'data-total="3 — 32 not assessed"' in body
    assert 'data-level-label="Not fully assessed"' in body
    rows[0].refresh_from_db()
    assert rows[0].scores == {"maths": 3}
    assert StudentDataAccess.objects.filter(action=AccessAction.EDIT, context="grid cell").count() == 1
    Row.objects.filter(pk=rows[0].pk).update(scores=full(round_, maths=3))
    response = client.post(cell_url(round_, rows[0]), {"code": "english", "value": "1", "expected": "0"})
    body = response.content.decode()
    assert 'data-total="4"' in body and 'data-level-label="Green"' in body


def test_a_sum_over_the_threshold_changes_the_level(setup):
    w, group, other, round_, client, rows = setup
    row = rows[0]
    row.scores = full(round_, **dict.fromkeys(RED[:13], 3))  # 39: one more point is yellow
    row.save()
    response = client.post(cell_url(round_, row), {"code": "maths", "value": "1", "expected": "0"})
    assert 'data-total="40"' in response.content.decode()
    assert f'data-level="{Level.YELLOW}"' in response.content.decode()


def test_a_4_is_refused_with_the_message_and_the_typed_text_kept(setup):
    w, group, other, round_, client, rows = setup
    response = client.post(cell_url(round_, rows[0]), {"code": "maths", "value": "4", "expected": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-state="refused"' in body and 'data-value="4"' in body
    assert "4 is outside the scale: enter 0–3." in body
    rows[0].refresh_from_db()
    assert rows[0].scores == {}


def test_a_conflict_shows_the_current_value_and_loses_nothing(setup):
    w, group, other, round_, client, rows = setup
    save_cell(rows[0], "maths", "2", expected=None, by=w.people["principal"])
    response = client.post(cell_url(round_, rows[0]), {"code": "maths", "value": "1", "expected": ""})
    assert response.status_code == 409
    body = response.content.decode()
    assert 'data-state="conflict"' in body and 'data-stored="2"' in body and 'data-value="1"' in body
    assert "Someone else changed this cell to 2" in body
    rows[0].refresh_from_db()
    assert rows[0].scores == {"maths": 2}


def test_the_whole_form_saves_changed_cells_and_keeps_refused_ones(setup):
    w, group, other, round_, client, rows = setup
    save_cell(rows[1], "english", "1", expected=None, by=w.people["principal"])  # after the page was shown
    data = {
        f"was-{rows[0].pk}": "{}",
        f"c-{rows[0].pk}-maths": "3",
        f"c-{rows[0].pk}-english": "4",
        f"was-{rows[1].pk}": "{}",
        f"c-{rows[1].pk}-english": "2",
        f"c-{rows[1].pk}-maths": "",
    }
    response = client.post(grid_url(round_, group), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="c-{rows[0].pk}-english" name="c-{rows[0].pk}-english" value="4"' in body
    assert f'aria-invalid="true" aria-describedby="m-c-{rows[0].pk}-english"' in body
    assert "4 is outside the scale: enter 0–3." in body
    assert f'id="c-{rows[1].pk}-english" name="c-{rows[1].pk}-english" value="2"' in body
    assert "Someone else changed this cell to 1" in body
    rows[0].refresh_from_db()
    rows[1].refresh_from_db()
    assert rows[0].scores == {"maths": 3}
    assert rows[1].scores == {"english": 1}

    response = client.post(grid_url(round_, group), {f"was-{rows[0].pk}": '{"maths": 3}',
                                                     f"c-{rows[0].pk}-english": "1"})  # fmt: skip
    assert response.status_code == 302
    rows[0].refresh_from_db()
    assert rows[0].scores == {"maths": 3, "english": 1}
    assert "1 score has been saved." in client.get(response["Location"]).content.decode()


def test_the_template_download_is_logged_as_an_export(setup):
    w, group, other, round_, client, rows = setup
    save_cell(rows[0], "maths", "2", expected=None, by=None)
    response = client.get(reverse("followup:grid_template", args=[round_.pk, group.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = list(sheet.values)
    assert values[0][0] == "id" and "Mathematics" in values[0] and "maths" not in values[0]
    by_id = {v[0]: v for v in values[1:]}
    assert set(by_id) == {r.student_id for r in rows}
    assert by_id[rows[0].student_id][values[0].index("Mathematics")] == 2
    log = StudentDataAccess.objects.get(action=AccessAction.EXPORT)
    assert (log.context, log.student_count) == ("grid template", 3)


def _csv(lines) -> io.BytesIO:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(lines)
    upload = io.BytesIO(out.getvalue().encode("utf-8"))
    upload.name = "grid.csv"
    return upload


def test_an_import_with_one_bad_row_imports_nothing_and_names_the_rows(setup):
    w, group, other, round_, client, rows = setup
    stranger = Row.objects.filter(round=round_, group=other).first()
    lines = [
        ["id", "Student", "maths", "English"],
        [rows[0].student_id, "x", "2", "1"],
        [rows[1].student_id, "y", "4", ""],
        [stranger.student_id, "z", "1", "1"],
    ]
    response = client.post(reverse("followup:grid_import", args=[round_.pk, group.pk]), {"file": _csv(lines)})
    assert response.status_code == 400
    body = response.content.decode()
    assert "2 rows have errors. Nothing has been imported." in body
    assert '<th scope="row">3</th><td>maths</td><td>4 is outside the scale: enter 0–3.</td>' in body
    assert f"{stranger.student_id} is not the id of a student in this group." in body
    assert not Row.objects.filter(round=round_).exclude(scores={}).exists()
    assert not StudentDataAccess.objects.filter(action=AccessAction.IMPORT).exists()


def test_a_good_import_writes_every_row(setup):
    w, group, other, round_, client, rows = setup
    save_cell(rows[2], "maths", "3", expected=None, by=None)
    lines = [
        ["id", "Student", "maths", "English", "notes"],
        [rows[0].student_id, "x", "2", "1", ""],
        [rows[1].student_id, "y", "0", "", ""],
        [rows[2].student_id, "z", "", "3", ""],  # an empty cell clears the score
    ]
    response = client.post(reverse("followup:grid_import", args=[round_.pk, group.pk]), {"file": _csv(lines)})
    assert response.status_code == 302
    for row in rows:
        row.refresh_from_db()
    assert [r.scores for r in rows] == [{"maths": 2, "english": 1}, {"maths": 0}, {"english": 3}]
    assert StudentDataAccess.objects.filter(action=AccessAction.IMPORT, context="grid import").count() == 1


def test_the_group_view_orders_by_level_with_change_and_counts(setup):
    w, group, other, round_, client, rows = setup
    earlier = make_round(w.school, term="VT", year=2026, by=None)
    Row.objects.filter(round=earlier, student=rows[0].student).update(scores=full(round_, maths=3))
    Row.objects.filter(round_id=round_.pk, pk=rows[0].pk).update(scores=full(round_, maths=1))
    Row.objects.filter(round_id=round_.pk, pk=rows[1].pk).update(scores=full(round_, **dict.fromkeys(RED, 3)))
    response = client.get(reverse("followup:group", args=[round_.pk, group.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    names = [str(rows[1].student), str(rows[0].student)]
    assert body.index(names[0]) < body.index(names[1])  # red first
    assert 'data-level="red">Red</span>' in body
    assert "down 2" in body
    assert 'id="count-red">1<' in body and 'id="count-green">1<' in body
    assert 'id="count-unassessed">1<' in body  # the third student: nothing scored, not green
    assert 'data-heat="3">3</td>' in body
    assert StudentDataAccess.objects.filter(context="group view").count() == 1


@pytest.mark.parametrize(
    "name",
    ["followup:grid", "followup:group", "followup:grid_template", "followup:cell", "followup:grid_import"],
)
def test_a_teacher_of_another_group_or_school_gets_404(setup, name):
    w, group, other, round_, client, rows = setup
    colleague = make_member(w.school, Role.TEACHER, make_user(full_name="Kim Kollega"))
    make_group(w.school, name="8A", students=1, teachers=[colleague])
    elsewhere = make_member(w.other_school, Role.TEACHER, make_user(full_name="Ulla Utanför"))
    for person in (colleague, elsewhere):
        other_client = Client()
        verify_second_factor(other_client, person)
        args = [round_.pk, rows[0].pk] if name == "followup:cell" else [round_.pk, group.pk]
        if name in ("followup:cell", "followup:grid_import"):
            response = other_client.post(reverse(name, args=args), {"code": "maths", "value": "1"})
        else:
            response = other_client.get(reverse(name, args=args))
        assert response.status_code == 404
    rows[0].refresh_from_db()
    assert rows[0].scores == {}


def test_the_grid_needs_a_second_factor(setup):
    w, group, other, round_, client, rows = setup
    plain = Client()
    plain.force_login(w.people["teacher"])
    response = plain.get(grid_url(round_, group))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:second_factor_verify"))
    assert plain.post(cell_url(round_, rows[0]), {"code": "maths", "value": "1"}).status_code == 302
    rows[0].refresh_from_db()
    assert rows[0].scores == {}
    assert not StudentDataAccess.objects.exists()


def test_a_closed_round_shows_the_grid_read_only(setup):
    w, group, other, round_, client, rows = setup
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)
    body = client.get(grid_url(round_, group)).content.decode()
    assert "This round is closed; scores can no longer be changed." in body
    assert body.count(" readonly") == 3 * 33
    assert reverse("followup:grid_import", args=[round_.pk, group.pk]) not in body
    response = client.post(cell_url(round_, rows[0]), {"code": "maths", "value": "1", "expected": ""})
    assert response.status_code == 400
    rows[0].refresh_from_db()
    assert rows[0].scores == {}


def test_the_sheet_of_a_group_whose_name_excel_refuses_as_a_sheet_name(setup):
    w, group, other, round_, client, rows = setup
    StudentGroup.objects.filter(pk=group.pk).update(name="7B/7C: [NO]")
    response = client.get(reverse("followup:grid_template", args=[round_.pk, group.pk]))
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "7B-7C- -NO-"


def test_names_and_typed_text_are_escaped_in_the_cells(setup):
    w, group, other, round_, client, rows = setup
    student = rows[0].student
    student.given_name = '<img src=x onerror="alert(1)">'
    student.save()
    data = {f"was-{rows[0].pk}": "{}", f"c-{rows[0].pk}-maths": '"><b>x'}
    body = client.post(grid_url(round_, group), data).content.decode()
    assert "<img src=x" not in body and "<b>x" not in body
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body
    assert 'value="&quot;&gt;&lt;b&gt;x"' in body


@pytest.mark.parametrize("persona", ["regional_officer", "reader", "admin", "head_of_schools"])
def test_people_who_never_see_student_rows_are_refused_before_the_second_factor(setup, persona):
    """No "set up a second factor" first for a page they would be refused anyway: 404 at once."""
    w, group, other, round_, client, rows = setup
    person = w.people[persona]
    plain = Client()
    plain.force_login(person)
    for url in (
        grid_url(round_, group),
        reverse("followup:group", args=[round_.pk, group.pk]),
        reverse("followup:unit", args=[w.school.pk]),
        reverse("followup:log", args=[w.school.pk]),
    ):
        assert plain.get(url).status_code == 404, url
    assert plain.post(cell_url(round_, rows[0]), {"code": "maths", "value": "1"}).status_code == 404


def test_the_swedish_sheet_has_column_names_with_the_code_as_a_note_and_imports_again(setup):
    w, group, other, round_, client, rows = setup
    from django.conf import settings

    url = reverse("followup:grid_template", args=[round_.pk, group.pk])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    book = load_workbook(io.BytesIO(client.get(url).content))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert "Matematik" in headers and "maths" not in headers
    maths = headers.index("Matematik") + 1
    assert "maths" in sheet.cell(row=1, column=maths).comment.text
    sheet.cell(row=2, column=maths).value = 3
    body = io.BytesIO()
    book.save(body)
    body.name = "ark.xlsx"
    body.seek(0)
    response = client.post(reverse("followup:grid_import", args=[round_.pk, group.pk]), {"file": body})
    assert response.status_code == 302
    student_id = sheet.cell(row=2, column=1).value
    assert Row.objects.get(round=round_, student_id=student_id).scores == {"maths": 3}


def test_my_groups_keeps_the_last_results_at_hand_while_the_new_round_is_empty(setup):
    w, group, other, round_, client, rows = setup
    earlier = make_round(w.school, term="VT", year=2026, by=None)
    Row.objects.filter(round=earlier, group=group).update(scores={"maths": 2})
    body = client.get(reverse("followup:my_groups")).content.decode()
    assert grid_url(round_, group) in body  # the open round to fill in
    assert reverse("followup:group", args=[earlier.pk, group.pk]) in body  # and the last results
    Row.objects.filter(pk=rows[0].pk).update(scores={"maths": 1})
    body = client.get(reverse("followup:my_groups")).content.decode()
    assert reverse("followup:group", args=[earlier.pk, group.pk]) not in body


def test_a_zip_bomb_is_refused_in_under_a_second(setup):
    w, group, other, round_, client, rows = setup
    bomb = io.BytesIO(xlsx_bomb())
    bomb.name = "grid.xlsx"
    started = time.perf_counter()
    response = client.post(reverse("followup:grid_import", args=[round_.pk, group.pk]), {"file": bomb})
    elapsed = time.perf_counter() - started
    print(f"grid import: bomb refused in {elapsed * 1000:.0f} ms")
    assert response.status_code == 400 and elapsed < 1
    assert "more than the 20 MB Kedja reads" in response.content.decode()
    assert not Row.objects.filter(round=round_).exclude(scores={}).exists()
