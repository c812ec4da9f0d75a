"""The only way views read student-level data (issue 6): each function checks the access layer, writes the
access-log row and then returns the rows. A view that showed student rows without going through here would
fail tests/test_followup_log.py, which walks every follow-up URL."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kedja.access import followup as access

from . import log
from .models import AccessAction, Round, Row, StudentGroup
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
        if self.previous_total is None:
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
        before_layout = Layout(before.scheme_version)
        for student_id, scores in Row.objects.filter(
            round=before, student_id__in=[r.student_id for r in rows]
        ).values_list("student_id", "scores"):
            previous[student_id] = before_layout.row_sum(scores)
        before_level = before_layout.level
    result = GroupRows(group, round_, layout, previous_round=before)
    for row in rows:
        total = layout.row_sum(row.scores)
        line = StudentLine(row, total, layout.level(total))
        if row.student_id in previous:
            line.previous_total = previous[row.student_id]
            line.previous_level = before_level(line.previous_total)
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
