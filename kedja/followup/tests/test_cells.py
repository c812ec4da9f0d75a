"""A block of cells saved at once (actions_grid.save_cells, views_cells.cells): a paste or "save all" is one request
and one transaction that checks every cell with the one rule and answers per cell; conflicts only for cells
someone else changed; one access-log entry naming the students and their columns."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from kedja.accounts.factories import verify_second_factor
from kedja.followup import actions_grid
from kedja.followup.factories import make_group, make_round
from kedja.followup.models import AccessAction, Round, Row, StudentDataAccess
from kedja.followup.reading import editable_rows
from kedja.followup.scheme import Layout

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # db: row locks, one transaction per paste


@pytest.fixture
def setup(world):
    teacher = world.people["teacher"]
    group = make_group(world.school, name="7B", students=3, teachers=[teacher])
    make_group(world.school, name="7C", students=2)
    round_ = make_round(world.school, by=world.people["principal"])
    rows = list(Row.objects.filter(round=round_, group=group).select_related("student").order_by("pk"))
    return world, teacher, group, round_, rows


def test_a_block_saves_the_good_cells_and_refuses_each_bad_one_as_typed(setup):
    w, teacher, group, round_, rows = setup
    a, b, c = rows
    changes = [
        (a.pk, "friends", "2", ""),
        (a.pk, "conflicts", "-1", ""),
        (b.pk, "friends", "12", ""),
        (b.pk, "conflicts", "2.5", ""),
        (c.pk, "friends", "3", ""),
        (c.pk, "maths", "5x", ""),
        (c.pk, "nonsense", "1", ""),
    ]
    outcomes, fresh = actions_grid.save_cells(
        round_, editable_rows(teacher, group, round_), changes, by=teacher
    )
    states = [(o.code, o.state, o.stored) for o in outcomes]
    assert states == [
        ("friends", "saved", 2),
        ("conflicts", "refused", None),
        ("friends", "refused", None),
        ("conflicts", "refused", None),
        ("friends", "saved", 3),
        ("maths", "refused", None),
        ("nonsense", "refused", None),
    ]
    assert "-1 is outside the scale" in outcomes[1].message
    assert {r.pk: r.scores for r in Row.objects.filter(pk__in=[a.pk, b.pk, c.pk])} == {
        a.pk: {"friends": 2},
        b.pk: {},
        c.pk: {"friends": 3},
    }
    entry = StudentDataAccess.objects.get()
    assert entry.action == AccessAction.EDIT and entry.student_count == 2
    assert str(a.student) in entry.what and "(Friends)" in entry.what and str(b.student) not in entry.what


def test_conflicts_only_for_cells_someone_else_changed(setup):
    w, teacher, group, round_, rows = setup
    a, b, _c = rows
    Row.objects.filter(pk=a.pk).update(scores={"friends": 1, "conflicts": 2})
    changes = [
        (a.pk, "friends", "3", ""),  # someone else put 1 there since the page showed it empty
        (a.pk, "conflicts", "2", ""),  # already holds what was typed: saved, not a conflict
        (b.pk, "friends", "1", ""),
    ]
    outcomes, _fresh = actions_grid.save_cells(
        round_, editable_rows(teacher, group, round_), changes, by=teacher
    )
    assert [o.state for o in outcomes] == ["conflict", "saved", "saved"]
    assert outcomes[0].stored == 1 and "1" in outcomes[0].message
    assert Row.objects.get(pk=a.pk).scores == {"friends": 1, "conflicts": 2}


def test_rows_outside_the_group_and_closed_rounds_are_refused(setup):
    w, teacher, group, round_, rows = setup
    stranger = Row.objects.filter(round=round_).exclude(pk__in=[r.pk for r in rows]).first()
    outcomes, _ = actions_grid.save_cells(
        round_, editable_rows(teacher, group, round_), [(stranger.pk, "friends", "1", "")], by=teacher
    )
    assert outcomes[0].state == "refused" and Row.objects.get(pk=stranger.pk).scores == {}
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)
    round_.refresh_from_db()
    with pytest.raises(actions_grid.ValidationError):
        actions_grid.save_cells(round_, rows, [(rows[0].pk, "friends", "1", "")], by=teacher)


def test_the_view_answers_per_cell_in_one_request_and_one_log_entry(setup):
    w, teacher, group, round_, rows = setup
    client = Client()
    verify_second_factor(client, teacher)
    codes = [c.code for c in Layout(round_.scheme_version).columns]
    block = [[r.pk, code, "2", ""] for r in rows for code in codes]
    block[5][2] = "9"
    url = reverse("followup:cells", args=[round_.pk, group.pk])
    response = client.post(url, {"cells": json.dumps(block)})
    assert response.status_code == 200
    data = response.json()
    assert (data["saved"], data["refused"], data["conflicts"]) == (len(block) - 1, 1, 0)
    assert data["cells"][5]["state"] == "refused" and data["cells"][5]["stored"] is None
    assert set(data["rows"]) == {str(r.pk) for r in rows}
    assert StudentDataAccess.objects.count() == 1
    assert client.post(url, {"cells": "not json"}).status_code == 400
    # a teacher of another group: 404, nothing saved
    other = Client()
    verify_second_factor(other, w.people["principal"])
    assert other.post(url, {"cells": json.dumps(block[:1])}).status_code == 200  # the principal fills in too
    outsider = Client()
    outsider.force_login(w.people["coordinator"])
    assert outsider.post(url, {"cells": json.dumps(block[:1])}).status_code in (302, 404)


def test_the_log_text_of_a_big_block_stays_within_the_field():
    from kedja.followup.log import WHAT_LENGTH, scores_changed

    names = {n: f"Elev Nummer{n}" for n in range(30)}
    text = scores_changed({n: [f"c{i}" for i in range(33)] for n in range(30)}, names, "Höstterminen 2026")
    assert len(text) <= WHAT_LENGTH and text.startswith("990 scores changed")
    assert "Elev Nummer0 (33 scores)" in text and "more students" in text


def test_the_access_log_names_the_student_and_the_place_in_the_readers_language(setup):
    from django.utils import translation

    w, teacher, group, round_, rows = setup
    client = Client()
    verify_second_factor(client, teacher)
    client.post(
        reverse("followup:cell", args=[round_.pk, rows[0].pk]),
        {"code": "maths", "value": "2", "expected": ""},
    )
    client.post(
        reverse("followup:cells", args=[round_.pk, group.pk]),
        {"cells": json.dumps([[r.pk, "english", "1", ""] for r in rows])},
    )
    single, block = StudentDataAccess.objects.order_by("pk")
    assert str(rows[0].student) in single.what and "Mathematics" in single.what
    assert block.student_count == 3 and all(str(r.student) in block.what for r in rows)
    assert block.what.startswith("3 scores changed")
    assert (single.place, block.place) == ("Saving a cell in the grid", "Saving cells in the grid")
    with translation.override("sv"):
        assert block.place == "Sparande av celler i rutnätet"
    principal = Client()
    verify_second_factor(principal, w.people["principal"])
    page = principal.get(reverse("followup:log", args=[w.school.pk])).content.decode()
    assert "Saving cells in the grid" in page and str(rows[1].student) in page
