"""An indicator's values as a file (docs/indicators.md, "The indicator page and its export"): every series (the organisation, for a
Kolada indicator also its region's mean with the number of municipalities it rests on, and Sweden) and every
gender by year — one row per year and gender, numbers as numbers. Under the data: the source, Kolada's
attribution ("Källa: Kolada") with the KPI and the latest fetch, and when the file was made. The headers are
in the person's language (Swedish by default). Every text goes through the formula-injection guard
(core.spreadsheets.cell_text). CSV in Kedja's one shape (core.spreadsheets.csv_bytes)."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kedja.core import spreadsheets
from kedja.core.spreadsheets import Column, Sheet, Styled, cell_text, workbook_bytes
from kedja.organisations.models import Organisation

from .models import Gender, Indicator
from .series import COUNTRY, GENDERS, OWN, REGION, IndicatorSeries, counted_totals
from .status import indicator_status
from .tree import goal_tree

KOLADA_ATTRIBUTION = "Källa: Kolada"  # Kolada's required wording, never translated


def _local_naive(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def headers(data: IndicatorSeries) -> list[str]:
    out = [_("Year"), _("Gender")]
    for s in data.series:
        if s.kind == OWN:
            out.append(s.name)
        elif s.kind == REGION:
            out += [
                _("%(region)s, mean of its municipalities") % {"region": s.name},
                _("Municipalities in the mean"),
            ]
        elif s.kind == COUNTRY:
            out.append(_("Sweden"))
    return out


def gender_name(gender: str) -> str:
    return {Gender.TOTAL: _("Total"), Gender.WOMEN: _("Women"), Gender.MEN: _("Men")}[gender]


def rows(data: IndicatorSeries) -> list[list]:
    """One row per year and gender that has any value: year, gender, then each series' value (None where it
    has none); after the region's mean the number of municipalities it rests on."""
    out = []
    genders = [g for g in GENDERS if g in data.genders]
    for year in data.years:
        for gender in genders:
            values = [s.for_gender(gender).get(year) for s in data.series]
            if all(v is None for v in values):
                continue
            row: list = [year, gender_name(gender)]
            for s, value in zip(data.series, values, strict=True):
                row.append(value)
                if s.kind == REGION:
                    row.append(s.counts.get(gender, {}).get(year))
            out.append(row)
    return out


def about(data: IndicatorSeries, *, kpi_title: str = "", now: datetime | None = None) -> list[list]:
    """The lines under the data: what the figures are and where they come from."""
    indicator = data.indicator
    now = now or timezone.now()
    lines: list[list] = [[_("Indicator"), indicator.name], [_("Organisation"), indicator.organisation.name]]
    lines.append([_("Unit"), indicator.get_unit_display()])
    if data.is_kolada:
        lines.append([KOLADA_ATTRIBUTION, f"{indicator.kolada_kpi} {kpi_title}".strip()])
        lines.append([_("Fetched from Kolada"), _local_naive(data.fetched_at)])
        if data.get(REGION):
            lines.append(
                [
                    _("Region mean"),
                    _(
                        "The unweighted mean of the region's municipalities that have a value that year "
                        "(%(total)s municipalities in the region)."
                    )
                    % {"total": data.region_size},
                ]
            )
    else:
        lines.append([_("Source"), indicator.get_source_display()])
    if indicator.target_value is not None:
        lines.append([_("Target"), indicator.target_value])
        lines.append([_("Target year"), indicator.target_year])
    lines.append([_("Exported"), _local_naive(now)])
    return lines


VALUE_FORMAT = "yyyy-mm-dd hh:mm"  # the fetch and export times under the data


def _about_cells(lines: list[list]) -> list[list]:
    return [
        [label, Styled(value, VALUE_FORMAT) if isinstance(value, datetime) else value]
        for label, value in lines
    ]


def workbook(data: IndicatorSeries, *, kpi_title: str = "", now: datetime | None = None) -> bytes:
    head = headers(data)
    body = rows(data)
    columns = [Column(h, 22 if i == 0 else 16 if i == 1 else 20) for i, h in enumerate(head)]
    sheet = Sheet(
        _("Values"),
        columns,
        body,
        auto_filter=bool(body),
        notes=_about_cells(about(data, kpi_title=kpi_title, now=now)),
        guard=cell_text,
    )
    return workbook_bytes([sheet])


def csv_bytes(data: IndicatorSeries, *, kpi_title: str = "", now: datetime | None = None) -> bytes:
    """Kedja's CSV shape (core.spreadsheets.csv_bytes: decimal comma, as Excel in Sweden reads a number in
    a ";"-separated file); the lines about the data after an empty line."""
    return spreadsheets.csv_bytes(
        headers(data), [*rows(data), [], *about(data, kpi_title=kpi_title, now=now)]
    )


def filename(data: IndicatorSeries, extension: str, *, today: date | None = None) -> str:
    """A safe ASCII file name: indikator-<name>-<date>.<extension>."""
    today = today or timezone.localdate()
    name = slugify(data.indicator.name)[:60] or str(data.indicator.pk)
    return f"indikator-{name}-{today.isoformat()}.{extension}"


# --- the goal tree (every list taken to a meeting exports to Excel) -------------------------------------
# One row per goal and indicator (a goal without indicators gets one row), in the tree's order, with dates
# as dates and numbers as numbers; headers in the person's language (Swedish by default).

GOAL_WIDTHS = [6, 14, 44, 30, 26, 12, 12, 14, 40, 10, 12, 10, 12, 10, 12, 10, 14]


def goal_rows(organisation: Organisation, *, today_year: int) -> list[list]:
    tree = goal_tree(organisation, indicators=True)
    titles = {g.pk: g.title for g, _depth in tree}
    rows: list[list] = []
    for goal, depth in tree:
        head = [
            depth + 1,
            goal.get_kind_display(),
            goal.title,
            titles.get(goal.parent_id, ""),
            goal.owner_function,
            goal.starts,
            goal.ends,
            goal.get_status_display(),
        ]
        indicators = list(goal.indicators.all())
        for indicator in indicators:
            rows.append(head + _indicator_cells(indicator, today_year))
        if not indicators:
            rows.append(head + [None] * 9)
    return rows


def _indicator_cells(indicator: Indicator, today_year: int) -> list:
    totals = counted_totals(indicator)
    latest_year = max(totals) if totals else None
    status = indicator_status(indicator, totals=totals, today_year=today_year)
    return [
        indicator.name,
        indicator.get_unit_display(),
        indicator.baseline_value,
        indicator.baseline_year,
        totals[latest_year] if latest_year else None,
        latest_year,
        indicator.target_value,
        indicator.target_year,
        str(status.label),
    ]


def goals_workbook(organisation: Organisation, *, today: date | None = None) -> bytes:
    today = today or timezone.localdate()
    headers = [
        _("Level"),
        _("Kind"),
        _("Goal"),
        _("Part of"),
        _("Responsible function"),
        _("Starts"),
        _("Ends"),
        _("Status"),
        _("Indicator"),
        _("Unit"),
        _("Baseline"),
        _("Baseline year"),
        _("Latest value"),
        _("Latest year"),
        _("Target"),
        _("Target year"),
        _("Indicator status"),
    ]
    columns = [
        Column(h, width, "yyyy-mm-dd" if index in (5, 6) else None)
        for index, (h, width) in enumerate(zip(headers, GOAL_WIDTHS, strict=True))
    ]
    rows = goal_rows(organisation, today_year=today.year)
    return workbook_bytes([Sheet(cell_text(_("Goals")), columns, rows, guard=cell_text)])


def goals_filename(organisation: Organisation, *, today: date | None = None) -> str:
    today = today or timezone.localdate()
    return f"mal-{slugify(organisation.name) or 'organisation'}-{today.isoformat()}.xlsx"
