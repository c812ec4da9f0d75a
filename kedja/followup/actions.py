"""Writes of the mid-term follow-up (docs/followup.md): the municipality's scheme, rounds, and the grid's cell
saves. Each is atomic and audited; a cell save names the value it replaces so concurrent edits never overwrite
each other silently."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kedja.organisations.actions import record_event
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from . import log
from . import scheme as rules
from .models import AccessAction, QuestionSet, Round, Row, Scheme, SchemeVersion, Student, StudentGroup, Term


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
    municipality: Organisation,
    *,
    definition: dict,
    thresholds: dict,
    score_max: int = 3,
    expected_number: int | None = None,
    by,
) -> SchemeVersion:
    """A new version of the municipality's scheme; rounds already opened keep theirs. `expected_number` is
    the version the editor started from: EditConflict if someone made a newer one since."""
    from kedja.core.concurrency import EditConflict

    rules.check_definition(definition)
    current = ensure_scheme(municipality, by=by)  # locks the scheme row until this transaction ends
    if expected_number is not None and current.number != expected_number:
        raise EditConflict()
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


# --- a grid sheet from Excel/CSV (the teacher's own spreadsheet layout) --------------------------------


# --- the principal's groups, students, analyses and erasure (views_unit/_students/_analysis.py) ----------


def group_staff(unit: Organisation):
    """Who may be a group's mentor or teacher: the unit's active teachers and principals."""
    from kedja.accounts.models import User
    from kedja.organisations.roles import Role

    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation=unit,
            memberships__role__in=[Role.TEACHER, Role.PRINCIPAL],
            memberships__is_active=True,
        )
        .distinct()
        .order_by("full_name", "email")
    )


@transaction.atomic
def save_group(unit: Organisation, group: StudentGroup | None, *, name, school_year, mentor, teachers, by):
    """Create or change a group; mentor and teachers must work at the unit."""
    staff = set(group_staff(unit).values_list("pk", flat=True))
    errors = {}
    if mentor is not None and mentor.pk not in staff:
        errors["mentor"] = _("The mentor must be a teacher or principal at this school unit.")
    if any(t.pk not in staff for t in teachers):
        errors["teachers"] = _("Every teacher must be a teacher or principal at this school unit.")
    name = (name or "").strip()
    clash = StudentGroup.objects.filter(school_unit=unit, name=name)
    if group is not None:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        errors["name"] = _("The unit already has a group with this name.")
    if errors:
        raise ValidationError(errors)
    created = group is None
    group = group or StudentGroup(school_unit=unit)
    group.name, group.school_year, group.mentor = name, school_year, mentor
    group.full_clean(exclude=["teachers", "students"])
    group.save()
    group.teachers.set(teachers)
    record_event(
        "followup.group_created" if created else "followup.group_changed",
        by=by,
        organisation=unit,
        group=group.pk,
    )
    return group


@transaction.atomic
def save_student(student: Student, *, given_name, family_name, gender, local_ref, by) -> Student:
    student.given_name, student.family_name = given_name.strip(), family_name.strip()
    student.gender, student.local_ref = gender, (local_ref or "").strip()
    student.full_clean()
    student.save()
    record_event("followup.student_changed", by=by, organisation=student.school_unit, student=student.pk)
    return student


@transaction.atomic
def move_students(unit: Organisation, students, to: StudentGroup | None, *, by) -> int:
    """Put students in `to` (out of every other group of the unit); their rows in open rounds follow, so
    the new group's teachers fill them in. `to` None takes them out of all groups."""
    moved = 0
    for student in students:
        if student.school_unit_id != unit.pk:
            raise ValidationError(_("The student is not at this school unit."))
        others = StudentGroup.objects.filter(school_unit=unit)
        student.groups.remove(*(others.exclude(pk=to.pk) if to is not None else others))
        if to is not None:
            to.students.add(student)
            for round_ in Round.objects.filter(school_unit=unit, status=Round.Status.OPEN):
                Row.objects.update_or_create(round=round_, student=student, defaults={"group": to})
        moved += 1
    record_event(
        "followup.students_moved", by=by, organisation=unit, group=getattr(to, "pk", None), count=moved
    )
    return moved


@transaction.atomic
def erase_student(student: Student, *, by) -> int:
    """Right to erasure: the student and every row about them, everywhere. The access log keeps its rows
    (ids and counts only, never a name); returns the number of rows deleted."""
    unit, pk = student.school_unit, student.pk
    rows = Row.objects.filter(student=student).count()
    student.groups.clear()
    Row.objects.filter(student=student).delete()
    student.delete()
    log.record(
        by,
        school_unit=unit,
        action=AccessAction.ERASE,
        what=_("A student and %(rows)s rows erased") % {"rows": rows},
        context="student erasure",
        students=[pk],
    )
    record_event("followup.student_erased", by=by, organisation=unit, student=pk, rows=rows)
    return rows


def question_set(municipality: Organisation, answered_by: str) -> QuestionSet:
    ensure_scheme(municipality)
    questions = rules.default_questions().get(answered_by, [])
    return QuestionSet.objects.get_or_create(
        organisation=municipality, answered_by=answered_by, defaults={"questions": questions}
    )[0]


@transaction.atomic
def save_questions(question_set_: QuestionSet, texts: list[str], *, expected_version: int, by) -> QuestionSet:
    """The municipality's questions, one per text (empty texts dropped). A question keeps its code while
    it stays at its place, so earlier answers stay with it; the texts are stored in the current language."""
    from django.utils.translation import get_language

    from kedja.core.concurrency import save_versioned

    texts = [t.strip() for t in texts if t and t.strip()]
    if not texts:
        raise ValidationError({"questions": _("Give at least one question.")})
    language = (get_language() or "sv").split("-")[0]
    old = list(question_set_.questions)
    questions: list[dict[str, Any]] = []
    for index, text in enumerate(texts):
        if index < len(old):
            item = {"code": old[index]["code"], "text": dict(old[index].get("text", {}))}
        else:
            used = {q["code"] for q in old} | {q["code"] for q in questions}
            number = index + 1
            while f"q{number}" in used:
                number += 1
            item = {"code": f"q{number}", "text": {}}
        if item["text"].get(language) != text:
            item["text"] = {language: text}
        questions.append(item)
    question_set_.questions = questions
    save_versioned(question_set_, expected_version=expected_version, update_fields=["questions"])
    record_event(
        "followup.questions_changed", by=by, organisation=question_set_.organisation, set=question_set_.pk
    )
    return question_set_


def analysis_for(round_: Round, group: StudentGroup | None, answered_by: str):
    from .models import Analysis

    return Analysis.objects.get_or_create(round=round_, group=group, answered_by=answered_by)[0]


@transaction.atomic
def save_analysis(analysis, answers: dict, *, expected_version: int, by):
    """Answers about a group or the unit (never about a named student); EditConflict if someone else saved
    since the page was shown."""
    from kedja.core.concurrency import save_versioned

    limit = 4000
    too_long = [code for code, text in answers.items() if len(text) > limit]
    if too_long:
        raise ValidationError({code: _("At most %(max)s characters.") % {"max": limit} for code in too_long})
    analysis.answers = {code: text.strip() for code, text in answers.items()}
    analysis.updated_at = timezone.now()
    analysis.updated_by = by
    save_versioned(
        analysis, expected_version=expected_version, update_fields=["answers", "updated_at", "updated_by"]
    )
    record_event(
        "followup.analysis_saved", by=by, organisation=analysis.round.school_unit, analysis=analysis.pk
    )
    return analysis
