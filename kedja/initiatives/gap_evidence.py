"""What a municipality already knows that ranks its gaps (docs/gap-analysis.md, "Ranking the gaps"), gathered
with a few grouped queries, and the one sentence each ranked gap says about why it ranks where it does.

- the framework's cells that exist (`existing_cells`): municipality-wide areas once, an area only at the
  stages it applies to, a target group only at the stages it exists in (frameworks.chain);
- the area's self-assessed level in the round whose priorities count (`area_levels`);
- the fragile initiatives of each cell: project money ending within a year, depending on one person
  (`fragility`);
- how many other municipalities of the region share an initiative in each cell (`neighbour_counts`);
- signals from apps above this one (an indicator off track, the largest drop between stages): they register
  a provider with `register_signals`, so this app never imports them.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kedja.assessments.models import Round
from kedja.assessments.results import area_levels_by_code
from kedja.frameworks.chain import WHOLE, area_stages, effective, group_exists, stage_label
from kedja.frameworks.models import Framework, FrameworkVersion, Node
from kedja.kolada.models import KpiValue
from kedja.organisations.models import Organisation

from .gaps import Reason, Signal
from .models import Cell, Stage, TargetGroup
from .risks import funding_ending, person_dependent

AREA, GROUP = "area", "group"
POPULATION_KPI = "N01951"  # Kolada "Invånare totalt, antal" (SCB): a municipality's size, when stored

# --- the cells that exist ------------------------------------------------------------------------------


def existing_cells(version: FrameworkVersion | None, areas: list[Node]) -> tuple[dict, dict]:
    """(area code -> its stage keys, [chain.WHOLE] for a municipality-wide area; target group -> the
    stages it exists in), from the version's data."""
    stages = list(Stage.values)
    by_area = {a.code: area_stages(effective(a.applies, None), stages) for a in areas}
    groups_at = (version.target_group_stages if version else {}) or {}
    by_group = {
        g: [s for s in stages if group_exists(groups_at, stage=s, group=g)] for g in TargetGroup.values
    }
    return by_area, by_group


def item_applies(version: FrameworkVersion | None) -> dict[str, object]:
    """Item code -> its effective chain.Applies (what it says, else its area's)."""
    if version is None:
        return {}
    nodes = list(version.nodes.order_by("position"))
    applies: dict[int, object] = {}
    out = {}
    for node in nodes:  # depth-first: a parent comes before its children
        applies[node.pk] = effective(node.applies, applies.get(node.parent_id))
        if node.kind == Node.Kind.ITEM:
            out[node.code] = applies[node.pk]
    return out


# --- evidence ------------------------------------------------------------------------------------------


def area_levels(round_: Round | None) -> dict[str, float | None]:
    return area_levels_by_code(round_) if round_ is not None else {}


def fragility(municipality: Organisation, framework: Framework, *, today: date, whole: set[str]) -> dict:
    """(kind, stage, column) -> (initiatives whose project money ends within a year, initiatives that
    depend on one person), over the cell's active initiatives that are not robust. A municipality-wide
    area's cell counts its initiatives at any stage once. One query."""
    rows = (
        Cell.objects.filter(municipality=municipality, robust=False)
        .filter(Q(ends__isnull=True) | Q(ends__gte=today))
        .filter(Q(framework=framework) | Q(framework__isnull=True, area=""))
        .values_list(
            "stage",
            "area",
            "target_group",
            "initiative_id",
            "initiative__funding",
            "initiative__funding_ends",
            "initiative__named_people",
            "initiative__responsible_function",
        )
    )
    seen: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    out: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for stage, area, group, pk, funding, ends, people, function in rows:
        if area:
            key = (AREA, WHOLE, area) if area in whole else (AREA, stage, area)
        else:
            key = (GROUP, stage, group)
        if pk in seen[key]:
            continue
        seen[key].add(pk)
        out[key][0] += funding_ending(funding=funding, funding_ends=ends, today=today)
        out[key][1] += person_dependent(people=people.splitlines(), responsible_function=function)
    return {k: tuple(v) for k, v in out.items()}


def neighbour_counts(region_cells, *, whole: set[str]) -> dict[tuple[str, str, str], int]:
    """(kind, stage, column) -> the number of other municipalities with a shared initiative there, from
    gap_report's region cells (already: same region, shared with all, active). One query."""
    rows = region_cells.values_list("stage", "area", "target_group", "municipality_id").distinct()
    found: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for stage, area, group, municipality_id in rows:
        if area:
            key = (AREA, WHOLE, area) if area in whole else (AREA, stage, area)
        else:
            key = (GROUP, stage, group)
        found[key].add(municipality_id)
    return {k: len(v) for k, v in found.items()}


def population(codes: list[str]) -> dict[str, float]:
    """Municipality code -> inhabitants (Kolada N01951, latest stored year), for those Kedja has."""
    out: dict[str, tuple[int, float]] = {}
    for code, period, value in KpiValue.objects.filter(
        kpi_id=POPULATION_KPI, area_type=KpiValue.AreaType.MUNICIPALITY, gender="T", area_code__in=codes
    ).values_list("area_code", "period", "value"):
        if value is not None and (code not in out or period > out[code][0]):
            out[code] = (period, value)
    return {code: value for code, (_period, value) in out.items()}


def nearest_first(municipality: Organisation, neighbours: list[Organisation]) -> list[int]:
    """The neighbours' ids, nearest in size first (by inhabitants where Kedja has them; those without a
    figure after, by name): "comparable municipalities" within the region."""
    sizes = population([m.code for m in [municipality, *neighbours] if m.code])
    own = sizes.get(municipality.code)

    def distance(m: Organisation) -> tuple[int, float, str]:
        theirs = sizes.get(m.code)
        if own is None or theirs is None or own <= 0 or theirs <= 0:
            return (1, 0.0, m.name)
        return (0, abs(theirs - own) / max(theirs, own), m.name)

    return [m.pk for m in sorted(neighbours, key=distance)]


# --- signals from apps above this one -------------------------------------------------------------------

SignalProvider = Callable[[Organisation, Framework, date], list[Signal]]
_providers: list[SignalProvider] = []


def register_signals(provider: SignalProvider) -> None:
    """An app above this one (indicators: goals off track, the transitions view) adds what it knows."""
    if provider not in _providers:
        _providers.append(provider)


def signals(municipality: Organisation, framework: Framework, *, today: date) -> list[Signal]:
    out: list[Signal] = []
    for provider in _providers:
        out += provider(municipality, framework, today)
    return out


# --- the sentence -------------------------------------------------------------------------------------


def _level(value: float) -> str:
    """1, 1,5 or 2 (the reader's decimal sign; medians are whole or halves)."""
    rounded = round(value, 1)
    return number_format(rounded, decimal_pos=0 if rounded == int(rounded) else 1)


def _where(kind: str, stage: str, column: str) -> str:
    if stage == WHOLE:
        return _("for the whole municipality")
    place = stage_label(stage)
    place = place[:1].lower() + place[1:]
    if kind == GROUP:
        group = str(TargetGroup(column).label)
        return _("for %(group)s in %(stage)s") % {"group": group[:1].lower() + group[1:], "stage": place}
    return _("in %(stage)s") % {"stage": place}


def reason_sentence(kind: str, stage: str, column: str, reasons: tuple[Reason, ...]) -> str:
    """One sentence: why the cell ranks where it does ("Lågt skattad (1 av 4) och ingen pågående insats i
    åk 7–9; 2 grannkommuner har insatser här.")."""
    where = _where(kind, stage, column)
    head, tail = [], []
    for reason in reasons:
        if reason.code == "gap":
            state = _("no ongoing initiative %(where)s") % {"where": where}
        elif reason.code == "fragile":
            state = _("only fragile initiatives %(where)s") % {"where": where}
        elif reason.code == "low_level":
            head.append(_("self-assessed low (%(level)s of 4)") % {"level": _level(reason.value)})
        elif reason.code == "middle_level":
            head.append(_("self-assessed %(level)s of 4") % {"level": _level(reason.value)})
        elif reason.code == "priority":
            head.append(_("a priority in the self-assessment"))
        elif reason.code == "off_track":
            head.append(_("the indicator “%(name)s” is off track") % {"name": reason.value})
        elif reason.code == "largest_drop":
            tail.append(_("the largest drop between stages (%(where)s)") % {"where": reason.value})
        elif reason.code == "funding_ending":
            tail.append(_("project money ends within a year"))
        elif reason.code == "person_dependent":
            tail.append(_("depends on one person"))
        elif reason.code == "under_represented":
            tail.append(_("a group under-represented in STEAM"))
        elif reason.code == "neighbours":
            tail.append(
                ngettext(
                    "one neighbouring municipality has initiatives here",
                    "%(n)d neighbouring municipalities have initiatives here",
                    reason.value,
                )
                % {"n": reason.value}
            )
    parts = [*head, state]
    first = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " " + _("and") + " " + parts[-1]
    return capfirst("; ".join([first, *tail])) + "."
