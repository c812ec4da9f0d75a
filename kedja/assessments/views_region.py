"""The region's view of self-assessment (DOMAIN.md §2, §11): its municipalities side by side.

The region never sees a round. It sees, per municipality, whether a round exists and is open or closed
(not result data), and a heat map built only from `results.region_area_levels` — the area levels of each
municipality's latest closed round that it chose to share. The region's median per area is shown only
when at least the suppression threshold of municipalities shared (`results.region_distribution`).
"""

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render

from kedja.access.policy import visible_organisations
from kedja.frameworks.models import Framework
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

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
    return next((f for f in frameworks if f.pk in with_rounds), frameworks[0] if frameworks else None)


@login_required
def region_overview(request, region_id):
    region = visible_organisations(request.user).filter(pk=region_id, kind=Kind.REGION).first()
    if region is None:
        raise Http404()
    if not request.user.has_perm("assessments.view_region_results", region):
        raise PermissionDenied()
    municipalities = list(
        Organisation.objects.filter(
            kind=Kind.MUNICIPALITY, path__startswith=region.path, is_active=True
        ).order_by("name")
    )
    region_rounds = Round.objects.filter(municipality__in=[m.pk for m in municipalities])
    frameworks = region_frameworks(region)
    with_rounds = set(region_rounds.values_list("framework_version__framework_id", flat=True))
    framework = _chosen_framework(request, frameworks, with_rounds)
    context = {"region": region, "frameworks": frameworks, "framework": framework}
    if framework is not None:
        rounds_by_municipality: dict[int, list[Round]] = {m.pk: [] for m in municipalities}
        for r in region_rounds.filter(framework_version__framework=framework).order_by("opened_at"):
            rounds_by_municipality[r.municipality_id].append(r)
        shared = region_area_levels(region, framework)
        columns = _area_columns(framework, shared)
        codes = [code for code, _title in columns]
        distributions = area_distributions(shared, codes)
        context.update(
            statuses=[(m, round_status(rounds_by_municipality[m.pk])) for m in municipalities],
            columns=columns,
            rows=heat_map(municipalities, shared, codes),
            medians=[(code, d) for code, d in zip(codes, distributions, strict=True)],
            shared_count=len([m for m in shared if m.pk in rounds_by_municipality]),
            levels=Level.choices,
        )
    return render(request, "assessments/region_overview.html", context)
