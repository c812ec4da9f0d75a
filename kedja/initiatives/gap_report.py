"""Gathering the gap analysis (docs/gap-analysis.md): models.Cell facts read with a few
grouped queries, handed to the plain rules in gaps.py. No request and no access checks here — views fetch
the municipality or region through the access layer first, then call these functions.

- `municipality_report` — both matrices, the ranked gaps with suggestions (the municipality's page);
- `ranked_gaps` — the ranked gap list alone, for the action plan;
- gap_cell.py `cell_detail` — the initiatives behind one cell and what could close it;
- gap_region.py `region_report` — the region's municipalities × stages, from shared initiatives only.

The Excel files of both reports are in exports.py.

Only active initiatives count: a cell whose initiative ended before `today` covers nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils.translation import get_language, gettext_lazy, ngettext

from kedja.assessments.models import Priority, Round
from kedja.core.texts import pick
from kedja.frameworks.chain import WHOLE, stage_label
from kedja.frameworks.models import Framework, FrameworkVersion, Node
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from . import gap_evidence
from .gaps import CellSummary, Evidence, RankedGap, State, build_matrix, rank_cells
from .models import UNDER_REPRESENTED, Cell, Sharing, Stage, TargetGroup

EXAMPLES_PER_GAP = 5
EXAMPLES_PER_CELL = 25
AREA, GROUP = "area", "group"

STATE_LABELS = {
    State.GAP: gettext_lazy("Gap"),
    State.FRAGILE: gettext_lazy("Fragile"),
    State.COVERED: gettext_lazy("Covered"),
}
RISK_LABELS = {
    "person_dependent": gettext_lazy("Person-dependent"),
    "funding_ending": gettext_lazy("Project funding ends within a year"),
    "no_evidence": gettext_lazy("No evidence base"),
    "no_follow_up": gettext_lazy("No follow-up"),
}


def active(today: date) -> Q:
    """Cells of initiatives still running on `today` (risks.is_active as a filter: no end date, or ending
    today or later)."""
    return Q(ends__isnull=True) | Q(ends__gte=today)


def count_text(count: int, robust: int) -> str:
    """What a cell writes: "0", or "3 (1 robust)"."""
    return "0" if count == 0 else _count_text(get_language(), count, robust)


@lru_cache(maxsize=2048)
def _count_text(language: str, count: int, robust: int) -> str:
    # Cached per language: a region's matrix writes hundreds of cells with few distinct figures.
    return ngettext("%(count)s (%(robust)s robust)", "%(count)s (%(robust)s robust)", robust) % {
        "count": count,
        "robust": robust,
    }


class Shown:
    """How a cell reads: its stage, row (area or target group), state and count as people read them.
    Needs `stage`, `state`, `count`, `robust`; and `kind`, `column`, `area` for `column_label`."""

    @property
    def stage_label(self) -> str:
        return stage_label(self.stage)

    @property
    def column_label(self) -> str:
        if self.kind == AREA:
            return f"{self.column} {pick(self.area.title)}" if self.area else self.column
        return str(TargetGroup(self.column).label)

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[State(self.state)])

    @property
    def count_text(self) -> str:
        return count_text(self.count, self.robust)


class FromSummary(Shown):
    """A cell whose figures are a gaps.CellSummary in `summary`."""

    @property
    def state(self) -> State:
        return self.summary.state

    @property
    def count(self) -> int:
        return self.summary.count

    @property
    def robust(self) -> int:
        return self.summary.robust


# --- suggestions and ranked gaps --------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """An initiative of another municipality in the region, shared with its other municipalities."""

    initiative_id: int
    name: str
    municipality: str
    robust: bool


@dataclass(frozen=True)
class Suggestions:
    items: tuple[Node, ...] = ()  # the framework items of the cell's area, priority items first
    priority_codes: frozenset[str] = frozenset()
    examples: tuple[Example, ...] = ()
    more_examples: int = 0  # examples beyond those listed


@dataclass(frozen=True)
class SuggestedGap(Shown, RankedGap):
    """A gaps.RankedGap with what the page, the export and the action plan need beside it."""

    rank: int = 0
    count: int = 0
    robust: int = 0
    area: Node | None = None  # the framework area of an area cell
    suggestions: Suggestions = field(default_factory=Suggestions)

    @property
    def reason_text(self) -> str:
        """Why it ranks where it does, in one sentence (gap_evidence.reason_sentence)."""
        return gap_evidence.reason_sentence(self.kind, self.stage, self.column, self.reasons)

    @property
    def whole(self) -> bool:
        return self.stage == WHOLE


# --- the matrices as the page draws them -------------------------------------------------------------


@dataclass
class MatrixCell(FromSummary):
    """One cell as drawn (the municipality's picture and tables, the region's table)."""

    stage: str
    summary: CellSummary
    query: str = ""  # the gap_cell URL's query string
    exists = True


@dataclass
class NoCell:
    """A stage where the area or target group does not apply: not a cell, never asked."""

    stage: str
    exists = False

    @property
    def stage_label(self) -> str:
        return stage_label(self.stage)


@dataclass
class MatrixRow:
    code: str
    label: str
    cells: list  # MatrixCell, or NoCell where the area or group is not at that stage

    @property
    def whole(self) -> bool:
        """A municipality-wide area: one cell for the whole municipality, not one per stage."""
        return len(self.cells) == 1 and self.cells[0].stage == WHOLE


@dataclass
class MatrixView:
    """A matrix as drawn: stages left to right as columns, areas (or target groups) as rows."""

    kind: str
    stages: list[tuple[str, str]]
    rows: list[MatrixRow]

    def counts(self) -> dict[str, int]:
        out = {state.value: 0 for state in State}
        for row in self.rows:
            for cell in row.cells:
                if cell.exists:
                    out[cell.state.value] += 1
        return out


def stage_columns() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in Stage.choices]


def matrix_view(
    matrix: dict[tuple[str, str], CellSummary],
    *,
    kind: str,
    framework: Framework,
    rows: list[tuple[str, str]],
) -> MatrixView:
    """The matrix as drawn: a row per area or group; a municipality-wide area's row is its one cell, any
    other row a cell per stage, None where the cell does not exist."""

    def cell(stage, code):
        if (stage, code) not in matrix:
            return NoCell(stage)
        query = urlencode({"framework": framework.pk, "stage": stage, kind: code})
        return MatrixCell(stage, matrix[(stage, code)], query)

    out = []
    for code, label in rows:
        if (WHOLE, code) in matrix:
            out.append(MatrixRow(code, label, [cell(WHOLE, code)]))
        else:
            out.append(MatrixRow(code, label, [cell(stage, code) for stage in Stage.values]))
    return MatrixView(kind, stage_columns(), out)


# --- gathering -------------------------------------------------------------------------------------


def cell_counts(municipality: Organisation, framework: Framework, *, today: date, whole: Iterable[str] = ()):
    """(area facts, group facts) of the municipality's active initiatives, grouped by the database:
    (stage, column, initiatives, robust initiatives) per cell — one query; and for the municipality-wide
    areas in `whole`, (chain.WHOLE, area, ...) counting each initiative once whatever its stages — one more."""
    rows = (
        Cell.objects.filter(municipality=municipality)
        .filter(active(today))
        .filter(Q(framework=framework) | Q(framework__isnull=True, area=""))
        .values_list("stage", "area", "target_group")
        .annotate(
            count=Count("initiative_id", distinct=True),
            robust_count=Count("initiative_id", filter=Q(robust=True), distinct=True),
        )
        .order_by()
    )
    area_facts, group_facts = [], []
    for stage, area, group, count, robust in rows:
        if area:
            area_facts.append((stage, area, count, robust))
        elif group:
            group_facts.append((stage, group, count, robust))
    whole = list(whole)
    if whole:
        area_facts += [
            (WHOLE, area, count, robust)
            for area, count, robust in Cell.objects.filter(
                municipality=municipality, framework=framework, area__in=whole
            )
            .filter(active(today))
            .values_list("area")
            .annotate(
                count=Count("initiative_id", distinct=True),
                robust_count=Count("initiative_id", filter=Q(robust=True), distinct=True),
            )
            .order_by()
        ]
    return area_facts, group_facts


def counted_matrix(
    facts, *, rows: list[str], columns: list[str], exists: dict[str, list[str]] | None = None
) -> dict[tuple[str, str], CellSummary]:
    """gaps.build_matrix's grid (every cell present, empty ones gaps) from counts the database grouped;
    with `exists` (column -> its stage keys, gap_evidence.existing_cells) only the cells that exist."""
    if exists is not None:
        matrix = {(stage, column): CellSummary() for column in columns for stage in exists.get(column, [])}
    else:
        matrix = build_matrix([], rows=rows, columns=columns)
    for stage, column, count, robust in facts:
        if (stage, column) in matrix:
            matrix[(stage, column)] = CellSummary(count=count, robust=robust)
    return matrix


def priority_round(municipality: Organisation, framework: Framework) -> Round | None:
    """The round whose priorities rank the gaps: the municipality's latest closed round of the framework
    (a round still open has not settled its result), or its latest round if none is closed yet."""
    rounds = Round.objects.filter(municipality=municipality, framework_version__framework=framework)
    closed = rounds.filter(status=Round.Status.CLOSED).order_by("-closed_at", "-opened_at").first()
    return closed or rounds.order_by("-opened_at").first()


def priority_codes(round_: Round | None) -> set[str]:
    if round_ is None:
        return set()
    return set(Priority.objects.filter(round=round_).values_list("node__code", flat=True))


def _region_cells(municipality: Organisation, framework: Framework, *, today: date):
    """Active cells of the OTHER municipalities of the same region, of initiatives they shared with
    "all" (the region and its other municipalities) — never "region"-only, never another region's.
    Reached through the initiatives' (municipality, sharing) index: shared-with-all is the selective part."""
    if not municipality.parent_id:
        return Cell.objects.none()
    neighbours = Organisation.objects.filter(
        parent_id=municipality.parent_id, kind=Kind.MUNICIPALITY, is_active=True
    ).exclude(pk=municipality.pk)
    return Cell.objects.filter(
        initiative__municipality_id__in=neighbours.values("pk"),
        initiative__sharing=Sharing.ALL,
        sharing=Sharing.ALL,
    ).filter(active(today))


def _cells_q(framework: Framework, cells: Iterable[tuple[str, str, str]]) -> Q:
    """A filter for exactly these (kind, stage, column) cells: one term per stage and kind (a
    municipality-wide area's cell: the area at any stage)."""
    by_stage: dict[tuple[str, str], list[str]] = {}
    for kind, stage, column in cells:
        by_stage.setdefault((kind, stage), []).append(column)
    q = Q(pk__in=[])
    for (kind, stage), columns in sorted(by_stage.items()):
        if kind == AREA and stage == WHOLE:
            q |= Q(framework=framework, area__in=columns)
        elif kind == AREA:
            q |= Q(framework=framework, stage=stage, area__in=columns)
        else:
            q |= Q(stage=stage, area="", target_group__in=columns)
    return q


def _nearness(municipality: Organisation):
    """An order for the region's cells: the nearest comparable municipality first (gap_evidence.nearest_first),
    as a database expression over the few municipalities of the region."""
    if not municipality.parent_id:
        return Value(0, output_field=IntegerField())
    neighbours = list(
        Organisation.objects.filter(
            parent_id=municipality.parent_id, kind=Kind.MUNICIPALITY, is_active=True
        ).exclude(pk=municipality.pk)
    )
    order = gap_evidence.nearest_first(municipality, neighbours)
    if not order:
        return Value(0, output_field=IntegerField())
    return Case(
        *[When(municipality_id=pk, then=Value(i)) for i, pk in enumerate(order)],
        default=Value(len(order)),
        output_field=IntegerField(),
    )


def region_examples(
    municipality: Organisation,
    framework: Framework,
    cells: Iterable[tuple[str, str, str]],
    *,
    today: date,
    limit: int = EXAMPLES_PER_GAP,
) -> dict[tuple[str, str, str], tuple[list[Example], int]]:
    """For the given (kind, stage, column) cells: (up to `limit` examples — the nearest comparable
    municipality's first, then robust ones, then by name — and how many there are in all). A constant
    number of queries, whatever the number of cells or municipalities."""
    cells = list(cells)
    if not cells:
        return {}
    nearness = _nearness(municipality)
    out: dict[tuple[str, str, str], tuple[list[Example], int]] = {}
    per_stage = [c for c in cells if c[1] != WHOLE]
    whole = sorted({c[2] for c in cells if c[1] == WHOLE})
    if per_stage:
        base = _region_cells(municipality, framework, today=today).filter(_cells_q(framework, per_stage))
        ranked = (
            base.annotate(
                near=nearness,
                row=Window(
                    RowNumber(),
                    partition_by=[F("stage"), F("area"), F("target_group")],
                    order_by=[
                        F("near").asc(),
                        F("robust").desc(),
                        F("initiative__name").asc(),
                        F("initiative_id").asc(),
                    ],
                ),
            )
            .filter(row__lte=limit)
            .values_list(
                "stage",
                "area",
                "target_group",
                "initiative_id",
                "initiative__name",
                "municipality__name",
                "robust",
            )
            .order_by("stage", "area", "target_group", "row")
        )
        for stage, area, group, initiative_id, name, municipality_name, robust in ranked:
            key = (AREA, stage, area) if area else (GROUP, stage, group)
            out.setdefault(key, ([], 0))[0].append(Example(initiative_id, name, municipality_name, robust))
        counts = base.values_list("stage", "area", "target_group").annotate(n=Count("initiative_id"))
        for stage, area, group, n in counts.order_by():
            key = (AREA, stage, area) if area else (GROUP, stage, group)
            if key in out:
                out[key] = (out[key][0], n)
    if whole:
        rows = (
            _region_cells(municipality, framework, today=today)
            .filter(framework=framework, area__in=whole)
            .annotate(near=nearness)
            .values_list("area", "initiative_id", "initiative__name", "municipality__name", "robust", "near")
            .distinct()
        )
        found: dict[str, dict[int, tuple]] = {}
        for area, pk, name, municipality_name, robust, near in rows:
            found.setdefault(area, {})[pk] = (near, not robust, name, pk, municipality_name, robust)
        for area, by_pk in found.items():
            listed = sorted(by_pk.values())
            out[(AREA, WHOLE, area)] = (
                [Example(pk, name, m, robust) for _n, _r, name, pk, m, robust in listed[:limit]],
                len(listed),
            )
    return out


def area_items(version: FrameworkVersion | None) -> dict[str, list[Node]]:
    """Area code -> the version's items in that area, in the framework's order."""
    out: dict[str, list[Node]] = {}
    if version is not None:
        for node in version.items():
            out.setdefault(node.area_code, []).append(node)
    return out


def suggested_items(items: list[Node], priorities: set[str]) -> tuple[Node, ...]:
    """An area's items with the municipality's priority items first, each group in framework order."""
    return tuple(sorted(items, key=lambda node: node.code not in priorities))


def cell_items(
    kind: str,
    stage: str,
    column: str,
    *,
    items: dict[str, list[Node]],
    applies: dict[str, object],
    priorities: set[str],
) -> tuple[Node, ...]:
    """The framework items that could close a cell, priority items first: of an area cell, the area's items
    that apply at its stage; of a target-group cell, the items that name that group (frameworks.chain)."""
    if kind == AREA:
        found = [
            n
            for n in items.get(column, [])
            if stage == WHOLE or applies.get(n.code) is None or applies[n.code].at_stage(stage)
        ]
    else:
        found = [
            n
            for area_items_ in items.values()
            for n in area_items_
            if (a := applies.get(n.code)) is not None
            and a.target_groups is not None
            and column in a.target_groups
            and (a.organisation or a.at_stage(stage))
        ]
    return suggested_items(found, priorities)


@dataclass
class GapReport:
    municipality: Organisation
    framework: Framework
    version: FrameworkVersion | None
    today: date
    areas: list[Node]
    area_view: MatrixView
    group_view: MatrixView
    gaps: list[SuggestedGap]
    priority_round: Round | None
    priority_codes: set[str]


def municipality_report(municipality: Organisation, framework: Framework, *, today: date) -> GapReport:
    """Everything the municipality's gap page shows. A constant number of queries: the framework's areas
    and items, the municipality's cells, its priority round, priorities and self-assessed levels, the
    fragile initiatives, the region's cells and examples, and what registered signal providers know."""
    version = framework.latest_published()
    areas = list(version.areas()) if version else []
    area_codes = [a.code for a in areas]
    stages, groups = list(Stage.values), list(TargetGroup.values)
    area_exists, group_exists = gap_evidence.existing_cells(version, areas)
    whole = {code for code, keys in area_exists.items() if keys == [WHOLE]}
    area_facts, group_facts = cell_counts(municipality, framework, today=today, whole=whole)
    area_matrix = counted_matrix(area_facts, rows=stages, columns=area_codes, exists=area_exists)
    group_matrix = counted_matrix(group_facts, rows=stages, columns=groups, exists=group_exists)
    round_ = priority_round(municipality, framework)
    priorities = priority_codes(round_)
    priority_areas = {code.split(".")[0] for code in priorities}
    levels = gap_evidence.area_levels(round_)
    fragile = gap_evidence.fragility(municipality, framework, today=today, whole=whole)
    neighbours = gap_evidence.neighbour_counts(
        _region_cells(municipality, framework, today=today), whole=whole
    )
    signals = gap_evidence.signals(municipality, framework, today=today)
    evidence = {}
    for kind, matrix in ((AREA, area_matrix), (GROUP, group_matrix)):
        for (stage, column), cell in matrix.items():
            key = (kind, stage, column)
            funding, person = fragile.get(key, (0, 0))
            evidence[key] = Evidence(
                cell.state,
                level=levels.get(column) if kind == AREA else None,
                priority=kind == AREA and column in priority_areas,
                under_represented=kind == GROUP and column in UNDER_REPRESENTED,
                funding_ending=funding,
                person_dependent=person,
                neighbours=neighbours.get(key, 0),
                signals=tuple(sig for sig in signals if sig.touches(kind, stage, column)),
            )
    columns = [(AREA, a) for a in area_codes] + [(GROUP, g) for g in groups]
    ranked = rank_cells(evidence, stages=[WHOLE, *stages], columns=columns)
    items = area_items(version)
    applies = gap_evidence.item_applies(version)
    examples = region_examples(
        municipality, framework, [(g.kind, g.stage, g.column) for g in ranked], today=today
    )
    by_code = {a.code: a for a in areas}
    suggested = []
    for rank, gap in enumerate(ranked, start=1):
        matrix = area_matrix if gap.kind == AREA else group_matrix
        cell = matrix[(gap.stage, gap.column)]
        found, total = examples.get((gap.kind, gap.stage, gap.column), ([], 0))
        suggested.append(
            SuggestedGap(
                gap.stage,
                gap.column,
                gap.kind,
                gap.state,
                gap.score,
                gap.reasons,
                rank=rank,
                count=cell.count,
                robust=cell.robust,
                area=by_code.get(gap.column) if gap.kind == AREA else None,
                suggestions=Suggestions(
                    items=cell_items(
                        gap.kind, gap.stage, gap.column, items=items, applies=applies, priorities=priorities
                    ),
                    priority_codes=frozenset(priorities),
                    examples=tuple(found),
                    more_examples=max(0, total - len(found)),
                ),
            )
        )
    group_rows = [(code, str(label)) for code, label in TargetGroup.choices]
    return GapReport(
        municipality=municipality,
        framework=framework,
        version=version,
        today=today,
        areas=areas,
        area_view=matrix_view(
            area_matrix,
            kind=AREA,
            framework=framework,
            rows=[(a.code, f"{a.code} {pick(a.title)}") for a in areas],
        ),
        group_view=matrix_view(group_matrix, kind=GROUP, framework=framework, rows=group_rows),
        gaps=suggested,
        priority_round=round_,
        priority_codes=priorities,
    )


def ranked_gaps(municipality: Organisation, framework: Framework, today: date) -> list[SuggestedGap]:
    """The municipality's gap and fragile cells, highest score first (gaps.rank_gaps), each with what could
    close it — for the action plan, which ties its actions to gaps (docs/gap-analysis.md, "For the action
    plan")."""
    return municipality_report(municipality, framework, today=today).gaps
