"""How a round's answers become a result (docs/domain.md, "Frameworks and self-assessment"). Plain functions
over plain values first; the database-facing `round_result` only gathers values and calls them.

- Per item: the median level across respondents who gave one ("don't know" is counted, not averaged),
  the lowest and highest level, and the spread (highest − lowest). A spread of 2 or more is a finding:
  the respondents see the municipality differently (DISAGREEMENT_SPREAD).
- Per area: the median of its items' medians.
- The region's distribution of area levels is shown only when at least `threshold` municipalities shared
  (KEDJA_SUPPRESSION_THRESHOLD, default 10: docs/privacy.md), and never names a municipality.
"""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from kedja.frameworks.models import Node

from .models import Answer, Round

DISAGREEMENT_SPREAD = 2


@dataclass(frozen=True)
class ItemStat:
    n: int  # respondents who gave a level
    dont_know: int
    median: float | None
    low: int | None
    high: int | None
    counts: tuple[int, int, int, int, int]

    @property
    def spread(self) -> int | None:
        return None if self.low is None else self.high - self.low

    @property
    def disagreement(self) -> bool:
        return self.spread is not None and self.spread >= DISAGREEMENT_SPREAD


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def item_stat(levels: list[int | None], *, dont_know: int = 0) -> ItemStat:
    """`levels`: one per respondent who answered the item with a level (None entries are ignored)."""
    given = [level for level in levels if level is not None]
    if any(not 0 <= level <= 4 for level in given):
        raise ValueError("levels are 0–4")
    counts = Counter(given)
    return ItemStat(
        n=len(given),
        dont_know=dont_know,
        median=median(given),
        low=min(given) if given else None,
        high=max(given) if given else None,
        counts=tuple(counts.get(i, 0) for i in range(5)),
    )


def area_level(item_medians: list[float | None]) -> float | None:
    return median([m for m in item_medians if m is not None])


@dataclass(frozen=True)
class Distribution:
    """How many municipalities of a region sit at each level (rounded) for one area."""

    suppressed: bool
    n: int
    counts: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
    median: float | None = None


def region_distribution(levels: list[float], *, threshold: int | None = None) -> Distribution:
    """`levels`: one area level per municipality that shared. Suppressed below the threshold."""
    threshold = settings.KEDJA_SUPPRESSION_THRESHOLD if threshold is None else threshold
    if len(levels) < threshold:
        return Distribution(suppressed=True, n=len(levels))
    rounded = Counter(min(4, max(0, int(level + 0.5))) for level in levels)
    return Distribution(
        suppressed=False,
        n=len(levels),
        counts=tuple(rounded.get(i, 0) for i in range(5)),
        median=median(levels),
    )


# --- gathering from the database --------------------------------------------------------------------


@dataclass
class ItemResult:
    node: object
    stat: ItemStat
    answers: list = field(default_factory=list)
    previous: dict = field(default_factory=dict)  # round id -> median


@dataclass
class AreaResult:
    node: object
    level: float | None
    items: list[ItemResult]
    disagreements: int = 0
    region: Distribution | None = None


@dataclass
class RoundResult:
    round: object
    areas: list[AreaResult]
    respondents: int
    answered: int
    previous_rounds: list = field(default_factory=list)
    progress: dict = field(default_factory=dict)  # area code -> [(round, level)]

    def items(self):
        return [item for area in self.areas for item in area.items]


def answers_by_item(round_) -> dict[int, list]:
    out: dict[int, list] = defaultdict(list)
    for answer in (
        Answer.objects.filter(respondent__round=round_)
        .select_related("respondent__user")
        .prefetch_related("files")
        .order_by("node__position", "respondent__group")
    ):
        out[answer.node_id].append(answer)
    return out


def area_levels_for_rounds(rounds) -> dict[int, dict[str, float | None]]:
    """Round id -> {area code: level} for many rounds at once, in two queries (used for progress and
    the region's view, where a round's full result is not needed). Same rules as round_result."""
    rounds = list(rounds)
    if not rounds:
        return {}
    version_ids = {r.framework_version_id for r in rounds}
    item_area = dict(
        (pk, code.split(".")[0])
        for pk, code in Node.objects.filter(
            framework_version_id__in=version_ids, kind=Node.Kind.ITEM
        ).values_list("pk", "code")
    )
    areas_of_version: dict[int, list[str]] = defaultdict(list)
    for version_id, code in (
        Node.objects.filter(framework_version_id__in=version_ids, parent=None)
        .order_by("position")
        .values_list("framework_version_id", "code")
    ):
        areas_of_version[version_id].append(code)
    levels: dict[tuple[int, int], list[int]] = defaultdict(list)
    for round_id, node_id, level in Answer.objects.filter(
        respondent__round__in=[r.pk for r in rounds], level__isnull=False
    ).values_list("respondent__round_id", "node_id", "level"):
        levels[(round_id, node_id)].append(level)
    medians: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for (round_id, node_id), given in levels.items():
        medians[round_id][item_area[node_id]].append(median(given))
    return {
        r.pk: {
            code: area_level(medians[r.pk].get(code, [])) for code in areas_of_version[r.framework_version_id]
        }
        for r in rounds
    }


def area_levels_by_code(round_) -> dict[str, float | None]:
    """Area code -> level for one round."""
    return area_levels_for_rounds([round_])[round_.pk]


def round_result(round_, *, with_history: bool = True, with_region: bool = True) -> RoundResult:
    version = round_.framework_version
    nodes = list(version.nodes.order_by("position"))
    by_item = answers_by_item(round_)
    areas: list[AreaResult] = []
    area_of: dict[int, AreaResult] = {}
    for node in nodes:
        if node.parent_id is None:
            area = AreaResult(node=node, level=None, items=[])
            areas.append(area)
            area_of[node.pk] = area
        else:
            area_of[node.pk] = area_of[node.parent_id]
        if node.kind == "item":
            answers = by_item.get(node.pk, [])
            stat = item_stat([a.level for a in answers], dont_know=sum(a.dont_know for a in answers))
            area_of[node.pk].items.append(ItemResult(node=node, stat=stat, answers=answers))
    for area in areas:
        area.level = area_level([i.stat.median for i in area.items])
        area.disagreements = sum(i.stat.disagreement for i in area.items)
    result = RoundResult(
        round=round_,
        areas=areas,
        respondents=round_.respondents.count(),
        answered=round_.respondents.filter(answers__isnull=False).distinct().count(),
    )
    if with_history:
        previous = list(
            Round.objects.filter(
                municipality=round_.municipality,
                framework_version__framework=version.framework,
                status=Round.Status.CLOSED,
                opened_at__lt=round_.opened_at,
            ).order_by("opened_at")
        )
        result.previous_rounds = previous
        earlier_levels = area_levels_for_rounds(previous)
        for earlier in previous:
            levels = earlier_levels[earlier.pk]
            for area in areas:
                result.progress.setdefault(area.node.code, []).append((earlier, levels.get(area.node.code)))
        for area in areas:
            result.progress.setdefault(area.node.code, []).append((round_, area.level))
    if with_region:
        region = round_.municipality.region()
        if region is not None:
            shared = region_area_levels(region, version.framework)
            for area in areas:
                area.region = region_distribution(
                    [
                        levels[area.node.code]
                        for levels in shared.values()
                        if levels.get(area.node.code) is not None
                    ]
                )
    return result


def region_area_levels(region, framework) -> dict:
    """Municipality -> {area code: level} from each municipality's latest closed, shared round of this
    framework. Only rounds the municipality chose to share are read."""
    latest: dict[int, object] = {}
    rounds = (
        Round.objects.filter(
            municipality__path__startswith=region.path,
            framework_version__framework=framework,
            status=Round.Status.CLOSED,
            shares_with_region=True,
        )
        .select_related("municipality", "framework_version")
        .order_by("opened_at")
    )
    for r in rounds:
        latest[r.municipality_id] = r
    levels = area_levels_for_rounds(latest.values())
    return {r.municipality: levels[r.pk] for r in latest.values()}
