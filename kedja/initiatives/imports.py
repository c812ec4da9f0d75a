"""Importing initiatives from a spreadsheet (docs/domain.md, "Mapping and gaps": map what is already done):
reading an .xlsx or .csv file into rows, checking every row and importing all of them or none. The format is
fileformat.py's. Plain functions: the view passes who may own what (the access layer) and the framework.

Reading: .xlsx (the sheet "Insatser", else the first) or .csv (UTF-8 with or without BOM, ";" or ","
sniffed from the header line); at most 2 MB and MAX_ROWS rows; empty rows are skipped; the row numbers
are the sheet's, so an error points at the row the person sees in Excel.
"""

import contextlib
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kedja.core.spreadsheets import UnreadableWorkbook, read_sheet_rows, uncell_text
from kedja.core.uploads import FileRefused, check_workbook
from kedja.frameworks.models import FrameworkVersion, Node
from kedja.organisations.models import Organisation

from . import actions
from .fileformat import (
    BY_KEY,
    COLUMNS,
    DATA_SHEET,
    DEFAULTS,
    EXAMPLE_NAME,
    EXPORT_ONLY,
    HELP_SHEET,
    MAX_ROWS,
    Column,
    choice_lookup,
    norm,
    split_parts,
)
from .models import Initiative

MAX_BYTES = 2 * 1024 * 1024
MAX_COLUMNS = 60
MAX_SCAN_ROWS = 20_000  # empty rows included: a sheet formatted far down is still read quickly
XLSX_MAGIC = b"PK\x03\x04"


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, unreadable, columns missing, too many rows)."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class Table:
    headers: list  # the header row's cells
    header_row: int
    rows: list[tuple[int, list]]  # (row number as in the sheet, cells), empty rows left out


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the column's header
    message: str


@dataclass
class ParsedRow:
    number: int
    data: dict = field(default_factory=dict)  # for actions.save_initiative
    items: list[Node] = field(default_factory=list)
    cells: list[dict] = field(default_factory=list)  # for the preview: header, text, error
    errors: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    duplicate_of: Initiative | None = None  # an initiative already registered with the same owner and name


@dataclass
class ParsedFile:
    rows: list[ParsedRow]
    columns: list[Column]  # the file's known columns, in the file's order
    ignored: list[str]  # headers that are not imported

    @property
    def errors(self) -> list[RowError]:
        return [e for row in self.rows for e in row.errors]

    @property
    def duplicates(self) -> list[ParsedRow]:
        return [row for row in self.rows if row.duplicate_of is not None]

    @property
    def rows_with_errors(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def can_import(self) -> bool:
        return bool(self.rows) and not self.rows_with_errors


def _codes(text: str, lookup: dict[str, str]) -> tuple[list[str], list[str]]:
    """(codes, unknown parts): parts separated by ";" or new lines; a part that is not a value itself is
    split again at "," (so a label holding a comma still works)."""
    codes, unknown = [], []
    for part in split_parts(text):
        pieces = [part] if norm(part) in lookup else [p.strip() for p in part.split(",") if p.strip()]
        for piece in pieces:
            code = lookup.get(norm(piece))
            if code is None:
                unknown.append(piece)
            elif code not in codes:
                codes.append(code)
    return codes, unknown


def _text(value) -> str:
    """A cell as text: numbers without a trailing .0, dates as YYYY-MM-DD, guard apostrophes dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return uncell_text(str(value).strip()).strip()


# --- reading a file ----------------------------------------------------------------------------------


def read_table(raw: bytes, filename: str) -> Table:
    """The header row and the non-empty rows of an .xlsx or .csv file (UTF-8, with or without BOM,
    separated by ";" or ","). Raises ImportFileError for a file that cannot be read."""
    if len(raw) > MAX_BYTES:
        raise ImportFileError([_("The file is larger than 2 MB.")])
    suffix = filename.lower().rpartition(".")[2]
    if suffix == "xlsx":
        rows = _xlsx_rows(raw)
    elif suffix == "csv":
        rows = _csv_rows(raw)
    else:
        raise ImportFileError([_("Choose an Excel file (.xlsx) or a CSV file (.csv).")])
    header, header_row, data = None, 0, []
    for number, cells in rows:
        if number > MAX_SCAN_ROWS:
            raise ImportFileError(
                [
                    _(
                        "The sheet has more than %(scan)s rows, empty ones included. Delete the empty rows "
                        "below your initiatives, or save the sheet as CSV UTF-8."
                    )
                    % {"scan": MAX_SCAN_ROWS}
                ]
            )
        if all(_text(c) == "" for c in cells):
            continue
        if header is None:
            header, header_row = list(cells), number
            continue
        data.append((number, list(cells)))
        if len(data) > MAX_ROWS:
            raise ImportFileError(
                [_("The file has more than %(max)s rows. Split it into several files.") % {"max": MAX_ROWS}]
            )
    if header is None:
        raise ImportFileError([_("The file is empty.")])
    return Table(headers=header, header_row=header_row, rows=data)


def _xlsx_rows(raw: bytes):
    if not raw.startswith(XLSX_MAGIC):
        raise ImportFileError(
            [_("The file is not an Excel workbook (.xlsx). Save it as .xlsx or CSV UTF-8.")]
        )
    try:
        check_workbook(raw, max_rows=MAX_SCAN_ROWS)  # what the archive declares, before anything is unpacked
    except FileRefused as refused:
        raise ImportFileError([str(refused)]) from None
    try:
        rows = read_sheet_rows(raw, sheet=DATA_SHEET, max_col=MAX_COLUMNS, max_row=MAX_SCAN_ROWS + 1)
    except UnreadableWorkbook:
        raise ImportFileError([_("The file could not be read as an Excel workbook (.xlsx).")]) from None
    yield from enumerate(rows, start=1)


def _csv_rows(raw: bytes):
    if b"\x00" in raw:
        raise ImportFileError([_("The file is not a CSV text file.")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            [_("The file must be saved as UTF-8. In Excel, choose “CSV UTF-8” when you save it.")]
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells[:MAX_COLUMNS]
    except csv.Error:
        raise ImportFileError(
            [_("Row %(row)s of the CSV file cannot be read.") % {"row": reader.line_num}]
        ) from None


# --- checking rows -----------------------------------------------------------------------------------


@dataclass
class _Lookups:
    owners_by_code: dict
    owners_by_name: dict
    items: dict  # item code → Node
    area_codes: set
    choices: dict  # column key → accepted text → code
    has_framework: bool


def _lookups(owners, version: FrameworkVersion | None) -> _Lookups:
    by_code, by_name = {}, {}
    for org in owners:
        for code in (org.code, org.school_unit_code):
            if code:
                by_code[code.strip()] = org
        by_name.setdefault(norm(org.name), []).append(org)
    nodes = list(version.nodes.all()) if version else []
    return _Lookups(
        owners_by_code=by_code,
        owners_by_name=by_name,
        items={n.code.casefold(): n for n in nodes if n.kind == Node.Kind.ITEM},
        area_codes={n.code.casefold() for n in nodes if n.kind != Node.Kind.ITEM},
        choices={c.key: choice_lookup(c.choices) for c in COLUMNS if c.choices},
        has_framework=version is not None,
    )


def parse_table(table: Table, *, owners, version: FrameworkVersion | None) -> ParsedFile:
    """Every row checked: its values parsed column by column, then the rules every initiative follows
    (actions.check_initiative). `owners`: the organisations the person may register initiatives for."""
    aliases = {norm(c.header): c for c in COLUMNS} | {norm(c.key): c for c in COLUMNS}
    positions: dict[str, int] = {}
    columns, ignored, problems = [], [], []
    for index, header in enumerate(table.headers):
        text = _text(header)
        column = aliases.get(norm(text))
        if column is None:
            if text and norm(text) not in EXPORT_ONLY:
                ignored.append(text)
            continue
        if column.key in positions:
            problems.append(_("The column “%(column)s” appears twice.") % {"column": column.header})
        positions[column.key] = index
        columns.append(column)
    missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        problems.append(
            _("Row %(row)s must hold the column names; these are missing: %(columns)s.")
            % {"row": table.header_row, "columns": ", ".join(missing)}
        )
    if problems:
        raise ImportFileError(problems)

    lookups = _lookups(owners, version)
    rows = []
    for number, cells in table.rows:
        raw = {key: cells[i] if i < len(cells) else None for key, i in positions.items()}
        rows.append(_parse_row(number, raw, lookups))
    _note_existing_names(rows)
    return ParsedFile(rows=rows, columns=columns, ignored=ignored)


def _parse_row(number: int, raw: dict, lookups: _Lookups) -> ParsedRow:
    row = ParsedRow(number=number)
    data = dict(DEFAULTS)
    failed = set()
    for column in COLUMNS:
        value = raw.get(column.key)
        try:
            parsed = _parse_cell(column, value, lookups)
        except ValidationError as error:
            failed.add(column.key)
            for message in error.messages:
                row.errors.append(RowError(number, column.header, message))
            continue
        if column.key == "items":
            row.items = parsed
        elif parsed is not None:
            data[column.key] = parsed
    data.setdefault("stages", [])
    data.setdefault("target_groups", [])
    if data.get("name") == EXAMPLE_NAME:
        row.errors.append(
            RowError(
                number,
                BY_KEY["name"].header,
                _(
                    "This is the template's example row. Delete it, or replace it with one of your initiatives."
                ),
            )
        )
    try:
        actions.check_initiative({k: v for k, v in data.items() if k not in failed})
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            if key not in failed:
                failed.add(key)
                for message in messages:
                    row.errors.append(RowError(number, BY_KEY[key].header if key in BY_KEY else "", message))
    row.data = data
    row.cells = [_preview_cell(c, raw.get(c.key), row, failed) for c in COLUMNS]
    return row


def _parse_cell(column: Column, value, lookups: _Lookups):
    """The cell's value for save_initiative (None for an empty optional cell); ValidationError with a
    message in plain words when it cannot be used."""
    text = _text(value)
    if not text and column.required:
        raise ValidationError(_("This column must be filled in."))
    kind = column.kind
    if kind in ("text", "lines"):
        if kind == "lines":
            text = "\n".join(split_parts(text))
        limit = Initiative._meta.get_field(column.key).max_length
        if limit and len(text) > limit:
            raise ValidationError(
                _("The text is %(length)s characters long; at most %(max)s are allowed.")
                % {"length": len(text), "max": limit}
            )
        return text
    if not text:
        return [] if kind in ("codes", "items") else None
    if kind == "owner":
        return _owner(text, value, lookups)
    if kind in ("codes", "code"):
        codes, unknown = _codes(text, lookups.choices[column.key])
        if unknown:
            raise ValidationError(
                _("Unknown value: %(values)s. See the allowed values on the sheet “%(sheet)s”.")
                % {"values": ", ".join(f"“{u}”" for u in unknown), "sheet": HELP_SHEET}
            )
        if kind == "code":
            if len(codes) > 1:
                raise ValidationError(_("Give only one value."))
            return codes[0]
        return codes
    if kind == "items":
        return _items(text, lookups)
    if kind == "date":
        return _date(value, text)
    return _count(value, text)


def _owner(text: str, value, lookups: _Lookups) -> Organisation:
    candidates = [text]
    if isinstance(value, int | float) or text.isdigit():
        candidates.append(text.zfill(4))  # a municipality code that lost its leading zero in Excel
    for code in candidates:
        if code in lookups.owners_by_code:
            return lookups.owners_by_code[code]
    found = lookups.owners_by_name.get(norm(text), [])
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise ValidationError(
            _("Several of your organisations are called “%(name)s”: give its code instead.") % {"name": text}
        )
    raise ValidationError(
        _("“%(owner)s” is not an organisation you may register initiatives for.") % {"owner": text}
    )


def _items(text: str, lookups: _Lookups) -> list[Node]:
    if not lookups.has_framework:
        raise ValidationError(_("The STEAM framework is not loaded in Kedja, so items cannot be given yet."))
    nodes, unknown, areas = [], [], []
    for part in re.split(r"[;,\s]+", text):
        if not part:
            continue
        code = re.sub(r"^(\d+)\.?([a-zA-Z])$", r"\1.\2", part).casefold()
        node = lookups.items.get(code)
        if node is not None:
            if node not in nodes:
                nodes.append(node)
        elif code in lookups.area_codes:
            areas.append(part)
        else:
            unknown.append(part)
    if areas:
        raise ValidationError(
            _("%(codes)s is an area, not an item: give its items, e.g. 1.a.") % {"codes": ", ".join(areas)}
        )
    if unknown:
        raise ValidationError(
            _("Unknown framework item: %(codes)s. See the item codes on the sheet “%(sheet)s”.")
            % {"codes": ", ".join(unknown), "sheet": HELP_SHEET}
        )
    return nodes


def _date(value, text: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        with contextlib.suppress(ValueError):  # e.g. 2026-02-30: falls through to the message below
            return date.fromisoformat(text)
    raise ValidationError(
        _("“%(value)s” is not a date. Write dates as YYYY-MM-DD, e.g. 2026-08-31.") % {"value": text}
    )


def _count(value, text: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        digits = re.sub(r"[\s\u00a0\u202f]", "", text)  # "1 200" with a space as thousands separator
        if not re.fullmatch(r"-?\d+", digits):
            raise ValidationError(_("“%(value)s” is not a whole number.") % {"value": text})
        number = int(digits)
    if number < 0:
        raise ValidationError(_("The number cannot be negative."))
    if number > 10_000_000:
        raise ValidationError(_("The number is too large."))
    return number


def _preview_cell(column: Column, value, row: ParsedRow, failed: set) -> dict:
    """What the preview shows: the parsed value, or what the file holds where the cell has an error."""
    has_error = column.key in failed or (
        column.key == "name" and any(e.column == column.header for e in row.errors)
    )
    if has_error:
        return {"header": column.header, "text": _text(value), "error": True}
    return {"header": column.header, "text": display_value(column, row.data, row.items), "error": False}


def display_value(column: Column, data: dict, items: list[Node]) -> str:
    value = data.get(column.key)
    if column.key == "items":
        return ", ".join(n.code for n in items)
    if column.kind == "owner":
        return value.name if value else ""
    if column.kind == "codes":
        return ", ".join(str(column.choices(v).label) for v in value or [])
    if column.kind == "code":
        return str(column.choices(value).label) if value else ""
    if column.kind == "lines":
        return "; ".join((value or "").splitlines())
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _note_existing_names(rows: list[ParsedRow]) -> None:
    """A notice (not an error) where an initiative's name is already in its municipality, or twice in
    the file: importing the same file twice would register everything twice."""
    municipality_of = {}
    for row in rows:
        owner = row.data.get("owner")
        if isinstance(owner, Organisation) and owner.pk not in municipality_of:
            try:
                municipality_of[owner.pk] = actions.municipality_of(owner)
            except ValidationError:
                municipality_of[owner.pk] = None
    keyed = {}
    for row in rows:
        owner = row.data.get("owner")
        municipality = municipality_of.get(owner.pk) if isinstance(owner, Organisation) else None
        if municipality is not None and row.data.get("name"):
            keyed[row.number] = (municipality, row.data["name"])
    existing = set(
        Initiative.objects.filter(
            municipality__in={m for m, _n in keyed.values()}, name__in={n for _m, n in keyed.values()}
        ).values_list("municipality_id", "name")
    )
    first_row = {}
    for row in rows:
        if row.number not in keyed:
            continue
        municipality, name = keyed[row.number]
        if (municipality.pk, name) in existing:
            row.notices.append(
                _("%(municipality)s already has an initiative called “%(name)s”: importing adds another.")
                % {"municipality": municipality, "name": name}
            )
        key = (municipality.pk, norm(name))
        if key in first_row:
            row.notices.append(_("The same name is on row %(row)s.") % {"row": first_row[key]})
        else:
            first_row[key] = row.number


# --- importing ---------------------------------------------------------------------------------------


def mark_duplicates(parsed: ParsedFile) -> ParsedFile:
    """Rows that look like initiatives already registered: the same owner and the same name (compared
    without case or extra spaces) — what importing the same file twice gives. One query."""
    owners = {row.data["owner"].pk for row in parsed.rows if row.data.get("owner") is not None}
    if not owners:
        return parsed
    existing = {
        (owner_id, " ".join(name.split()).casefold()): pk
        for pk, owner_id, name in Initiative.objects.filter(owner_id__in=owners).values_list(
            "pk", "owner_id", "name"
        )
    }
    found = Initiative.objects.in_bulk(set(existing.values()))
    for row in parsed.rows:
        owner, name = row.data.get("owner"), row.data.get("name") or ""
        if owner is not None:
            pk = existing.get((owner.pk, " ".join(name.split()).casefold()))
            row.duplicate_of = found.get(pk) if pk else None
    return parsed


@transaction.atomic
def import_rows(parsed: ParsedFile, *, by, skip_duplicates: bool = False) -> list[Initiative]:
    """Every row of a file without errors, in one transaction: if one fails, nothing is saved. With
    `skip_duplicates`, rows marked by mark_duplicates are left out."""
    if not parsed.can_import:
        raise ValidationError(_("The file has rows with errors: nothing has been imported."))
    created = []
    for row in parsed.rows:
        if skip_duplicates and row.duplicate_of is not None:
            continue
        try:
            created.append(actions.save_initiative(None, data=row.data, items=row.items, by=by))
        except ValidationError as error:
            raise ValidationError(
                _("Row %(row)s could not be imported: %(error)s Nothing has been imported.")
                % {"row": row.number, "error": " ".join(error.messages)}
            ) from error
    return created
