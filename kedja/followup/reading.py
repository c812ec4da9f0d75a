"""The only way views read student-level data (docs/privacy.md): each function checks the access layer, writes
the access-log row and then returns the rows. A view that showed student rows without going through here would
fail tests/test_followup_log.py, which walks every follow-up URL."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import gettext as _

from . import access, log
from .models import AccessAction, Level, Round, Row, StudentGroup
from .scheme import Layout


@dataclass
class StudentLine:
    row: Row
    total: float
    level: str
    previous_total: float | None = None
    previous_level: str | None = None

    @property
    def student(self):
        return self.row.student

    @property
    def change(self) -> float | None:
        """The change of the sum since the previous round — only between two fully assessed rows."""
        if self.previous_total is None or Level.NOT_ASSESSED in (self.level, self.previous_level):
            return None
        return round(self.total - self.previous_total, 1)


@dataclass
class GroupRows:
    group: StudentGroup
    round: Round
    layout: Layout
    lines: list[StudentLine] = field(default_factory=list)
    previous_round: Round | None = None


def previous_round(round_: Round) -> Round | None:
    earlier = [
        r for r in Round.objects.filter(school_unit_id=round_.school_unit_id) if r.sort_key < round_.sort_key
    ]
    return max(earlier, key=lambda r: r.sort_key) if earlier else None


def group_rows(
    user, group: StudentGroup, round_: Round, *, context: str, action: str = AccessAction.VIEW
) -> GroupRows:
    """A group's rows in a round with sums, levels and the change since the unit's previous round."""
    if round_.school_unit_id != group.school_unit_id or not access.can_view_group_rows(user, group):
        raise PermissionDenied()
    layout = Layout(round_.scheme_version)
    rows = list(
        Row.objects.filter(round=round_, student__groups=group)
        .select_related("student")
        .order_by("student__family_name", "student__given_name", "student__pk")
    )
    before = previous_round(round_)
    previous: dict[int, float] = {}
    if before is not None:
        # one Layout per scheme version in a request: the previous round mostly shares the version
        before_layout = (
            layout if before.scheme_version_id == round_.scheme_version_id else Layout(before.scheme_version)
        )
        for student_id, scores in Row.objects.filter(
            round=before, student_id__in=[r.student_id for r in rows]
        ).values_list("student_id", "scores"):
            total = before_layout.row_sum(scores)
            previous[student_id] = (total, before_layout.row_level(scores, total))
    result = GroupRows(group, round_, layout, previous_round=before)
    for row in rows:
        total = layout.row_sum(row.scores)
        line = StudentLine(row, total, layout.row_level(row.scores, total))
        if row.student_id in previous:
            line.previous_total, line.previous_level = previous[row.student_id]
        result.lines.append(line)
    log.record(
        user,
        school_unit=group.school_unit,
        action=action,
        what=_("Group %(group)s, %(round)s: %(count)s students")
        % {"group": group.name, "round": round_, "count": len(rows)},
        context=context,
        students=[r.student_id for r in rows],
        round=round_,
        group=group,
    )
    return result


def cell_row(user, round_: Round, row_id, *, context: str, column: str = "") -> Row:
    """The row a person changes one cell of in the grid. A cell save answers with the row's new sum and
    level, so it is logged as a change of that student's row. Someone who may not edit a group holding
    the student gets Http404, as for a row that does not exist."""
    row = Row.objects.select_related("student").filter(pk=row_id, round=round_).first()
    if row is None or not (
        access.visible_groups(user, round_.school_unit).filter(students=row.student_id).exists()
    ):
        raise Http404()
    row.round = round_
    log.record(
        user,
        school_unit=round_.school_unit,
        action=AccessAction.EDIT,
        what=_("One score of %(student)s (%(column)s), %(round)s")
        % {"student": row.student, "column": column or "–", "round": round_},
        context=context,
        students=[row.student_id],
        round=round_,
        group=row.group_id,
    )
    return row


def editable_rows(user, group: StudentGroup, round_: Round) -> list[Row]:
    """The rows of a group's students in a round, for a person who fills in the group (its teachers and
    mentor, the principal): the rows a batch of cell saves may touch. Nothing is shown, so nothing is
    logged here; actions_grid.save_cells logs what it changed. PermissionDenied for anyone else."""
    if round_.school_unit_id != group.school_unit_id or not access.can_edit_group_rows(user, group):
        raise PermissionDenied()
    return list(Row.objects.filter(round=round_, student__groups=group).only("pk", "student_id", "group_id"))


@dataclass(frozen=True)
class Progress:
    """How far a round has come: scored cells of all cells, and rows with every column scored."""

    filled: int
    cells: int
    complete: int
    rows: int

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.cells) if self.cells else 0


def round_progress(rounds) -> dict:
    """{round id: Progress} — counts only, no names (the pages showing it log their own reads)."""
    result = {}
    for round_ in rounds:
        layout = Layout(round_.scheme_version)
        codes, width = layout.codes, len(layout.codes)
        filled = complete = rows = 0
        for scores in Row.objects.filter(round=round_).values_list("scores", flat=True):
            n = len(codes.intersection(scores))
            filled += n
            complete += n == width
            rows += 1
        result[round_.pk] = Progress(filled, rows * width, complete, rows)
    return result


# --- the principal's unit (views_unit.py) -----------------------------------------------------------------


@dataclass
class GroupCounts:
    group: StudentGroup | None
    name: str
    levels: dict  # level → count
    total: int


@dataclass
class UnitSummary:
    """A round's counts for the principal: per group, per gender and per subject column — no names."""

    round: Round
    layout: Layout
    students: int
    levels: dict  # level → count, the whole unit
    groups: list[GroupCounts]
    genders: list[tuple[str, dict]]  # (gender value, level → count)
    subjects: list[tuple]  # (Column, score → count, unscored)


def _require_manager(user, unit) -> None:
    if not access.can_manage_unit(user, unit):
        raise PermissionDenied()


def unit_summary(user, unit, round_: Round, *, context: str) -> UnitSummary:
    """The principal's overview of a round: counts per level for every group, gender and subject. Counts
    come from every student's row, so the read is logged with the unit's student count."""
    from .counts import CATEGORIES, count_scores, decode_scores
    from .models import Gender

    _require_manager(user, unit)
    if round_.school_unit_id != unit.pk:
        raise PermissionDenied()
    layout = Layout(round_.scheme_version)
    groups = list(StudentGroup.objects.filter(school_unit=unit, is_active=True).order_by("name"))
    names = {g.pk: g.name for g in groups}
    data = list(
        Row.objects.filter(round=round_).values_list(
            "student_id", Cast("scores", TextField()), "group_id", "student__gender"
        )
    )
    counts = count_scores(
        layout,
        decode_scores([text for _i, text, _g, _x in data]),
        [gender for *_rest, gender in data],
        [names.get(g, "") for _i, _s, g, _x in data],
    )

    def levels(dimension, key):
        return {level: counts.get((dimension, key, str(level)), 0) for level in CATEGORIES}

    group_counts = [GroupCounts(g, g.name, levels("group", g.name), 0) for g in groups]
    if any(names.get(g) is None for _i, _s, g, _x in data):
        group_counts.append(GroupCounts(None, _("Not in a group"), levels("group", ""), 0))
    for item in group_counts:
        item.total = sum(item.levels.values())
    subjects = []
    for column in layout.subjects:
        per_score = {
            score: counts.get(("subject", column.code, str(score)), 0)
            for score in range(layout.score_min, layout.score_max + 1)
        }
        subjects.append((column, per_score, len(data) - sum(per_score.values())))
    log.record(
        user,
        school_unit=unit,
        action=AccessAction.VIEW,
        what=_("Unit overview, %(round)s: counts of %(count)s students")
        % {"round": round_, "count": len(data)},
        context=context,
        students=[student_id for student_id, *_rest in data],
        round=round_,
    )
    return UnitSummary(
        round=round_,
        layout=layout,
        students=len(data),
        levels=levels("all", ""),
        groups=group_counts,
        genders=[(g.value, levels("gender", g.value)) for g in Gender],
        subjects=subjects,
    )


def unit_students(user, unit, *, context: str, group: StudentGroup | None = None, student_ids=None):
    """The unit's students with their groups (names: the principal's group and student pages); logged."""
    from .models import Student

    _require_manager(user, unit)
    students = Student.objects.filter(school_unit=unit).prefetch_related("groups")
    if group is not None:
        students = students.filter(groups=group)
    if student_ids is not None:
        students = students.filter(pk__in=list(student_ids))
    students = list(students.order_by("family_name", "given_name", "pk"))
    if group is not None:
        what = _("Students of group %(group)s: %(count)s") % {"group": group.name, "count": len(students)}
    else:
        what = _("Students of the unit: %(count)s") % {"count": len(students)}
    log.record(
        user,
        school_unit=unit,
        action=AccessAction.VIEW,
        what=what,
        context=context,
        students=students,
        group=group,
    )
    return students


@dataclass
class StudentRecord:
    """Everything Kedja holds about one student (right of access): scores per round and the access log."""

    student: object
    rounds: list = field(default_factory=list)  # (Round, Layout, Row, total, level)
    accesses: list = field(default_factory=list)  # StudentDataAccess rows naming the student


def student_record(user, student, *, context: str, action: str = AccessAction.EXPORT) -> StudentRecord:
    from .models import StudentDataAccess

    _require_manager(user, student.school_unit)
    record = StudentRecord(student)
    rows = Row.objects.filter(student=student).select_related("round__scheme_version", "group")
    for row in sorted(rows, key=lambda r: r.round.sort_key):
        layout = Layout(row.round.scheme_version)
        total = layout.row_sum(row.scores)
        record.rounds.append((row.round, layout, row, total, layout.row_level(row.scores, total)))
    # JSON containment is not a lookup every database has: the unit's log is read and matched here.
    record.accesses = [
        entry
        for entry in StudentDataAccess.objects.filter(school_unit=student.school_unit, student_count__gt=0)
        if student.pk in entry.student_refs
    ]
    log.record(
        user,
        school_unit=student.school_unit,
        action=action,
        what=_("All data about one student: %(rounds)s rounds") % {"rounds": len(record.rounds)},
        context=context,
        students=[student.pk],
    )
    return record


def unit_counts_read(user, unit, term: str, year: int, *, context: str) -> None:
    """The unit's own principal sees its aggregates above-the-unit style but unsuppressed (the overview of
    their unit): counts of every student's row, so the read is logged like `unit_summary`. Returns nothing;
    the counts come from kedja.followup.aggregates, which reads gender and scores only."""
    _require_manager(user, unit)
    round_ = Round.objects.filter(school_unit=unit, term=term, year=year).first()
    ids = list(Row.objects.filter(round=round_).values_list("student_id", flat=True)) if round_ else []
    log.record(
        user,
        school_unit=unit,
        action=AccessAction.VIEW,
        what=_("Unit counts above the unit, %(term)s %(year)s: %(count)s students")
        % {"term": term, "year": year, "count": len(ids)},
        context=context,
        students=ids,
        round=round_,
    )
