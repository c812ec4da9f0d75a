"""Retention of follow-up data (docs/operations.md, "Retention"): a round is deleted once its `delete_after`
date has passed — first its counts are kept as TermAggregate rows (per level for the unit, gender and group,
per score for subject columns; no personal data), then the round with its rows and analyses goes. Students who
are in no group and have no rows left are deleted once the retention period has passed since they were added.
`manage.py followup_retention` runs this as a scheduled task."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kedja.organisations.actions import record_event

from .counts import CountedRow, count_rows
from .models import Round, Row, Student, TermAggregate
from .scheme import Layout


@dataclass
class Deleted:
    unit: str
    round: str
    rows: int
    aggregates: int


def due_rounds(today: date):
    return Round.objects.filter(delete_after__lt=today).select_related("school_unit", "scheme_version")


def aggregate_round(round_: Round) -> int:
    """Write the round's TermAggregate rows (replacing any from an earlier, interrupted run)."""
    layout = Layout(round_.scheme_version)
    rows = Row.objects.filter(round=round_).values_list("scores", "student__gender", "group__name")
    counts = count_rows(layout, [CountedRow(s, g, n or "") for s, g, n in rows])
    TermAggregate.objects.filter(school_unit=round_.school_unit, term=round_.term, year=round_.year).delete()
    TermAggregate.objects.bulk_create(
        TermAggregate(
            school_unit=round_.school_unit,
            term=round_.term,
            year=round_.year,
            scheme_version=round_.scheme_version,
            dimension=dimension,
            key=key[:60],
            category=category,
            count=count,
        )
        for (dimension, key, category), count in sorted(counts.items())
    )
    return len(counts)


def stale_students(today: date):
    """Students in no group, without rows, added longer ago than the retention period."""
    months = settings.KEDJA_FOLLOWUP_RETENTION_MONTHS
    month_index = today.year * 12 + today.month - 1 - months
    cutoff = date(month_index // 12, month_index % 12 + 1, 1)
    moment = timezone.make_aware(datetime.combine(cutoff, time.min))
    return Student.objects.filter(
        groups__isnull=True, followup_rows__isnull=True, created_at__lt=moment
    ).distinct()


def run(today: date, *, dry_run: bool = False) -> tuple[list[Deleted], int]:
    """(rounds deleted or due, students deleted or due). Each round is aggregated and deleted in its own
    transaction, so an interrupted run loses nothing and the next run continues."""
    done = []
    for round_ in due_rounds(today):
        rows = round_.rows.count()
        if dry_run:
            done.append(Deleted(round_.school_unit.name, str(round_), rows, 0))
            continue
        with transaction.atomic():
            aggregates = aggregate_round(round_)
            round_.delete()
            record_event(
                "followup.round_deleted",
                by=None,
                organisation=round_.school_unit,
                term=f"{round_.term}{round_.year}",
                rows=rows,
                aggregates=aggregates,
            )
        done.append(Deleted(round_.school_unit.name, str(round_), rows, aggregates))
    students = stale_students(today)
    count = students.count()
    if not dry_run and count:
        with transaction.atomic():
            Student.objects.filter(pk__in=list(students.values_list("pk", flat=True))).delete()
            record_event("followup.students_deleted", by=None, organisation=None, count=count)
    return done, count
