"""What every Excel/CSV file Kedja writes or reads needs: values that are safe in a cell (no formula
injection, OWASP "CSV injection"), and the way back when such a file is read again."""

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import zip_longest

from django.utils.functional import Promise
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

# A spreadsheet treats text starting with these as a formula (CSV/formula injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_text(value):
    """A value safe to put in a cell: text that a spreadsheet would run as a formula gets a leading
    apostrophe; control characters Excel refuses are dropped. Numbers and dates pass unchanged."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("", value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


# In an .xlsx file a text is stored as a text cell and never runs; only openpyxl itself turns a text that
# starts with "=" into a formula, and a person who edits the cell makes Excel read "+SUM(…)" or "@cmd" as one.
# So the Excel writers guard only text that really starts a formula: "=", a tab or carriage return, or
# "+", "-" or "@" followed by anything but a number as typed ("+46 19 21 10 00", "-5" stay as written).
_REAL_FORMULA = re.compile(r"[=\t\r]|[+\-@](?![\d\s().,/+\-]*$)")


def xlsx_text(value):
    """A value for an .xlsx cell: a text cell as written (a phone number keeps its "+"), with the
    apostrophe guard only for text that really starts a formula; control characters dropped."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("", value)
    if _REAL_FORMULA.match(value):
        return "'" + value
    return value


def uncell_text(value: str) -> str:
    """The text `cell_text` guarded, read back from a file: the apostrophe it put before a formula
    character is dropped, so an exported file imports the values it was made from."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


@dataclass(frozen=True)
class Column:
    """One column of an exported sheet: its header (Swedish in the files people take to meetings), its
    width in characters (None: Excel's default) and, for numbers and dates, Excel's number format ("0",
    "#,##0", "0.0", "yyyy-mm-dd") so a cell is a number or a date, never text that looks like one. A `note`
    becomes the header cell's comment (Excel shows it on hover)."""

    header: str
    width: int | None = 16
    number_format: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Styled:
    """One cell that looks different from its column: its own number format, bold, italic or font size."""

    value: object
    number_format: str | None = None
    bold: bool = False
    italic: bool = False
    size: float | None = None


@dataclass(frozen=True)
class Validation:
    """A check Excel makes on typing into `cells` ("C2:C2001"): a drop-down list ("list", `formula` the
    range of allowed values) or a number rule ("whole" with an `operator`). It only warns: a value typed
    by hand may still be right."""

    cells: str
    kind: str
    formula: str
    operator: str | None = None
    error: str = ""


@dataclass
class Sheet:
    """A sheet of a workbook. By default a table: the columns' headers in a bold row frozen in place, the
    rows under it, every value through `guard` (the formula-injection guard: `xlsx_text`, or `cell_text`
    for the files that always wrote with it) and empty strings as empty cells.

    - `header=False`: no header row (a report or a help sheet); the columns still give widths and formats.
    - `bold_header`, `freeze` (the cell the panes freeze above and left of; None, or no header: nothing
      frozen).
    - `auto_filter`: Excel's filter over the header and the rows.
    - `notes`: lines under the table after an empty row, outside its filter.
    - `formatted_rows`: the columns' number formats down this many rows under the header whatever is in
      them (a template to fill in); otherwise only cells with a value get them.
    - `validations`: checks on typing (Validation)."""

    title: str
    columns: list[Column]
    rows: Iterable = ()
    header: bool = True
    bold_header: bool = True
    freeze: str | None = "A2"
    auto_filter: bool = False
    notes: Iterable = ()
    guard: Callable = xlsx_text
    formatted_rows: int = 0
    validations: list[Validation] = field(default_factory=list)


def _write(sheet, values, guard, formats=()):
    """Append one row; a Styled value gets its own look. Lazy translations are written as text."""
    cells = []
    for value in values:
        value = value.value if isinstance(value, Styled) else value
        value = str(value) if isinstance(value, Promise) else value
        cells.append(guard(value) if value not in ("", None) else None)
    sheet.append(cells)
    row = sheet[sheet.max_row] if cells else ()
    for cell, value, number_format in zip_longest(row, values, formats):
        if cell is None:
            continue
        if number_format and cell.value is not None:
            cell.number_format = number_format
        if isinstance(value, Styled):
            if value.number_format and cell.value is not None:
                cell.number_format = value.number_format
            if value.bold or value.italic or value.size:
                cell.font = Font(bold=value.bold, italic=value.italic, size=value.size)


def _write_sheet(workbook, spec: Sheet, *, first: bool = False):
    """`spec` written into `workbook` (its first sheet when `first`). Returns the openpyxl sheet."""
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = spec.title[:31]  # Excel's limit
    columns = spec.columns
    if spec.header:
        # a header can come from data (an area's title), so it is guarded too
        sheet.append(
            [spec.guard(str(c.header) if isinstance(c.header, Promise) else c.header) for c in columns]
        )
        for cell, column in zip(sheet[1], columns, strict=False):
            if spec.bold_header:
                cell.font = Font(bold=True)
            if column.note:
                cell.comment = Comment(column.note, "Kedja")
    if spec.freeze and spec.header:
        sheet.freeze_panes = spec.freeze
    formats = [c.number_format for c in columns]
    top = sheet.max_row if spec.header else 0
    for values in spec.rows:
        _write(sheet, list(values), spec.guard, formats)
    if spec.auto_filter:
        sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{sheet.max_row}"
    notes = list(spec.notes)
    if notes:
        sheet.append([])
        for values in notes:
            _write(sheet, list(values), spec.guard)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column.width is not None:
            sheet.column_dimensions[letter].width = column.width
        if column.number_format and spec.formatted_rows:
            for number in range(top + 1, top + spec.formatted_rows + 1):
                sheet[f"{letter}{number}"].number_format = column.number_format
    for check in spec.validations:
        validation = DataValidation(
            type=check.kind, operator=check.operator, formula1=check.formula, allow_blank=True
        )
        if check.error:
            validation.error = check.error
        validation.errorStyle = "warning"
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
        validation.add(check.cells)
    return sheet


def column_letter(index: int) -> str:
    """Excel's name of the column at `index` (1: "A")."""
    return get_column_letter(index)


def cell_range(sheet: str, column: str, first: int, last: int) -> str:
    """An absolute reference to rows `first`..`last` of one column of another sheet, as a check's list."""
    return f"{quote_sheetname(sheet)}!${column}${first}:${column}${last}"


def workbook_bytes(sheets) -> bytes:
    """An .xlsx file of its sheets in order: each a Sheet or a (title, columns, rows) table."""
    workbook = Workbook()
    for index, spec in enumerate(sheets):
        if not isinstance(spec, Sheet):
            spec = Sheet(*spec)
        _write_sheet(workbook, spec, first=index == 0)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading ---------------------------------------------------------------------------------------------


class UnreadableWorkbook(ValueError):
    """The file is not an .xlsx workbook openpyxl can read."""


def read_sheet_rows(raw: bytes, *, sheet: str | None = None, max_col: int, max_row: int) -> list[tuple]:
    """The values of the first `max_row` rows and `max_col` columns of the sheet named `sheet` (else the
    first sheet) of an .xlsx file, read-only and with formulas as their last computed values. Check the
    upload first (core.uploads.check_workbook). UnreadableWorkbook for any file that cannot be read."""
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file; all mean the same
        raise UnreadableWorkbook() from None
    try:
        found = workbook[sheet] if sheet in workbook.sheetnames else workbook.worksheets[0]
        return list(found.iter_rows(max_col=max_col, max_row=max_row, values_only=True))
    except Exception:  # as above: a broken sheet shows only when it is read
        raise UnreadableWorkbook() from None
    finally:
        workbook.close()


# --- CSV -------------------------------------------------------------------------------------------------
# One shape for every CSV file Kedja writes: as Excel in Sweden opens it by a double click — UTF-8 with a
# byte-order mark (without it Excel reads åäö as Windows-1252), ";" between values (the list separator
# where the decimal mark is a comma), CRLF between rows, quotes only where a value needs them. Numbers
# with a fraction get a decimal comma, dates ISO 8601; every text passes `cell_text`.


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format(value, ".12g").replace(".", ",")
    if isinstance(value, Promise):
        value = str(value)
    return cell_text(value)


def csv_bytes(headers, rows) -> bytes:
    """A CSV file of the header row and the rows (an empty row is an empty line), in Kedja's one shape."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if headers is not None:
        writer.writerow([csv_value(h) for h in headers])
    for values in rows:
        writer.writerow([csv_value(v) for v in values])
    return out.getvalue().encode("utf-8-sig")
