"""What every Excel/CSV file Kedja writes or reads needs: values that are safe in a cell (no formula
injection, OWASP "CSV injection"), and the way back when such a file is read again."""

import io
import re
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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
    width in characters and, for numbers and dates, Excel's number format ("0", "#,##0", "0.0",
    "yyyy-mm-dd") so a cell is a number or a date, never text that looks like one."""

    header: str
    width: int = 16
    number_format: str | None = None


def add_sheet(workbook, title: str, columns: list[Column], rows, *, first: bool = False):
    """A sheet with a bold, frozen header row, the columns' widths and number formats, and every value
    through `xlsx_text` (empty strings become empty cells). Returns the sheet."""
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]  # Excel's limit
    sheet.append([xlsx_text(c.header) for c in columns])  # a header can come from data (an area's title)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    formats = [c.number_format for c in columns]
    for values in rows:
        sheet.append([xlsx_text(v) if v not in ("", None) else None for v in values])
        for cell, number_format in zip(sheet[sheet.max_row], formats, strict=False):
            if number_format and cell.value is not None:
                cell.number_format = number_format
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    return sheet


def workbook_bytes(sheets: list[tuple[str, list[Column], list]]) -> bytes:
    """An .xlsx file of one or more (title, columns, rows) sheets, in order."""
    workbook = Workbook()
    for index, (title, columns, rows) in enumerate(sheets):
        add_sheet(workbook, title, columns, rows, first=index == 0)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
