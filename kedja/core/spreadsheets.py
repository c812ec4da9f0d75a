"""What every Excel/CSV file Kedja writes or reads needs: values that are safe in a cell (no formula
injection, OWASP "CSV injection"), and the way back when such a file is read again."""

import re

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


def uncell_text(value: str) -> str:
    """The text `cell_text` guarded, read back from a file: the apostrophe it put before a formula
    character is dropped, so an exported file imports the values it was made from."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value
