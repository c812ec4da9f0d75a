"""Goals and indicators (DOMAIN.md §4): an organisation's goal tree with its indicators, an indicator's
page (values table and chart), the values grid and the target. Thin: the access layer decides who sees
(404 otherwise) and who may change (403 for those who see but may not), the actions write."""

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kedja.access.decorators import get_goal_organisation_for
from kedja.access.indicators import visible_indicators
from kedja.core.charts import format_value
from kedja.kolada.models import Kpi, KpiValue

from . import actions
from .forms import TargetForm
from .models import Gender, Goal, Indicator, IndicatorValue, Source
from .status import Status, status_for

CHANGE = "indicators.change_goals"
GRID_ROWS = 12

STATUS_COLOURS = {
    Status.ON_TRACK: "success",
    Status.AT_RISK: "warning",
    Status.OFF_TRACK: "danger",
    Status.NO_DATA: "neutral",
}


def get_indicator_for(user, indicator_id, perm: str | None = None) -> Indicator:
    indicator = (
        visible_indicators(user).select_related("organisation", "goal").filter(pk=indicator_id).first()
    )
    if indicator is None:
        raise Http404()
    if perm and not user.has_perm(perm, indicator):
        raise PermissionDenied()
    return indicator


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
    """The indicator's total values by year, from prefetched `values` (no query)."""
    return {v.period: v.value for v in indicator.values.all() if v.gender == Gender.TOTAL}


def _status(indicator: Indicator, totals: dict[int, float], today_year: int) -> Status:
    return status_for(
        totals,
        baseline=indicator.baseline_value,
        baseline_year=indicator.baseline_year,
        target=indicator.target_value,
        target_year=indicator.target_year,
        direction=indicator.direction,
        today_year=today_year,
    )


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


@login_required
def goals(request, org_id):
    org = get_goal_organisation_for(request.user, org_id)
    today_year = timezone.localdate().year
    all_goals = list(
        Goal.objects.filter(organisation=org)
        .order_by("position", "pk")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.filter(organisation=org)
                .order_by("name")
                .prefetch_related(Prefetch("values", queryset=IndicatorValue.objects.order_by("period"))),
            )
        )
    )
    children: dict[int | None, list[Goal]] = {}
    for goal in all_goals:
        children.setdefault(goal.parent_id, []).append(goal)
    nodes: list[GoalNode] = []

    def walk(parent_id, depth):
        for goal in children.get(parent_id, []):
            nodes.append(GoalNode(goal, depth, [indicator_row(i, today_year) for i in goal.indicators.all()]))
            walk(goal.pk, depth + 1)

    walk(None, 0)
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

CHART_WIDTH = 300
CHART_HEIGHT = 200
CHART_LEFT = 40
CHART_RIGHT = 10
CHART_TOP = 14
CHART_BOTTOM = 30


def line_chart(indicator: Indicator, totals: dict[int, float], *, described_by: str) -> dict | None:
    """Geometry for an SVG line chart of the totals over the years with the target as a dashed line and
    mark; None without values. The values table (`described_by`) carries the same figures."""
    if not totals:
        return None
    years = sorted(totals)
    first_year = min(years[0], indicator.baseline_year or years[0])
    last_year = max(years[-1], indicator.target_year or years[-1])
    values = list(totals.values())
    if indicator.target_value is not None:
        values.append(indicator.target_value)
    low = min(0.0, *values)
    high = max(values) or 1.0
    if indicator.unit == "percent" and high <= 100:
        high = 100.0
    if high == low:
        high = low + 1
    plot_w = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_h = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    span = max(last_year - first_year, 1)

    def x(year):
        return round(CHART_LEFT + plot_w * ((year - first_year) / span if last_year > first_year else 0.5), 1)

    def y(value):
        return round(CHART_TOP + plot_h * (1 - (value - low) / (high - low)), 1)

    points = [{"x": x(yr), "y": y(totals[yr]), "label": format_value(totals[yr]), "year": yr} for yr in years]
    target = None
    if indicator.target_value is not None and indicator.target_year is not None:
        ty = y(indicator.target_value)
        target = {
            "y": ty,
            "x": x(indicator.target_year),
            "label": _("Target %(value)s in %(year)s")
            % {"value": format_value(indicator.target_value), "year": indicator.target_year},
            "label_y": max(ty - 4, CHART_TOP),
        }
    ticks = [{"y": y(v), "label": format_value(v)} for v in (low, (low + high) / 2, high)]
    return {
        "id": f"indicator-{indicator.pk}-chart",
        "described_by": described_by,
        "title": _("%(name)s, total per year") % {"name": indicator.name},
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "top": CHART_TOP,
        "bottom": CHART_HEIGHT - CHART_BOTTOM,
        "year_label_y": CHART_HEIGHT - CHART_BOTTOM + 18,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "target": target,
        "ticks": ticks,
    }


def status_reason(indicator: Indicator, status: Status, totals: dict[int, float]) -> str:
    if status == Status.NO_DATA:
        if not totals:
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
    cells = list(indicator.values.order_by("period"))
    table: dict[int, dict[str, str]] = {}
    for v in cells:
        table.setdefault(v.period, {})[v.gender] = format_value(v.value)
    rows = [
        (year, row.get(Gender.TOTAL, "–"), row.get(Gender.WOMEN, "–"), row.get(Gender.MEN, "–"))
        for year, row in sorted(table.items())
    ]
    totals = {v.period: v.value for v in cells if v.gender == Gender.TOTAL}
    status = _status(indicator, totals, today_year)
    kpi = kpi_fetched = None
    if indicator.source == Source.KOLADA and indicator.kolada_kpi:
        kpi = Kpi.objects.filter(pk=indicator.kolada_kpi).first()
        kpi_fetched = KpiValue.objects.filter(kpi_id=indicator.kolada_kpi).aggregate(at=Max("fetched_at"))[
            "at"
        ]
    can_edit = request.user.has_perm(CHANGE, indicator)
    if target_form is None and can_edit:
        target_form = TargetForm(
            initial={"target_value": indicator.target_value, "target_year": indicator.target_year}
        )
    table_id = f"indicator-{indicator.pk}-values"
    return {
        "indicator": indicator,
        "rows": rows,
        "table_id": table_id,
        "chart": line_chart(indicator, totals, described_by=table_id),
        "status": status,
        "status_colour": STATUS_COLOURS[status],
        "status_reason": status_reason(indicator, status, totals),
        "baseline": format_value(indicator.baseline_value),
        "target": format_value(indicator.target_value),
        "kpi": kpi,
        "kpi_fetched": kpi_fetched,
        "can_edit": can_edit,
        "target_form": target_form,
    }


@login_required
def indicator_detail(request, indicator_id):
    indicator = get_indicator_for(request.user, indicator_id)
    return render(request, "indicators/indicator.html", _detail_context(request, indicator))


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
