"""The files Kedja writes for initiatives: the import template and the export (Excel and CSV) of what a
person sees. An export has the template's columns (so it imports again) and then the computed ones
(imports.EXPORT_COLUMNS: municipality, active, robust and the risk flags of risks.py). Every text goes
through the formula-injection guard (core.spreadsheets.cell_text)."""

from datetime import date

from django.db.models import Prefetch
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from kedja.core.spreadsheets import (
    Column,
    Sheet,
    Styled,
    Validation,
    cell_range,
    cell_text,
    column_letter,
    csv_bytes,
    workbook_bytes,
)
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
from .gap_region import RegionReport
from .gap_report import STATE_LABELS, GapReport
from .gaps import State
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


def data_sheet(headers: list[str], kinds: list[str], rows: list[list], *, formatted: int, **options) -> Sheet:
    """The sheet "Insatser": bold, frozen headers, the rows (every text guarded), widths by kind, and
    the number format of each kind (dates as YYYY-MM-DD, codes as text) in the first `formatted` rows."""
    columns = [
        Column(h, WIDTHS.get(kind, 14), FORMATS.get(kind)) for h, kind in zip(headers, kinds, strict=True)
    ]
    return Sheet(DATA_SHEET, columns, rows, guard=cell_text, formatted_rows=formatted, **options)


def template_workbook(*, owners: list[Organisation], version: FrameworkVersion | None) -> bytes:
    """The import template: sheet "Insatser" with the headers, an example row and drop-down lists where
    a cell takes one value; sheet "Förklaringar" with what each column takes, every allowed value (code
    and Swedish label), the owners the person may use and the framework's item codes."""
    lines: list[list] = []  # the help sheet's rows; row n of the sheet is lines[n - 1]

    def heading(text: str) -> None:
        lines.append([])
        lines.append([Styled(text, bold=True)])

    lines.append([Styled(_("How to fill in the import template"), bold=True, size=14)])
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
        lines.append([line])

    heading(_("Columns"))
    lines.append([_("Column"), _("Required"), _("What to write")])
    for column in COLUMNS:
        lines.append([column.header, _("yes") if column.required else _("no"), str(column.help)])

    heading(_("Allowed values"))
    lines.append([_("Column"), _("Code"), _("Label (Swedish)")])
    ranges = {}
    for column in COLUMNS:
        if not column.choices:
            continue
        first = len(lines) + 1
        for value in column.choices.values:
            lines.append([column.header, value, swedish_label(column.choices, value)])
        ranges[column.key] = cell_range(HELP_SHEET, "C", first, len(lines))

    heading(_("Owners you may register initiatives for"))
    lines.append([_("Name"), _("Code")])
    first = len(lines) + 1
    for org in owners:
        lines.append([org.name, org.school_unit_code or org.code or ""])
    if owners:
        ranges["owner"] = cell_range(HELP_SHEET, "A", first, len(lines))

    heading(_("Framework items (%(framework)s)") % {"framework": version.framework if version else "–"})
    if version is None:
        lines.append([_("The STEAM framework is not loaded in Kedja yet.")])
    else:
        lines.append([_("Code"), "", _("Item")])
        for node in version.nodes.order_by("position"):
            title = pick(node.title, "sv")
            lines.append([node.code, "", title if node.kind == Node.Kind.ITEM else title.upper()])

    example = _example_row(owners, version)
    data = data_sheet(
        [c.header for c in COLUMNS],
        [c.kind for c in COLUMNS],
        [[Styled(example[0], italic=True), *example[1:]]],
        formatted=MAX_ROWS,
        validations=_validations(ranges),
    )
    help_columns = [Column("", 26), Column("", 22), Column("", 70)]
    return workbook_bytes([data, Sheet(HELP_SHEET, help_columns, lines, header=False, guard=cell_text)])


def _validations(ranges: dict[str, str]) -> list[Validation]:
    """Drop-down lists where a cell takes one value, whole numbers ≥ 0 for the reach; both only warn,
    because a code typed by hand is accepted too."""
    last = MAX_ROWS + 1
    checks = []
    for index, column in enumerate(COLUMNS, start=1):
        cells = f"{column_letter(index)}2:{column_letter(index)}{last}"
        if column.key in ranges and column.kind in ("code", "owner"):
            checks.append(Validation(cells, "list", ranges[column.key]))
        elif column.kind == "count":
            checks.append(
                Validation(
                    cells, "whole", "0", operator="greaterThanOrEqual", error=_("A whole number, 0 or more.")
                )
            )
    return checks


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
    kinds = [c.kind for c in COLUMNS] + ["text"] + ["flag"] * (len(EXPORT_COLUMNS) - 1)
    return workbook_bytes([data_sheet(export_headers(), kinds, rows, formatted=len(rows), auto_filter=True)])


def export_csv(rows: list[list]) -> bytes:
    """The same columns in Kedja's CSV shape (core.spreadsheets.csv_bytes)."""
    return csv_bytes(export_headers(), rows)


def export_filename(extension: str, *, today: date) -> str:
    return f"insatser-{today.isoformat()}.{extension}"


# --- the gap analysis: the ranked list and the region's matrix (gap_report) ------------------------------


def gaps_filename(municipality: Organisation, *, today: date) -> str:
    """A safe ASCII file name: glapp-<municipality>-<date>.xlsx."""
    return f"glapp-{slugify(municipality.name) or 'kommun'}-{today.isoformat()}.xlsx"


GAP_WIDTHS = [8, 26, 40, 12, 8, 12, 10, 60, 60, 80]


def gaps_workbook(report: GapReport) -> bytes:
    """The ranked gap list, one row per gap or fragile cell, as an Excel workbook. Every text passes
    core.spreadsheets.cell_text (formula-injection guard)."""
    headers = [
        _("Rank"),
        _("Stage"),
        _("Area or target group"),
        _("State"),
        _("Score"),
        _("Initiatives"),
        _("Robust"),
        _("Suggested framework items"),
        _("Examples in other municipalities"),
        _("Why it ranks here"),
    ]
    rows = []
    for gap in report.gaps:
        items = "; ".join(
            f"{node.code} {pick(node.title)}"
            + (f" ({_('priority')})" if node.code in gap.suggestions.priority_codes else "")
            for node in gap.suggestions.items
        )
        examples = "; ".join(f"{e.name} ({e.municipality})" for e in gap.suggestions.examples)
        if gap.suggestions.more_examples:
            more = gap.suggestions.more_examples
            examples += "; " + ngettext("and %(n)s more", "and %(n)s more", more) % {"n": more}
        rows.append(
            [
                gap.rank,
                gap.stage_label,
                gap.column_label,
                gap.state_label,
                gap.score,
                gap.count,
                gap.robust,
                items,
                examples,
                gap.reason_text,
            ]
        )
    columns = [Column(h, w) for h, w in zip(headers, GAP_WIDTHS, strict=True)]
    return workbook_bytes([Sheet(_("Gaps"), columns, rows, guard=cell_text)])


NOTHING_SHARED_TEXT = "Inget delat"


def region_sheet_title(report: RegionReport) -> str:
    """The sheet says which area the figures are for: "Glapp, område 2" or "Glapp, alla områden"."""
    title = f"Glapp, område {report.area}" if report.area else "Glapp, alla områden"
    return "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]


def region_gaps_columns() -> list[Column]:
    """The municipality, its shared initiatives, then per stage the number of shared initiatives that
    cover it and the state in words (Swedish headers)."""
    with override("sv"):
        stages = [str(label) for _code, label in Stage.choices]
    per_stage = [
        col for label in stages for col in (Column(f"{label}: antal", 14, "0"), Column(f"{label}: läge", 14))
    ]
    return [Column("Kommun", 28), Column("Delade initiativ", 14, "0"), *per_stage]


def region_gaps_rows(report: RegionReport) -> list[list]:
    """One row per municipality of `region_report`'s report (shared initiatives only); a municipality that
    shared nothing says so in its state columns. Last, per stage, how many of the sharing municipalities
    are covered."""
    rows = []
    with override("sv"):
        for row in report.rows:
            cells = []
            for cell in row.cells:
                if row.nothing_shared:
                    cells += [None, NOTHING_SHARED_TEXT]
                else:
                    cells += [cell.count, str(STATE_LABELS[State(cell.state)])]
            rows.append([row.municipality.name, row.shared, *cells])
    covered = [value for n in report.covered for value in (n, None)]
    rows.append([f"Kommuner med täckning (av {report.sharing} som delar)", None, *covered])
    return rows


def region_gaps_workbook(report: RegionReport) -> bytes:
    """The region's municipalities × stages as an .xlsx file; the sheet's title names the chosen area."""
    return workbook_bytes([(region_sheet_title(report), region_gaps_columns(), region_gaps_rows(report))])


def region_export_filename(region: Organisation, *, area: str | None, today: date) -> str:
    """A safe ASCII file name: region-<name>-glapp[-omrade-<code>]-<date>.xlsx."""
    name = slugify(region.name).removeprefix("region-") or "region"
    chosen = f"-omrade-{slugify(area.replace('.', '-')) or 'valt'}" if area else ""
    return f"region-{name}-glapp{chosen}-{today.isoformat()}.xlsx"
