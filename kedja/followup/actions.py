"""Writes of the mid-term follow-up (issue 6): the municipality's scheme, rounds, and the grid's cell saves.
Each is atomic and audited; a cell save names the value it replaces so concurrent edits never overwrite each
other silently."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kedja.organisations.actions import record_event
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from . import scheme as rules
from .models import QuestionSet, Round, Row, Scheme, SchemeVersion, Student, StudentGroup, Term


def municipality_of(unit: Organisation) -> Organisation:
    """The municipality a school unit belongs to (schemes and question sets are the municipality's)."""
    municipality = Organisation.objects.filter(pk__in=unit.ancestor_ids(), kind=Kind.MUNICIPALITY).first()
    if municipality is None:
        raise ValidationError(_("This school unit belongs to no municipality."))
    return municipality


@transaction.atomic
def ensure_scheme(municipality: Organisation, *, by=None) -> SchemeVersion:
    """The municipality's current scheme version; the first call creates the shipped default (version 1)
    and the default question sets."""
    scheme = Scheme.objects.select_for_update().filter(organisation=municipality).order_by("pk").first()
    if scheme is not None:
        current = scheme.current_version()
        if current is not None:
            return current
    data = rules.default_scheme_data()
    if scheme is None:
        scheme = Scheme.objects.create(
            organisation=municipality, name=data["name"].get("sv", "Mitterminsuppföljning")
        )
    definition = {"groups": data["groups"]}
    rules.check_definition(definition)
    version = SchemeVersion.objects.create(
        scheme=scheme,
        number=1,
        definition=definition,
        score_min=data["score_min"],
        score_max=data["score_max"],
        yellow_from=data["yellow_from"],
        orange_from=data["orange_from"],
        red_from=data["red_from"],
        stated_max=data.get("stated_max"),
        created_by=by,
    )
    for answered_by, questions in rules.default_questions().items():
        QuestionSet.objects.get_or_create(
            organisation=municipality, answered_by=answered_by, defaults={"questions": questions}
        )
    record_event("followup.scheme_created", by=by, organisation=municipality, version=version.number)
    return version


@transaction.atomic
def new_scheme_version(
    municipality: Organisation, *, definition: dict, thresholds: dict, score_max: int = 3, by
) -> SchemeVersion:
    """A new version of the municipality's scheme; rounds already opened keep theirs."""
    rules.check_definition(definition)
    current = ensure_scheme(municipality, by=by)
    version = SchemeVersion(
        scheme=current.scheme,
        number=current.number + 1,
        definition=definition,
        score_min=0,
        score_max=score_max,
        yellow_from=thresholds["yellow_from"],
        orange_from=thresholds["orange_from"],
        red_from=thresholds["red_from"],
        stated_max=thresholds.get("stated_max"),
        created_by=by,
    )
    version.full_clean(exclude=["scheme"])
    version.save()
    record_event("followup.scheme_version", by=by, organisation=municipality, version=version.number)
    return version


def current_term(today=None) -> tuple[str, int]:
    today = today or timezone.localdate()
    return (Term.SPRING if today.month <= 6 else Term.AUTUMN), today.year


@transaction.atomic
def open_round(unit: Organisation, *, term: str, year: int, by) -> Round:
    """The principal opens the unit's follow-up for a term with the municipality's current scheme
    version; every student in an active group gets an empty row."""
    if unit.kind != Kind.SCHOOL_UNIT:
        raise ValidationError(_("Follow-up rounds belong to school units."))
    if term not in Term.values:
        raise ValidationError({"term": _("Choose spring or autumn term.")})
    if Round.objects.filter(school_unit=unit, term=term, year=year).exists():
        raise ValidationError({"term": _("This term already has a follow-up round.")})
    version = ensure_scheme(municipality_of(unit), by=by)
    months = settings.KEDJA_FOLLOWUP_RETENTION_MONTHS
    round_ = Round.objects.create(
        school_unit=unit,
        term=term,
        year=year,
        scheme_version=version,
        opened_by=by,
        delete_after=rules.delete_after(term, year, months),
    )
    add_missing_rows(round_)
    record_event("followup.round_opened", by=by, organisation=unit, round=round_.pk, term=f"{term}{year}")
    return round_


def add_missing_rows(round_: Round) -> int:
    """Rows for students who joined a group of the unit after the round was opened."""
    have = set(round_.rows.values_list("student_id", flat=True))
    rows = []
    for group in StudentGroup.objects.filter(school_unit=round_.school_unit, is_active=True).prefetch_related(
        "students"
    ):
        for student in group.students.all():
            if student.pk not in have:
                rows.append(Row(round=round_, student=student, group=group))
                have.add(student.pk)
    Row.objects.bulk_create(rows)
    return len(rows)


class CellConflict(Exception):
    """Someone else changed this cell after the person's page showed it."""

    def __init__(self, current: int | None, by_label: str = ""):
        super().__init__("cell conflict")
        self.current = current
        self.by_label = by_label

    @property
    def message(self) -> str:
        shown = "–" if self.current is None else str(self.current)
        return _(
            "Someone else changed this cell to %(value)s while you were working. Check it and enter yours again."
        ) % {"value": shown}


@dataclass
class CellResult:
    row: Row
    value: int | None
    total: float
    level: str


@transaction.atomic
def save_cell(row: Row, code: str, raw, *, expected, by) -> CellResult:
    """Store one score. `expected` is the value the person's page showed for this cell (None for empty):
    if the stored value differs, nothing is written and CellConflict says what it is now. Other cells of the
    row may change meanwhile — they are merged, not overwritten. A refused value raises ValidationError."""
    if row.round.status != Round.Status.OPEN:
        raise ValidationError(_("This round is closed; scores can no longer be changed."))
    layout = rules.Layout(row.round.scheme_version)
    value = layout.check_score(code, raw)
    expected_value = layout.check_score(code, expected) if expected not in (None, "") else None
    fresh = Row.objects.select_for_update().get(pk=row.pk)
    current = fresh.scores.get(code)
    if current != expected_value:
        raise CellConflict(current)
    if value == current:
        total = layout.row_sum(fresh.scores)
        return CellResult(fresh, value, total, layout.level(total))
    if value is None:
        fresh.scores.pop(code, None)
    else:
        fresh.scores[code] = value
    fresh.version += 1
    fresh.updated_at = timezone.now()
    fresh.updated_by = by
    fresh.save(update_fields=["scores", "version", "updated_at", "updated_by"])
    total = layout.row_sum(fresh.scores)
    return CellResult(fresh, value, total, layout.level(total))


@transaction.atomic
def add_student(
    unit: Organisation, *, given_name: str, family_name: str, gender: str, group=None, local_ref="", by
):
    student = Student(
        school_unit=unit, given_name=given_name.strip(), family_name=family_name.strip(), gender=gender,
        local_ref=local_ref.strip(),
    )  # fmt: skip
    student.full_clean()
    student.save()
    if group is not None:
        group.students.add(student)
        for round_ in Round.objects.filter(school_unit=unit, status=Round.Status.OPEN):
            Row.objects.get_or_create(round=round_, student=student, defaults={"group": group})
    record_event("followup.student_added", by=by, organisation=unit, student=student.pk)
    return student
