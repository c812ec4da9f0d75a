"""Writes of the teacher's grid (views_grid.py): one cell, a block of cells (a paste or "save all") and a checked
sheet. Every cell goes through the one rule for what a cell may hold (scheme.parse_score, via
Layout.check_score); a save names the value it replaces, so two people never overwrite each other silently;
each write is logged in the access log."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kedja.core.forms import posted_int
from kedja.organisations.actions import record_event

from . import log
from . import scheme as rules
from .models import AccessAction, Round, Row, StudentGroup


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
    if value == current:  # already what was typed (saved before, or typed alike by someone else): no conflict
        total = layout.row_sum(fresh.scores)
        return CellResult(fresh, value, total, layout.row_level(fresh.scores, total))
    if current != expected_value:
        raise CellConflict(current)
    if value is None:
        fresh.scores.pop(code, None)
    else:
        fresh.scores[code] = value
    fresh.version += 1
    fresh.updated_at = timezone.now()
    fresh.updated_by = by
    fresh.save(update_fields=["scores", "version", "updated_at", "updated_by"])
    total = layout.row_sum(fresh.scores)
    return CellResult(fresh, value, total, layout.row_level(fresh.scores, total))


@dataclass
class CellOutcome:
    """What became of one cell of a batch: `state` is saved (now holds what was typed), refused (not a
    score: `message` says why, nothing stored) or conflict (someone else changed it since the page showed
    it: `stored` is their value). `stored` is the cell's value after the batch."""

    row: int
    code: str
    state: str
    stored: int | None
    message: str = ""


MAX_BATCH = 5000


@transaction.atomic
def save_cells(
    round_: Round, rows, changes, *, by, context: str = "grid save"
) -> tuple[list[CellOutcome], dict]:
    """Save a block of cells (a paste, or "save all") in one transaction and answer per cell.

    `rows` are the Rows the person may change (reading.editable_rows); `changes` are (row id, column code,
    what was typed, the value the page showed). Each cell is checked by the one rule (scheme.parse_score);
    a refused cell is reported and the others are saved. A cell is a conflict only when someone else changed
    it since the page showed it — if it already holds what was typed, it is simply saved. One access-log
    entry names the students and how many of their scores were changed. Returns the outcomes and
    {row id: Row} after the save."""
    if round_.status != Round.Status.OPEN:
        raise ValidationError(_("This round is closed; scores can no longer be changed."))
    changes = list(changes)
    if len(changes) > MAX_BATCH:
        raise ValidationError(_("Too many cells at once: save at most %(n)s.") % {"n": MAX_BATCH})
    layout = rules.Layout(round_.scheme_version)
    labels = {c.code: c.label for c in layout.columns}  # the log names columns as the reader knows them
    allowed = {row.pk: row for row in rows}
    fresh = {
        row.pk: row
        for row in Row.objects.select_for_update()
        .select_related("student")
        .filter(round=round_, pk__in=allowed)
    }
    outcomes, changed = [], set()
    written: dict[int, list[str]] = {}
    for row_id, code, raw, shown in changes:
        row = fresh.get(row_id)
        if row is None:
            outcomes.append(
                CellOutcome(row_id, code, "refused", None, _("This student is not in the group."))
            )
            continue
        current = row.scores.get(code)
        try:
            value = layout.check_score(code, raw)
        except ValidationError as error:
            outcomes.append(CellOutcome(row_id, code, "refused", current, " ".join(error.messages)))
            continue
        try:
            expected = layout.check_score(code, shown)
        except ValidationError:
            expected = current if current is None else -1  # never a stored score: a conflict unless equal
        if value == current:
            outcomes.append(CellOutcome(row_id, code, "saved", current))
            continue
        if current != expected:
            outcomes.append(CellOutcome(row_id, code, "conflict", current, CellConflict(current).message))
            continue
        if value is None:
            row.scores.pop(code, None)
        else:
            row.scores[code] = value
        changed.add(row_id)
        written.setdefault(row.student_id, []).append(labels.get(code, code))
        outcomes.append(CellOutcome(row_id, code, "saved", value))
    now = timezone.now()
    for row_id in changed:
        row = fresh[row_id]
        row.version, row.updated_at, row.updated_by = row.version + 1, now, by
    Row.objects.bulk_update([fresh[pk] for pk in changed], ["scores", "version", "updated_at", "updated_by"])
    touched = {fresh[row_id].student_id for row_id, *_rest in changes if row_id in fresh}
    if touched:  # the answer carries the rows' sums: logged even when nothing was written
        names = {r.student_id: r.student for r in fresh.values()}
        log.record(
            by,
            school_unit=round_.school_unit,
            action=AccessAction.EDIT,
            what=log.scores_changed(written, names, round_)
            if written
            else _("No score saved, %(round)s: %(count)s refused or changed by someone else")
            % {"round": round_, "count": len(changes)},
            context=context,
            students=list(written) or sorted(touched),
            round=round_,
            group=next(iter(fresh.values())).group_id if fresh else None,
        )
    return outcomes, fresh


@dataclass(frozen=True)
class SheetError:
    row: int  # the sheet's row number, as the person sees it in Excel
    column: str  # the column's header ("" for the row as a whole)
    message: str


@dataclass
class GridSheet:
    """A checked sheet: {row pk: {code: score or None}} for the columns the file has, and the errors."""

    changes: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    columns: list = field(default_factory=list)  # the score columns the file has, in the file's order
    ignored: list = field(default_factory=list)  # headers that are neither the id, the name nor a column
    rows: int = 0

    @property
    def can_import(self) -> bool:
        return bool(self.changes) and not self.errors

    @property
    def rows_with_errors(self) -> int:
        return len({e.row for e in self.errors})


ID_HEADER = "id"


def _header_key(value) -> str:
    return " ".join(str(value or "").split()).casefold()


def check_grid_sheet(layout: rules.Layout, headers: list, rows: list, students: dict) -> GridSheet:
    """Check a sheet laid out as the grid: a column "id" with the student's id, any column named by a
    column's code (or its name in any language), other columns ignored. `rows` are (row number, cells);
    `students` is {student id: Row} of the group. An empty score cell clears the score."""
    sheet = GridSheet()
    by_header: dict[str, str] = {}
    for column in layout.columns:
        by_header[_header_key(column.code)] = column.code
        for name in column.name.values():
            by_header.setdefault(_header_key(name), column.code)
    id_index: int | None = None
    positions: list[tuple[int, str]] = []
    for index, header in enumerate(headers):
        key = _header_key(header)
        if key == ID_HEADER and id_index is None:
            id_index = index
        elif key in by_header and by_header[key] not in (code for _i, code in positions):
            positions.append((index, by_header[key]))
        elif key:
            sheet.ignored.append(str(header))
    sheet.columns = [code for _i, code in positions]
    if id_index is None:
        sheet.errors.append(SheetError(1, "", _("The sheet has no column “id” with the students' ids.")))
        return sheet
    if not positions:
        sheet.errors.append(SheetError(1, "", _("The sheet has no column of the round's scheme.")))
        return sheet
    seen: dict[int, int] = {}
    for number, cells in rows:
        sheet.rows += 1
        raw_id = cells[id_index] if id_index < len(cells) else None
        text = str(raw_id).strip() if raw_id is not None else ""
        if text.endswith(".0"):
            text = text[:-2]
        row = students.get(posted_int(text)) if text.isdigit() else None
        if row is None:
            message = (
                _("The row has no student id.")
                if not text
                else _("%(id)s is not the id of a student in this group.") % {"id": text}
            )
            sheet.errors.append(SheetError(number, ID_HEADER, message))
            continue
        if row.pk in seen:
            sheet.errors.append(
                SheetError(
                    number, ID_HEADER, _("This student is also on row %(row)s.") % {"row": seen[row.pk]}
                )
            )
            continue
        seen[row.pk] = number
        values = {}
        for index, code in positions:
            raw = cells[index] if index < len(cells) else None
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            try:
                values[code] = layout.check_score(code, raw)
            except ValidationError as error:
                sheet.errors.append(SheetError(number, str(headers[index]), " ".join(error.messages)))
        sheet.changes[row.pk] = values
    if not sheet.rows:
        sheet.errors.append(SheetError(1, "", _("The sheet has no rows with students.")))
    return sheet


@transaction.atomic
def import_grid_sheet(round_: Round, group: StudentGroup, sheet: GridSheet, *, by) -> int:
    """Write a checked sheet: every row or none. Returns the number of rows changed."""
    if round_.status != Round.Status.OPEN:
        raise ValidationError(_("This round is closed; scores can no longer be changed."))
    if not sheet.can_import:
        raise ValidationError(_("The sheet has errors. Nothing has been imported."))
    changed = []
    now = timezone.now()
    for row in Row.objects.select_for_update().filter(round=round_, pk__in=list(sheet.changes)):
        scores = dict(row.scores)
        for code, value in sheet.changes[row.pk].items():
            if value is None:
                scores.pop(code, None)
            else:
                scores[code] = value
        if scores != row.scores:
            row.scores, row.version, row.updated_at, row.updated_by = scores, row.version + 1, now, by
            changed.append(row)
    Row.objects.bulk_update(changed, ["scores", "version", "updated_at", "updated_by"])
    log.record(
        by,
        school_unit=round_.school_unit,
        action=AccessAction.IMPORT,
        what=_("Group %(group)s, %(round)s: scores of %(count)s students imported")
        % {"group": group.name, "round": round_, "count": len(changed)},
        context="grid import",
        students=[r.student_id for r in changed],
        round=round_,
        group=group,
    )
    record_event(
        "followup.grid_imported", by=by, organisation=round_.school_unit, round=round_.pk, rows=len(changed)
    )
    return len(changed)
