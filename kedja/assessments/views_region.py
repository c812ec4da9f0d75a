"""The region's view of self-assessment (docs/domain.md, "The region's view"): its municipalities side by
side.

The region never sees a round. It sees, per municipality, whether a round exists and is open or closed
(not result data), and a heat map built only from `results.region_area_levels` — the area levels of each
municipality's latest closed round that it chose to share. The region's median per area is shown only
when at least the suppression threshold of municipalities shared (`results.region_distribution`).
"""

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from kedja.core.files import download_response
from kedja.core.spreadsheets import XLSX_CONTENT_TYPE
from kedja.frameworks.models import Framework
from kedja.frameworks.selectors import DEFAULT_FRAMEWORK_KEY
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from . import exports
from .access import get_region_for_results
from .models import Level, Round
from .results import Distribution, region_area_levels, region_distribution

NO_ROUND = "none"


# --- rules as plain functions ------------------------------------------------------------------------


def heat_level(level: float | None) -> int | None:
    """The colour step of an area level: rounded to the nearest whole level (2.5 → 3), the way the
    region's distribution counts levels."""
    if level is None:
        return None
    return min(4, max(0, int(level + 0.5)))


@dataclass(frozen=True)
class HeatCell:
    level: float | None
    heat: int | None


@dataclass
class HeatRow:
    municipality: Organisation
    shared: bool
    cells: list[HeatCell] = field(default_factory=list)
    no_round: bool = False  # it has held no round of the framework at all: "No round", not "Not shared"


def heat_map(municipalities, shared: dict, area_codes: list[str]) -> list[HeatRow]:
    """One row per municipality of the region, in the given order. A municipality that did not share a
    closed round is a row without values. Only the given municipalities appear, whatever `shared` holds."""
    by_pk = {m.pk: levels for m, levels in shared.items()}
    rows = []
    for municipality in municipalities:
        levels = by_pk.get(municipality.pk)
        if levels is None:
            rows.append(HeatRow(municipality, shared=False))
            continue
        cells = [HeatCell(levels.get(code), heat_level(levels.get(code))) for code in area_codes]
        rows.append(HeatRow(municipality, shared=True, cells=cells))
    return rows


def area_distributions(shared: dict, area_codes: list[str]) -> list[Distribution]:
    """Per area, the region's distribution of the shared levels (suppressed below the threshold)."""
    return [
        region_distribution([levels[code] for levels in shared.values() if levels.get(code) is not None])
        for code in area_codes
    ]


@dataclass(frozen=True)
class RoundStatus:
    status: str  # NO_ROUND, Round.Status.OPEN or Round.Status.CLOSED
    latest: Round | None = None


def round_status(rounds: list[Round]) -> RoundStatus:
    """A municipality's status for a framework: open if any round is open, else closed if it has held one,
    else no round. `rounds` in the order they were opened."""
    if not rounds:
        return RoundStatus(NO_ROUND)
    open_rounds = [r for r in rounds if r.is_open]
    if open_rounds:
        return RoundStatus(Round.Status.OPEN, open_rounds[-1])
    return RoundStatus(Round.Status.CLOSED, rounds[-1])


# --- gathering -------------------------------------------------------------------------------------


def region_frameworks(region: Organisation) -> list[Framework]:
    """Frameworks a region follows: shipped ones, its own, and those it offered to its municipalities."""
    return list(
        Framework.objects.filter(Q(owner=None) | Q(owner=region) | Q(versions__publications__region=region))
        .distinct()
        .order_by("owner_id", "key")
    )


def _area_columns(framework: Framework, shared: dict) -> list[tuple[str, dict]]:
    """(code, title) per area: the latest published version's areas, then any area code that only an
    older version (which some municipality assessed against) has."""
    latest = framework.latest_published()
    columns = [(a.code, a.title) for a in latest.areas()] if latest else []
    known = {code for code, _title in columns}
    extra = sorted({code for levels in shared.values() for code in levels} - known)
    return columns + [(code, {}) for code in extra]


def _chosen_framework(request, frameworks: list[Framework], with_rounds: set[int]) -> Framework | None:
    wanted = request.GET.get("framework")
    if wanted:
        chosen = next((f for f in frameworks if str(f.pk) == wanted), None)
        if chosen is None:
            raise Http404()
        return chosen
    # The regional STEAM framework first (the shipped one, or a region's own copy of it), then any other
    # framework that has rounds, so the page does not open on a model few municipalities use.
    steam = [f for f in frameworks if f.key == DEFAULT_FRAMEWORK_KEY]
    for candidates in (
        [f for f in steam if f.pk in with_rounds],
        steam,
        [f for f in frameworks if f.pk in with_rounds],
        frameworks,
    ):
        if candidates:
            return candidates[0]
    return None


@dataclass
class RegionOverview:
    """What the region's page shows for one framework: round status per municipality, the area columns,
    the heat map rows, the region's median per area, and how many municipalities shared."""

    statuses: list[tuple[Organisation, RoundStatus]]
    columns: list[tuple[str, dict]]
    rows: list[HeatRow]
    medians: list[tuple[str, Distribution]]
    shared_count: int


def region_municipalities(region: Organisation) -> list[Organisation]:
    """The region's active municipalities, by name."""
    return list(
        Organisation.objects.descendants_of(region)
        .filter(kind=Kind.MUNICIPALITY, is_active=True)
        .order_by("name")
    )


def region_overview_for(
    region: Organisation, framework: Framework, municipalities: list[Organisation]
) -> RegionOverview:
    """The page's figures for `framework` (also what its Excel file holds): only shared closed rounds give
    levels; the round status (not result data) is shown for every municipality."""
    rounds_by_municipality: dict[int, list[Round]] = {m.pk: [] for m in municipalities}
    rounds = Round.objects.filter(
        municipality__in=[m.pk for m in municipalities], framework_version__framework=framework
    ).order_by("opened_at")
    for r in rounds:
        rounds_by_municipality[r.municipality_id].append(r)
    shared = region_area_levels(region, framework)
    columns = _area_columns(framework, shared)
    codes = [code for code, _title in columns]
    distributions = area_distributions(shared, codes)
    rows = heat_map(municipalities, shared, codes)
    for row in rows:
        row.no_round = not rounds_by_municipality[row.municipality.pk]
    return RegionOverview(
        statuses=[(m, round_status(rounds_by_municipality[m.pk])) for m in municipalities],
        columns=columns,
        rows=rows,
        medians=[(code, d) for code, d in zip(codes, distributions, strict=True)],
        shared_count=len([m for m in shared if m.pk in rounds_by_municipality]),
    )


def _region_and_framework(request, region_id):
    """The region (404 for those who may not see it, 403 without the right) and the chosen framework."""
    region = get_region_for_results(request.user, region_id)
    municipalities = region_municipalities(region)
    frameworks = region_frameworks(region)
    with_rounds = set(
        Round.objects.filter(municipality__in=[m.pk for m in municipalities]).values_list(
            "framework_version__framework_id", flat=True
        )
    )
    return region, municipalities, frameworks, _chosen_framework(request, frameworks, with_rounds)


@login_required
@require_safe
def region_overview(request, region_id):
    region, municipalities, frameworks, framework = _region_and_framework(request, region_id)
    context = {"region": region, "frameworks": frameworks, "framework": framework}
    if framework is not None:
        overview = region_overview_for(region, framework, municipalities)
        context.update(
            statuses=overview.statuses,
            columns=overview.columns,
            rows=overview.rows,
            medians=overview.medians,
            shared_count=overview.shared_count,
            levels=Level.choices,
        )
    return render(request, "assessments/region_overview.html", context)


@login_required
@require_safe
def region_overview_xlsx(request, region_id):
    """The page's round status and heat map as an Excel file, same access and ?framework=."""
    region, municipalities, _frameworks, framework = _region_and_framework(request, region_id)
    if framework is None:
        raise Http404()
    today = timezone.localdate()
    overview = region_overview_for(region, framework, municipalities)
    body = exports.region_overview_workbook(framework, overview)
    name = exports.region_overview_filename(region, today=today)
    return download_response(body, filename=name, content_type=XLSX_CONTENT_TYPE)
