"""Goals and indicators (docs/indicators.md): an organisation's goal tree with its indicators, an indicator's
page (values table and chart), the values grid and the target. Thin: the access layer decides who sees
(404 otherwise) and who may change (403 for those who see but may not), the actions write."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kedja.core.charts import format_value
from kedja.core.files import download_response
from kedja.core.line_charts import LineChart, LineSeriesData, line_chart, markup_text
from kedja.core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from kedja.kolada.models import Kpi

from . import actions, exports
from .access import CHANGE, get_goal_organisation_for, get_indicator_for
from .forms import TargetForm, gap_areas, gap_labels
from .models import Gender, Goal, Indicator, Source, Unit
from .series import COUNTRY, OWN, REGION, IndicatorSeries, counted_totals, indicator_series
from .status import Status, indicator_status
from .tree import goal_tree

GRID_ROWS = 12

STATUS_COLOURS = {
    Status.ON_TRACK: "success",
    Status.AT_RISK: "warning",
    Status.OFF_TRACK: "danger",
    Status.NO_DATA: "neutral",
}


@dataclass
class IndicatorRow:
    indicator: Indicator
    status: Status
    latest_year: int | None = None
    latest: str = "–"
    target: str = ""

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS[self.status]


def _totals(indicator: Indicator) -> dict[int, float]:
    """The indicator's total values by year, from prefetched `values` (no query), from its one source."""
    return counted_totals(indicator)


def _status(indicator: Indicator, totals: dict[int, float], today_year: int) -> Status:
    return indicator_status(indicator, totals=totals, today_year=today_year)


def indicator_row(indicator: Indicator, today_year: int) -> IndicatorRow:
    totals = _totals(indicator)
    row = IndicatorRow(indicator, _status(indicator, totals, today_year))
    row.target = format_value(indicator.target_value)
    if totals:
        row.latest_year = max(totals)
        row.latest = format_value(totals[row.latest_year])
    return row


@dataclass
class GoalNode:
    goal: Goal
    depth: int
    indicators: list[IndicatorRow] = field(default_factory=list)
    items: list = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)


@login_required
def goals(request, org_id):
    """The goal tree with each goal's kind, responsible function, period, status, framework items, gaps
    and indicators (status as text); buttons to build the tree for those who may. A fixed number of
    queries whatever the size of the tree."""
    org = get_goal_organisation_for(request.user, org_id)
    today_year = timezone.localdate().year
    tree = goal_tree(org, indicators=True, items=True)
    area_titles = dict(gap_areas(org) or []) if any(g.gaps for g, _depth in tree) else {}
    nodes = [
        GoalNode(
            goal,
            depth,
            [indicator_row(i, today_year) for i in goal.indicators.all()],
            list(goal.items.all()),
            gap_labels(goal.gaps, area_titles),
        )
        for goal, depth in tree
    ]
    loose = [
        indicator_row(i, today_year)
        for i in Indicator.objects.filter(organisation=org, goal=None)
        .order_by("name")
        .prefetch_related("values")
    ]
    return render(
        request,
        "indicators/goals.html",
        {
            "organisation": org,
            "nodes": nodes,
            "loose": loose,
            "can_edit": request.user.has_perm(CHANGE, org),
        },
    )


# --- an indicator's page -------------------------------------------------------------------------------

GENDER_LABELS = {
    Gender.TOTAL: gettext_lazy("Total"),
    Gender.WOMEN: gettext_lazy("Women"),
    Gender.MEN: gettext_lazy("Men"),
}


@dataclass
class Figure:
    """One chart and the data table that describes it: for a Kolada indicator one per gender with the
    municipality, the region's mean and Sweden; for a manual indicator one with total, women and men."""

    key: str
    heading: str
    chart: LineChart | None
    table_id: str
    caption: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]

    @property
    def header_cells(self) -> SafeString:
        return mark_safe("".join(f'<th scope="col">{markup_text(h)}</th>' for h in self.headers))  # noqa: S308

    @property
    def body(self) -> SafeString:
        """The table's rows as markup, built here (every value escaped by markup_text) rather than in a
        template loop over 150 cells."""
        return mark_safe(  # noqa: S308
            "".join(
                f'<tr><th scope="row">{markup_text(year)}</th>'
                + "".join(f"<td>{markup_text(cell)}</td>" for cell in cells)
                + "</tr>"
                for year, cells in self.rows
            )
        )


def series_labels(data: IndicatorSeries) -> dict[str, tuple[str, str]]:
    """Series kind → (legend and table label, short label written at the line's end)."""
    org = data.indicator.organisation
    region = data.get(REGION)
    return {
        OWN: (data.own.name, org.get_kind_display()),
        REGION: (
            _("%(region)s, mean of its municipalities") % {"region": region.name} if region else "",
            _("Region"),
        ),
        COUNTRY: (_("Sweden"), _("Sweden")),
    }


def _chart(indicator: Indicator, lines: list[LineSeriesData], *, chart_id: str, title: str, table_id: str):
    target_label = ""
    if indicator.target_value is not None:
        target_label = (
            _("Target %(value)s in %(year)s")
            % {"value": format_value(indicator.target_value), "year": indicator.target_year}
            if indicator.target_year
            else _("Target %(value)s") % {"value": format_value(indicator.target_value)}
        )
    return line_chart(
        lines,
        chart_id=chart_id,
        title=title,
        described_by=table_id,
        target=indicator.target_value,
        target_year=indicator.target_year,
        target_label=target_label,
        extra_years=[indicator.baseline_year],
        scale_max=100 if indicator.unit == Unit.PERCENT else None,
    )


def indicator_figures(data: IndicatorSeries) -> list[Figure]:
    indicator = data.indicator
    prefix = f"indicator-{indicator.pk}"
    years = data.years
    if not data.is_kolada:
        genders = data.genders
        if not genders:
            return []
        values = {g: data.own.for_gender(g) for g in genders}
        table_id = f"{prefix}-values"
        return [
            Figure(
                key="own",
                heading="",
                chart=_chart(
                    indicator,
                    [
                        LineSeriesData(str(GENDER_LABELS[g]), str(GENDER_LABELS[g]), values[g])
                        for g in genders
                    ],
                    chart_id=f"{prefix}-chart",
                    title=_("%(name)s per year") % {"name": indicator.name},
                    table_id=table_id,
                ),
                table_id=table_id,
                caption=_("%(name)s per year") % {"name": indicator.name},
                headers=[str(GENDER_LABELS[g]) for g in genders],
                rows=[(year, [format_value(values[g].get(year)) for g in genders]) for year in years],
            )
        ]
    labels = series_labels(data)
    # The legend is narrow: the region's line is "<region>, mean"; the table and the text above say more.
    legend = dict(labels)
    if data.get(REGION):
        legend[REGION] = (_("%(region)s, mean") % {"region": data.get(REGION).name}, _("Region"))
    figures = []
    for gender in data.genders:
        series = [s for s in data.series if s.for_gender(gender)]
        table_id = f"{prefix}-values-{gender}"
        title = _("%(name)s, %(gender)s, per year") % {
            "name": indicator.name,
            "gender": str(GENDER_LABELS[gender]).lower(),
        }
        headers = []
        for s in series:
            headers.append(labels[s.kind][0])
            if s.kind == REGION:
                headers.append(_("Municipalities in the mean"))
        rows = []
        for year in years:
            cells = []
            for s in series:
                cells.append(format_value(s.for_gender(gender).get(year)))
                if s.kind == REGION:
                    count = s.counts.get(gender, {}).get(year)
                    cells.append(
                        _("%(count)s of %(total)s") % {"count": count, "total": data.region_size}
                        if count
                        else "–"
                    )
            rows.append((year, cells))
        figures.append(
            Figure(
                key=gender,
                heading=str(GENDER_LABELS[gender]),
                chart=_chart(
                    indicator,
                    [LineSeriesData(*legend[s.kind], s.for_gender(gender)) for s in series],
                    chart_id=f"{prefix}-chart-{gender}",
                    title=title,
                    table_id=table_id,
                ),
                table_id=table_id,
                caption=title,
                headers=headers,
                rows=rows,
            )
        )
    return figures


def status_reason(indicator: Indicator, status: Status, totals: dict[int, float]) -> str:
    if status == Status.NO_DATA:
        if not totals:
            if indicator.source == Source.KOLADA:
                return _("No Kolada values are stored for this area yet.")
            return _("No values are entered yet.")
        return _("The indicator has no target value and year to judge against.")
    latest_year = max(totals)
    values = {
        "value": format_value(totals[latest_year]),
        "year": latest_year,
        "target": format_value(indicator.target_value),
        "target_year": indicator.target_year,
    }
    if status == Status.ON_TRACK:
        return (
            _(
                "The latest value, %(value)s (%(year)s), has reached or is on the way to the target of "
                "%(target)s by %(target_year)s."
            )
            % values
        )
    if status == Status.AT_RISK:
        return (
            _(
                "The latest value, %(value)s (%(year)s), is behind the straight path to the target of "
                "%(target)s by %(target_year)s, but moving towards it."
            )
            % values
        )
    return (
        _(
            "The latest value, %(value)s (%(year)s), is behind the path to the target of %(target)s by "
            "%(target_year)s and not moving towards it, or the target year has passed."
        )
        % values
    )


def _detail_context(request, indicator: Indicator, *, target_form: TargetForm | None = None) -> dict:
    today_year = timezone.localdate().year
    data = indicator_series(indicator)
    totals = data.totals()
    status = _status(indicator, totals, today_year)
    kpi = None
    if data.is_kolada:
        kpi = Kpi.objects.filter(pk=indicator.kolada_kpi).only("id", "title").first()
    can_edit = request.user.has_perm(CHANGE, indicator)
    if target_form is None and can_edit:
        target_form = TargetForm(
            initial={"target_value": indicator.target_value, "target_year": indicator.target_year}
        )
    return {
        "indicator": indicator,
        "figures": indicator_figures(data),
        "is_kolada": data.is_kolada,
        "region_size": data.region_size,
        "status": status,
        "status_colour": STATUS_COLOURS[status],
        "status_reason": status_reason(indicator, status, totals),
        "baseline": format_value(indicator.baseline_value),
        "target": format_value(indicator.target_value),
        "kpi": kpi,
        "kpi_fetched": data.fetched_at,
        "can_edit": can_edit,
        "target_form": target_form,
    }


@login_required
def indicator_detail(request, indicator_id):
    indicator = get_indicator_for(request.user, indicator_id)
    return render(request, "indicators/indicator.html", _detail_context(request, indicator))


def _export(request, indicator_id, extension: str, content_type: str, make) -> HttpResponse:
    """The page's figures as a file, for whoever sees the page (404 otherwise)."""
    indicator = get_indicator_for(request.user, indicator_id)
    data = indicator_series(indicator)
    kpi_title = ""
    if data.is_kolada:
        kpi_title = Kpi.objects.filter(pk=indicator.kolada_kpi).values_list("title", flat=True).first() or ""
    body = make(data, kpi_title=kpi_title)
    return download_response(body, filename=exports.filename(data, extension), content_type=content_type)


@login_required
@require_safe
def indicator_export_xlsx(request, indicator_id):
    return _export(request, indicator_id, "xlsx", XLSX_CONTENT_TYPE, exports.workbook)


@login_required
@require_safe
def indicator_export_csv(request, indicator_id):
    return _export(request, indicator_id, "csv", CSV_CONTENT_TYPE, exports.csv_bytes)


@login_required
@require_POST
def indicator_target(request, indicator_id):
    indicator = get_indicator_for(request.user, indicator_id, CHANGE)
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            actions.set_target(
                indicator,
                target=form.cleaned_data["target_value"],
                target_year=form.cleaned_data["target_year"],
                by=request.user,
            )
        except ValidationError as e:
            for name, errs in e.message_dict.items():
                form.add_error(name if name in form.fields else None, errs)
        else:
            return redirect("indicators:indicator", indicator.pk)
    context = _detail_context(request, indicator, target_form=form)
    return render(request, "indicators/indicator.html", context, status=400)


# --- the values grid -----------------------------------------------------------------------------------

GENDERS = (Gender.TOTAL, Gender.WOMEN, Gender.MEN)


@dataclass
class GridRow:
    index: int
    year: str = ""
    total: str = ""
    women: str = ""
    men: str = ""
    errors: list[str] = field(default_factory=list)


def initial_grid(indicator: Indicator) -> list[GridRow]:
    by_year: dict[int, dict[str, float]] = {}
    for v in indicator.values.all():
        by_year.setdefault(v.period, {})[v.gender] = v.value
    rows = []
    for year in sorted(by_year)[-GRID_ROWS:]:
        cells = by_year[year]
        rows.append(
            GridRow(
                len(rows),
                str(year),
                *(format_value(cells[g]) if g in cells else "" for g in GENDERS),
            )
        )
    while len(rows) < GRID_ROWS:
        rows.append(GridRow(len(rows)))
    return rows


def read_grid(data) -> list[GridRow]:
    rows = []
    for index in range(GRID_ROWS):
        rows.append(
            GridRow(
                index,
                *(data.get(f"row-{index}-{name}", "").strip() for name in ("year", "total", "women", "men")),
            )
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def indicator_values(request, indicator_id):
    indicator = get_indicator_for(request.user, indicator_id, CHANGE)
    if indicator.source == Source.KOLADA:
        messages.info(
            request,
            _("The values of an indicator that follows Kolada come from Kolada and cannot be typed in."),
        )
        return redirect(reverse("indicators:indicator", args=[indicator.pk]))
    if request.method == "GET":
        grid = initial_grid(indicator)
        return render(request, "indicators/values.html", {"indicator": indicator, "grid": grid})
    grid = read_grid(request.POST)
    existing = {(v.period, v.gender) for v in indicator.values.all()}
    cells, owners = [], []  # owners[i]: the grid row of cell i
    for row in grid:
        if not row.year:
            if row.total or row.women or row.men:
                row.errors.append(_("Give the year."))
            continue
        try:
            year = int(row.year)
        except ValueError:
            row.errors.append(_("The year must be a whole number."))
            continue
        for gender in GENDERS:
            raw = getattr(row, gender)
            if raw or (year, gender) in existing:
                cells.append({"period": year, "gender": gender, "value": raw})
                owners.append(row)
    if not any(row.errors for row in grid):
        try:
            actions.save_values(indicator, cells, by=request.user)
        except ValidationError as e:
            for index, reasons in e.error_dict.items() if hasattr(e, "error_dict") else ():
                row = owners[index]
                for reason in (m for err in reasons for m in err.messages):
                    if reason not in row.errors:
                        row.errors.append(reason)
        else:
            return redirect(reverse("indicators:indicator", args=[indicator.pk]))
    return render(
        request,
        "indicators/values.html",
        {"indicator": indicator, "grid": grid, "has_errors": True},
        status=400,
    )
