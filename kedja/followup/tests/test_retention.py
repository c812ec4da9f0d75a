"""Retention of the follow-up (docs/operations.md, "Retention"): `manage.py followup_retention` deletes rounds
past delete_after — first keeping their counts as TermAggregate rows — and students in no group without rows;
--dry-run deletes nothing. Dates are fixed. Also the demo school's follow-up."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from kedja.followup import retention
from kedja.followup.counts import LEVELS
from kedja.followup.demo import build_followup_demo
from kedja.followup.factories import fill_round, make_group, make_round
from kedja.followup.models import (
    Analysis,
    Round,
    Row,
    Student,
    StudentDataAccess,
    StudentGroup,
    TermAggregate,
)
from kedja.followup.scheme import Layout
from kedja.organisations.demo import build_demo

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # db: bulk deletes and aggregates


@pytest.fixture
def old_round(world):
    group = make_group(world.school, name="7A", students=5)
    make_group(world.school, name="7B", students=3)
    round_ = make_round(world.school, term="VT", year=2024, by=world.people["principal"])
    fill_round(round_, seed=5)
    Analysis.objects.create(round=round_, answered_by="principal", answers={"results": "Lugnt."})
    current = make_round(world.school, term="HT", year=2026, by=world.people["principal"])
    return world, group, round_, current


def _run(*args) -> str:
    out = io.StringIO()
    call_command("followup_retention", *args, stdout=out)
    return out.getvalue()


def test_dry_run_shows_what_would_go_and_deletes_nothing(old_round):
    world, _group, round_, _current = old_round
    assert round_.delete_after == date(2025, 6, 30)
    text = _run("--dry-run", "--today", "2025-07-01")
    assert f"would delete: {world.school.name}, {round_}, 8 rows" in text
    assert Round.objects.filter(pk=round_.pk).exists()
    assert not TermAggregate.objects.exists()


def test_nothing_goes_on_the_last_day(old_round):
    _world, _group, round_, _current = old_round
    text = _run("--today", "2025-06-30")
    assert "deleted: 0 rounds" in text
    assert Round.objects.filter(pk=round_.pk).exists()


def test_a_round_past_its_date_is_kept_as_counts_and_deleted(old_round):
    world, _group, round_, current = old_round
    layout = Layout(round_.scheme_version)
    expected_levels = {str(level): 0 for level in LEVELS}
    rows = list(Row.objects.filter(round=round_).select_related("student", "group"))
    for row in rows:
        expected_levels[layout.level(layout.row_sum(row.scores))] += 1
    maths = sum(1 for r in rows if r.scores.get("maths") == 0)
    log_rows = StudentDataAccess.objects.count()

    text = _run("--today", "2025-07-01")
    assert f"deleted: {world.school.name}, {round_}, 8 rows" in text
    assert not Round.objects.filter(pk=round_.pk).exists()
    assert not Row.objects.filter(round_id=round_.pk).exists()
    assert not Analysis.objects.filter(round_id=round_.pk).exists()
    assert Round.objects.filter(pk=current.pk).exists() and current.rows.count() == 8

    kept = TermAggregate.objects.filter(school_unit=world.school, term="VT", year=2024)
    overall = {a.category: a.count for a in kept.filter(dimension="all")}
    assert {k: overall.get(k, 0) for k in expected_levels} == expected_levels
    assert sum(a.count for a in kept.filter(dimension="group", key="7A")) == 5
    assert sum(a.count for a in kept.filter(dimension="gender")) == 8
    assert kept.get(dimension="subject", key="maths", category="0").count == maths
    # No names in what is kept, and the access log is untouched
    names = {s.family_name for s in Student.objects.all()} | {s.given_name for s in Student.objects.all()}
    assert not any(a.key in names for a in kept)
    assert StudentDataAccess.objects.count() == log_rows
    # Running again finds nothing more
    assert "deleted: 0 rounds" in _run("--today", "2025-07-01")


def test_students_in_no_group_without_rows_go_after_the_period(world):
    group = make_group(world.school, name="9A", students=2)
    gone, stays = list(group.students.all())
    group.students.remove(gone)
    Student.objects.filter(pk=gone.pk).update(created_at=timezone.now() - timedelta(days=400))
    fresh = Student.objects.create(school_unit=world.school, given_name="Ny", family_name="Elev")
    today = timezone.localdate()
    done, students = retention.run(today, dry_run=True)
    assert students == 1 and Student.objects.filter(pk=gone.pk).exists()
    done, students = retention.run(today)
    assert students == 1
    assert not Student.objects.filter(pk=gone.pk).exists()
    assert Student.objects.filter(pk__in=[stays.pk, fresh.pk]).count() == 2


def test_today_must_be_a_date(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        _run("--today", "igår")


def test_demo_school_gets_groups_rounds_and_scores():
    people: dict = {}
    build_demo(people)
    build_followup_demo(people)
    build_followup_demo(people)  # a second run leaves it alone
    teacher = people["larare"]
    groups = {g.name: g for g in StudentGroup.objects.filter(name__in=["7A", "7B", "8A"])}
    assert set(groups) == {"7A", "7B", "8A"}
    assert all(20 <= g.students.count() <= 28 for g in groups.values())
    assert teacher in groups["7A"].teachers.all() and groups["7B"].mentor == teacher
    unit = groups["7A"].school_unit
    rounds = sorted(Round.objects.filter(school_unit=unit), key=lambda r: r.sort_key)
    assert [r.term for r in rounds] == ["VT", "HT"] and rounds[0].status == Round.Status.CLOSED
    assert all(row.scores for row in rounds[0].rows.all())
    assert rounds[1].rows.count() == sum(g.students.count() for g in groups.values())
