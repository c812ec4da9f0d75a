"""The files Kedja writes for initiatives: the import template and the export (Excel and CSV) of what a
person sees. An export has the template's columns (so it imports again) and then the computed ones
(imports.EXPORT_COLUMNS: municipality, active, robust and the risk flags of risks.py). Every text goes
through the formula-injection guard (core.spreadsheets.cell_text)."""

import csv
import io
from datetime import date

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from kedja.core.spreadsheets import cell_text
from kedja.core.texts import pick
from kedja.frameworks.models import FrameworkVersion, Node
from kedja.frameworks.selectors import DEFAULT_FRAMEWORK_KEY
from kedja.organisations.models import Organisation

from .fileformat import (
    COLUMNS,
    DATA_SHEET,
    EXAMPLE_NAME,
    EXPORT_COLUMNS,
    HELP_SHEET,
    MAX_ROWS,
    swedish_label,
)
from .models import EvidenceBase, Funding, Initiative, Sharing, Stage, TargetGroup
from .risks import initiative_risks, is_active

YES, NO = "Ja", "Nej"  # the file format's words, like its headers

WIDTHS = {"text": 30, "lines": 28, "owner": 28, "codes": 30, "items": 18, "code": 20, "date": 14, "count": 12}
FORMATS = {"date": "yyyy-mm-dd", "owner": "@", "items": "@"}


def file_values(initiative: Initiative, item_codes: list[str]) -> list:
    """The template columns' values of one initiative, as an export writes them: labels in Swedish,
    several values joined by "; ", dates and numbers as such."""
    values = []
    for column in COLUMNS:
        value = getattr(initiative, column.key, None) if column.key != "items" else None
        if column.key == "items":
            values.append("; ".join(item_codes))
        elif column.kind == "owner":
            values.append(initiative.owner.name)
        elif column.kind == "codes":
            values.append("; ".join(swedish_label(column.choices, v) for v in value or []))
        elif column.kind == "code":
            values.append(swedish_label(column.choices, value) if value else "")
        elif column.kind == "lines":
            values.append("; ".join(line.strip() for line in (value or "").splitlines() if line.strip()))
        else:
            values.append(value if value is not None else "")
    return values


def data_sheet(workbook: Workbook, headers: list[str], kinds: list[str], rows: list[list], *, formatted: int):
    """The sheet "Insatser": bold, frozen headers, the rows (every text guarded), widths by kind, and
    the number format of each kind (dates as YYYY-MM-DD, codes as text) in the first `formatted` rows."""
    sheet = workbook.active
    sheet.title = DATA_SHEET
    sheet.append([cell_text(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for values in rows:
        sheet.append([cell_text(v) if v != "" else None for v in values])
    for index, kind in enumerate(kinds, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = WIDTHS.get(kind, 14)
        if kind in FORMATS:
            for number in range(2, formatted + 2):
                sheet[f"{letter}{number}"].number_format = FORMATS[kind]
    return sheet


def template_workbook(*, owners: list[Organisation], version: FrameworkVersion | None) -> bytes:
    """The import template: sheet "Insatser" with the headers, an example row and drop-down lists where
    a cell takes one value; sheet "Förklaringar" with what each column takes, every allowed value (code
    and Swedish label), the owners the person may use and the framework's item codes."""
    workbook = Workbook()
    sheet = data_sheet(
        workbook,
        [c.header for c in COLUMNS],
        [c.kind for c in COLUMNS],
        [_example_row(owners, version)],
        formatted=MAX_ROWS,
    )
    sheet["A2"].font = Font(italic=True)

    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.column_dimensions["A"].width = 26
    help_sheet.column_dimensions["B"].width = 22
    help_sheet.column_dimensions["C"].width = 70
    bold = Font(bold=True)

    def heading(text: str) -> None:
        help_sheet.append([])
        help_sheet.append([cell_text(text)])
        help_sheet.cell(row=help_sheet.max_row, column=1).font = bold

    help_sheet.append([cell_text(_("How to fill in the import template"))])
    help_sheet["A1"].font = Font(bold=True, size=14)
    for line in (
        _("One initiative per row on the sheet “%(sheet)s”. Keep the first row (the column names).")
        % {"sheet": DATA_SHEET},
        _("Row 2 is an example: replace it with your own initiatives or delete it."),
        _("Where a column takes several values, separate them with ; or ,."),
        _("Coded values may be written as their code or their label; upper or lower case does not matter."),
        _(
            "If any row has an error, nothing is imported: you see every error and can upload a corrected file."
        ),
    ):
        help_sheet.append([cell_text(line)])

    heading(_("Columns"))
    help_sheet.append([cell_text(_("Column")), cell_text(_("Required")), cell_text(_("What to write"))])
    for column in COLUMNS:
        help_sheet.append(
            [
                cell_text(column.header),
                cell_text(_("yes") if column.required else _("no")),
                cell_text(str(column.help)),
            ]
        )

    heading(_("Allowed values"))
    help_sheet.append([cell_text(_("Column")), cell_text(_("Code")), cell_text(_("Label (Swedish)"))])
    ranges = {}
    for column in COLUMNS:
        if not column.choices:
            continue
        first = help_sheet.max_row + 1
        for value in column.choices.values:
            help_sheet.append(
                [cell_text(column.header), value, cell_text(swedish_label(column.choices, value))]
            )
        ranges[column.key] = f"{quote_sheetname(HELP_SHEET)}!$C${first}:$C${help_sheet.max_row}"

    heading(_("Owners you may register initiatives for"))
    help_sheet.append([cell_text(_("Name")), cell_text(_("Code"))])
    first = help_sheet.max_row + 1
    for org in owners:
        help_sheet.append([cell_text(org.name), org.school_unit_code or org.code or ""])
    if owners:
        ranges["owner"] = f"{quote_sheetname(HELP_SHEET)}!$A${first}:$A${help_sheet.max_row}"

    heading(_("Framework items (%(framework)s)") % {"framework": version.framework if version else "–"})
    if version is None:
        help_sheet.append([cell_text(_("The STEAM framework is not loaded in Kedja yet."))])
    else:
        help_sheet.append([cell_text(_("Code")), "", cell_text(_("Item"))])
        for node in version.nodes.order_by("position"):
            title = pick(node.title, "sv")
            help_sheet.append(
                [node.code, "", cell_text(title if node.kind == Node.Kind.ITEM else title.upper())]
            )

    _add_validations(sheet, ranges)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _add_validations(sheet, ranges: dict[str, str]) -> None:
    """Drop-down lists where a cell takes one value, whole numbers ≥ 0 for the reach; both only warn,
    because a code typed by hand is accepted too."""
    last = MAX_ROWS + 1
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        if column.key in ranges and column.kind in ("code", "owner"):
            validation = DataValidation(type="list", formula1=ranges[column.key], allow_blank=True)
        elif column.kind == "count":
            validation = DataValidation(
                type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
            )
            validation.error = _("A whole number, 0 or more.")
        else:
            continue
        validation.errorStyle = "warning"
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{last}")


def _example_row(owners: list[Organisation], version: FrameworkVersion | None) -> list:
    items = ""
    if version is not None:
        codes = set(version.nodes.filter(kind=Node.Kind.ITEM).values_list("code", flat=True))
        items = "; ".join(c for c in ("2.b", "6.a") if c in codes)
    example = {
        "name": EXAMPLE_NAME,
        "description": "Programmeringsklubb efter skoltid för flickor i åk 7–9, tillsammans med ett lokalt teknikföretag.",
        "owner": owners[0].name if owners else "",
        "responsible_function": "STEAM-samordnare, utbildningsförvaltningen",
        "named_people": "Anna Andersson; Bo Berg",
        "stages": swedish_label(Stage, Stage.Y7_9),
        "target_groups": swedish_label(TargetGroup, TargetGroup.GIRLS_WOMEN),
        "items": items,
        "partners": "Teknikföretaget AB",
        "funding": swedish_label(Funding, Funding.PROJECT),
        "funding_ends": date(2027, 6, 30),
        "starts": date(2026, 8, 17),
        "ends": date(2027, 6, 30),
        "reach_total": 40,
        "reach_girls": 40,
        "reach_boys": 0,
        "reach_other": None,
        "evidence_base": swedish_label(EvidenceBase, EvidenceBase.EXPERIENCE),
        "follow_up": "Andel deltagare som väljer NA/TE",
        "sharing": swedish_label(Sharing, Sharing.REGION),
    }
    return [example[c.key] for c in COLUMNS]


# --- the export --------------------------------------------------------------------------------------


def export_queryset(qs):
    """`qs` (what the person sees, filtered) with what an export reads, in a fixed order: a constant
    number of queries whatever the number of initiatives."""
    steam_items = Node.objects.filter(
        kind=Node.Kind.ITEM,
        framework_version__framework__owner=None,
        framework_version__framework__key=DEFAULT_FRAMEWORK_KEY,
    ).order_by("position")
    return (
        qs.select_related("owner", "municipality")
        .prefetch_related(Prefetch("items", queryset=steam_items, to_attr="steam_items"))
        .order_by("municipality__name", "name", "pk")
    )


def export_rows(initiatives, *, today: date) -> list[list]:
    """One list of values per initiative: the template's columns, then the computed ones."""
    rows = []
    for initiative in initiatives:
        codes = list(dict.fromkeys(n.code for n in getattr(initiative, "steam_items", [])))
        risks = initiative_risks(initiative, today=today)
        flags = [
            is_active(ends=initiative.ends, today=today),
            initiative.robust,
            risks.person_dependent,
            risks.funding_ending,
            risks.no_evidence,
            risks.no_follow_up,
        ]
        rows.append(
            [
                *file_values(initiative, codes),
                initiative.municipality.name,
                *(YES if f else NO for f in flags),
            ]
        )
    return rows


def export_headers() -> list[str]:
    return [c.header for c in COLUMNS] + EXPORT_COLUMNS


def export_workbook(rows: list[list]) -> bytes:
    workbook = Workbook()
    kinds = [c.kind for c in COLUMNS] + ["text"] + ["flag"] * (len(EXPORT_COLUMNS) - 1)
    sheet = data_sheet(workbook, export_headers(), kinds, rows, formatted=len(rows))
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_csv(rows: list[list]) -> bytes:
    """CSV as Excel in Sweden opens it: UTF-8 with a BOM, ";" between values, CRLF between rows."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(export_headers())
    for values in rows:
        writer.writerow([cell_text(v.isoformat() if isinstance(v, date) else v) for v in values])
    return out.getvalue().encode("utf-8-sig")


def export_filename(extension: str, *, today: date) -> str:
    return f"insatser-{today.isoformat()}.{extension}"
