"""The transitions view (framework area 7b; docs/indicators.md, "Transitions between stages"): the
organisation's chain of Kolada shares for its municipality against region and Sweden, by gender, with where
the chain loses most; and the form where an editor chooses the chain's KPIs. The figures come from
indicators.transitions; this module only words them and draws the chart."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kedja.core.charts import GRID_COLOUR, MUTED_TEXT, SERIES_COLOURS, TEXT_COLOUR, format_value, wrap

from . import transitions
from .access import CHANGE, get_goal_organisation_for
from .forms_transitions import ChainForm
from .transitions import ChainReport, GenderChain, Step, Transition

GENDER_LABELS = {
    "T": gettext_lazy("Total"),
    "K": gettext_lazy("Women"),
    "M": gettext_lazy("Men"),
}


def points(value: float | None) -> str:
    """A drop in percentage points, signed when it is a rise."""
    if value is None:
        return _("no data")
    return format_value(value)


def share(value: float | None) -> str:
    return _("no data") if value is None else format_value(value)


def _between(t: Transition) -> str:
    return _("from “%(earlier)s” to “%(later)s”") % {
        "earlier": t.earlier.label_text,
        "later": t.later.label_text,
    }


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def largest_drop_text(chain: GenderChain) -> str:
    """The municipality's largest drop in words, with region and Sweden for the same transition."""
    if not chain.largest:
        if any(t.municipality is not None for t in chain.transitions):
            return _("The chain does not drop anywhere: every step is at least as high as the one before.")
        return _("No drop can be computed: the municipality lacks values for consecutive steps.")
    top = chain.largest[0]
    if len(chain.largest) > 1:
        return _("The largest drops, %(points)s percentage points each, are %(where)s.") % {
            "points": points(top.municipality),
            "where": _join([_between(t) for t in chain.largest]),
        }
    return _(
        "The largest drop is %(where)s: %(points)s percentage points "
        "(region: %(region)s, Sweden: %(country)s)."
    ) % {
        "where": _between(top),
        "points": points(top.municipality),
        "region": points(top.region),
        "country": points(top.country),
    }


def worse_text(chain: GenderChain) -> str:
    if not chain.worse_than_region:
        if any(t.vs_region is not None for t in chain.transitions):
            return _("At no transition does the municipality drop more than the region's mean.")
        return ""
    worst = chain.worse_than_region[0]
    text = _(
        "The municipality drops more than the region's mean %(where)s; most %(worst)s, by %(points)s "
        "percentage points."
    ) % {
        "where": _join([_between(t) for t in chain.worse_than_region]),
        "worst": _between(worst),
        "points": format_value(worst.vs_region),
    }
    return text


def missing_text(chain: GenderChain) -> str:
    if not chain.missing_steps:
        return ""
    return _(
        "No data for %(steps)s. The drops to and from these steps are not computed and not compared."
    ) % {"steps": _join([f"“{s.label_text}” ({s.kpi})" for s in chain.missing_steps])}


# --- the chart: one row per step, three marker shapes on a 0–100 track --------------------------------

WIDTH = 280
LEFT, RIGHT = 8, 262
TOP = 26
LABEL_LINE = 18
TRACK_GAP = 16
ROW_GAP = 14
LANE = 10  # the vertical distance between the three series' marks
LEGEND_LINE = 22
SERIES = (  # shape, colour, name: the shape tells the series apart, not only the colour
    ("circle", SERIES_COLOURS[0]),
    ("square", SERIES_COLOURS[1]),
    ("triangle", SERIES_COLOURS[2]),
)


def _x(value: float) -> float:
    return round(LEFT + (RIGHT - LEFT) * min(max(value, 0.0), 100.0) / 100.0, 1)


@dataclass
class Mark:
    shape: str
    colour: str
    x: float
    y: float
    label: str

    @property
    def text_y(self) -> float:
        return self.y + 5

    @property
    def square(self) -> tuple[float, float]:
        return self.x - 5, self.y - 5

    @property
    def triangle(self) -> str:
        return f"{self.x:g},{self.y - 6:g} {self.x + 6:g},{self.y + 5:g} {self.x - 6:g},{self.y + 5:g}"


def chain_chart(chain: GenderChain, *, chart_id: str, described_by: str, names: list[str]) -> dict:
    """Geometry of a dot chart: for each step its label, a 0–100 % track and a circle (municipality), a
    square (region) and a triangle (Sweden); a missing value is written out instead of a mark."""
    y = TOP
    rows = []
    for row in chain.rows:
        lines = []
        for text in wrap(row.step.label_text, 28):
            lines.append({"text": text, "y": y + 13})
            y += LABEL_LINE
        track_y = y + TRACK_GAP / 2 + LANE
        marks, missing = [], []
        # Each series on its own lane (above, on, below the track), so equal values never hide each other.
        for lane, ((shape, colour), name, value) in enumerate(
            zip(SERIES, names, (row.municipality, row.region, row.country), strict=True)
        ):
            if value is None:
                missing.append(name)
            else:
                mark_y = track_y + (lane - 1) * LANE
                marks.append(Mark(shape, colour, _x(value), mark_y, f"{name} {format_value(value)}"))
        rows.append(
            {
                "lines": lines,
                "track_y": track_y,
                "marks": marks,
                "missing": _("no data: %(series)s") % {"series": ", ".join(missing)} if missing else "",
                "missing_y": track_y + LANE + 18,
            }
        )
        y += TRACK_GAP + 2 * LANE + (22 if missing else 6) + ROW_GAP
    ticks = [{"x": _x(v), "label": format_value(v)} for v in (0, 25, 50, 75, 100)]
    legend = []
    y += 4
    for (shape, colour), name in zip(SERIES, names, strict=True):
        legend.append(Mark(shape, colour, LEFT + 6, y + 6, name))
        y += LEGEND_LINE
    return {
        "id": chart_id,
        "described_by": described_by,
        "title": _("%(gender)s: share at each step (%%), municipality, region and Sweden")
        % {"gender": GENDER_LABELS[chain.gender]},
        "width": WIDTH,
        "height": y + 2,
        "left": LEFT,
        "right": RIGHT,
        "top": TOP - 8,
        "bottom": rows[-1]["track_y"] + LANE + 8 if rows else TOP,
        "ticks": ticks,
        "rows": rows,
        "legend": legend,
        "legend_text_x": LEFT + 18,
        "text_colour": TEXT_COLOUR,
        "muted_colour": MUTED_TEXT,
        "grid_colour": GRID_COLOUR,
    }


# --- the page ------------------------------------------------------------------------------------------


def _year(raw) -> int | None:
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return None
    return year if 1990 <= year <= 2200 else None


def _gender_sections(report: ChainReport) -> list[dict]:
    region_name = report.region.name if report.region else _("Region")
    names = [
        report.municipality.name if report.municipality else _("Municipality"),
        _("%(region)s (mean)") % {"region": region_name},
        _("Sweden"),
    ]
    sections = []
    for gender, chain in report.genders.items():
        table_id = f"transitions-{gender}-table"
        sections.append(
            {
                "gender": gender,
                "label": GENDER_LABELS[gender],
                "chain": chain,
                "table_id": table_id,
                "drops_id": f"transitions-{gender}-drops",
                "chart": chain_chart(
                    chain, chart_id=f"transitions-{gender}-chart", described_by=table_id, names=names
                )
                if chain.has_data
                else None,
                "rows": [
                    {
                        "row": r,
                        "municipality": share(r.municipality),
                        "region": share(r.region),
                        "region_n": r.region_n,
                        "country": share(r.country),
                    }
                    for r in chain.rows
                ],
                "drops": [
                    {
                        "transition": t,
                        "between": _between(t),
                        "municipality": points(t.municipality),
                        "region": points(t.region),
                        "country": points(t.country),
                        "vs_region": points(t.vs_region),
                        "is_largest": t in chain.largest,
                        "is_worse": t in chain.worse_than_region,
                    }
                    for t in chain.transitions
                ],
                "largest_text": largest_drop_text(chain),
                "worse_text": worse_text(chain),
                "missing_text": missing_text(chain),
            }
        )
    return sections


@login_required
@require_GET
def transitions_view(request, org_id):
    org = get_goal_organisation_for(request.user, org_id)
    report = transitions.chain_report(org, year=_year(request.GET.get("year")))
    return render(
        request,
        "indicators/transitions.html",
        {
            "organisation": org,
            "report": report,
            "sections": _gender_sections(report),
            "is_default": transitions.is_default(report.steps),
            "chain_kpis": list(dict.fromkeys(s.kpi for s in report.steps)),
            "can_edit": request.user.has_perm(CHANGE, org),
        },
    )


# --- choosing the chain --------------------------------------------------------------------------------


def _initial(steps: list[Step], row) -> dict:
    return {"version": row.version if row else 0, **{f"kpi_{s.key}": s.kpi for s in steps}}


@login_required
@require_http_methods(["GET", "POST"])
def transitions_chain(request, org_id):
    org = get_goal_organisation_for(request.user, org_id, CHANGE)
    steps, row = transitions.chain_for(org)
    status = 200
    if request.method == "GET":
        form = ChainForm(initial=_initial(steps, row), steps=steps)
    else:
        form = ChainForm(request.POST, steps=steps)
        status = 400
        if form.is_valid():
            with form.saving(current=lambda: transitions.chain_for(org)[1]):
                if form.resets:
                    transitions.reset_chain(org, by=request.user, expected_version=form.expected_version)
                    messages.success(request, _("The chain is back to the default."))
                else:
                    transitions.save_chain(
                        org, form.chosen(), by=request.user, expected_version=form.expected_version
                    )
                    messages.success(request, _("The chain has been saved."))
                return redirect("indicators:transitions", org.pk)
            status = form.response_status
    return render(
        request,
        "indicators/transitions_chain.html",
        {
            "organisation": org,
            "form": form,
            "steps": steps,
            "defaults": transitions.default_steps(),
            "is_default": transitions.is_default(steps),
        },
        status=status,
    )
