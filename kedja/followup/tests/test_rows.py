"""Rounds, cell saves and who sees rows: concurrent edits never overwrite silently, reads are
logged, and only the unit's principal and the group's teachers see student rows."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kedja.followup import access
from kedja.followup.actions import open_round
from kedja.followup.actions_grid import CellConflict, save_cell
from kedja.followup.factories import make_group, make_round
from kedja.followup.models import Level, Round, Row, StudentDataAccess, Term
from kedja.followup.reading import group_rows
from kedja.followup.scheme import Layout
from kedja.organisations.factories import make_member, make_user
from kedja.organisations.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # db: row locks against concurrent edits


@pytest.fixture
def setup(world):
    teacher = world.people["teacher"]
    group = make_group(world.school, name="7B", students=3, teachers=[teacher])
    other = make_group(world.school, name="7C", students=2)
    round_ = make_round(world.school, by=world.people["principal"])
    return world, group, other, round_


def test_opening_a_round_gives_every_student_a_row_and_a_retention_date(setup):
    w, group, other, round_ = setup
    assert round_.rows.count() == 5
    assert str(round_.delete_after) == "2027-12-31"
    with pytest.raises(ValidationError):
        open_round(w.school, term=Term.AUTUMN, year=2026, by=None)
    with pytest.raises(ValidationError):
        open_round(w.municipality, term=Term.SPRING, year=2027, by=None)


def test_a_cell_save_returns_sum_and_level_and_refuses_out_of_range(setup):
    w, group, other, round_ = setup
    row = round_.rows.filter(student__groups=group).first()
    result = save_cell(row, "maths", "3", expected=None, by=w.people["teacher"])
    # one column of many: a sum but no level until the row is complete
    assert (result.value, result.total, result.level) == (3, 3, Level.NOT_ASSESSED)
    with pytest.raises(ValidationError):
        save_cell(row, "maths", "4", expected="3", by=w.people["teacher"])
    row.refresh_from_db()
    assert row.scores == {"maths": 3}


def test_two_teachers_on_the_same_cell_conflict_but_other_cells_merge(setup):
    w, group, other, round_ = setup
    row = round_.rows.filter(student__groups=group).first()
    save_cell(row, "maths", "2", expected=None, by=w.people["teacher"])
    # A second teacher's page still shows the cell empty:
    with pytest.raises(CellConflict) as e:
        save_cell(row, "maths", "1", expected=None, by=w.people["principal"])
    assert e.value.current == 2
    save_cell(row, "english", "1", expected=None, by=w.people["principal"])
    row.refresh_from_db()
    assert row.scores == {"maths": 2, "english": 1}
    assert row.version == 2


def test_a_closed_round_refuses_changes(setup):
    w, group, other, round_ = setup
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)
    row = round_.rows.first()
    row.round.refresh_from_db()
    with pytest.raises(ValidationError):
        save_cell(row, "maths", "1", expected=None, by=None)


def test_who_sees_rows(setup):
    w, group, other, round_ = setup
    assert access.can_view_group_rows(w.people["teacher"], group)
    assert not access.can_view_group_rows(w.people["teacher"], other)
    assert access.can_view_group_rows(w.people["principal"], other)
    for persona in (
        "coordinator",
        "head_of_schools",
        "admin",
        "regional_officer",
        "reader",
        "partner",
        "outsider",
    ):
        assert not access.can_view_group_rows(w.people[persona], group), persona
    superuser = make_user(is_superuser=True, is_staff=True)
    assert not access.can_view_group_rows(superuser, group)
    other_school_teacher = make_member(w.other_school, Role.TEACHER)
    group.teachers.add(other_school_teacher)  # named on a group of a unit where they have no membership
    assert not access.can_view_group_rows(other_school_teacher, group)


def test_aggregates_above_the_unit(setup):
    w, *_ = setup
    assert access.can_view_aggregates(w.people["head_of_schools"], w.administration)
    assert not access.can_view_aggregates(w.people["head_of_schools"], w.municipality)
    assert access.can_view_aggregates(w.people["reader"], w.municipality)
    assert not access.can_view_aggregates(w.people["coordinator"], w.municipality)
    assert not access.can_view_aggregates(w.people["admin"], w.school)
    assert access.can_view_aggregates(w.people["regional_officer"], w.municipality)
    assert access.can_view_aggregates(w.people["principal"], w.school)
    assert not access.aggregates_leave_unit(w.people["principal"], w.school)
    assert access.aggregates_leave_unit(w.people["head_of_schools"], w.school)
    assert not access.can_view_aggregates(w.people["teacher"], w.school)
    assert not access.can_view_aggregates(w.people["outsider"], w.municipality)
    assert not access.can_view_aggregates(w.people["principal"], w.other_school)


def test_reading_a_group_writes_the_log_first(setup):
    w, group, other, round_ = setup
    rows = group_rows(w.people["teacher"], group, round_, context="test")
    assert len(rows.lines) == 3
    entry = StudentDataAccess.objects.get()
    assert (entry.user, entry.action, entry.student_count, entry.group_ref) == (
        w.people["teacher"],
        "view",
        3,
        group.pk,
    )
    with pytest.raises(PermissionDenied):
        group_rows(w.people["teacher"], other, round_, context="test")
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_change_since_the_previous_round(setup):
    w, group, other, round_ = setup
    earlier = make_round(w.school, term=Term.SPRING, year=2026)
    row_before = earlier.rows.filter(student__groups=group).order_by("student__family_name").first()
    save_cell(row_before, "maths", "3", expected=None, by=None)
    row_now = round_.rows.get(student=row_before.student)
    save_cell(row_now, "maths", "1", expected=None, by=None)
    lines = {
        line.student.pk: line for line in group_rows(w.people["principal"], group, round_, context="t").lines
    }
    assert lines[row_before.student_id].change is None  # partly scored rows are not compared
    codes = [c.code for c in Layout(round_.scheme_version).columns]
    Row.objects.filter(pk=row_before.pk).update(scores={c: 3 if c == "maths" else 0 for c in codes})
    Row.objects.filter(pk=row_now.pk).update(scores={c: 1 if c == "maths" else 0 for c in codes})
    lines = {
        line.student.pk: line for line in group_rows(w.people["principal"], group, round_, context="t").lines
    }
    assert lines[row_before.student_id].change == -2
