"""The gap analysis, "glapp i kedjan" (docs/gap-analysis.md). Plain functions over plain values.

A cell is a stage of the chain × a framework area (or × a target group). Its state:
- gap: no active initiative covers it;
- fragile: only initiatives that are not robust (project-funded or person-dependent);
- covered: at least one robust initiative.

Ranking (docs/gap-analysis.md): each gap or fragile cell gets a score, highest first —
  +3 for a gap, +1 for a fragile cell;
  +2 when the cell's framework area holds an item the municipality marked a priority in its latest round;
  +1 when the cell's target group is under-represented in STEAM (girls/women, no study tradition,
     newly arrived, neither working nor studying, disabilities);
ties are broken along the chain, left to right (earlier stages first), then by column order.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from kedja.frameworks.chain import WHOLE


class State(StrEnum):
    GAP = "gap"
    FRAGILE = "fragile"
    COVERED = "covered"


@dataclass
class CellSummary:
    count: int = 0
    robust: int = 0
    initiative_ids: list[int] = field(default_factory=list)

    @property
    def state(self) -> State:
        return cell_state(self.count, self.robust)


def cell_state(count: int, robust: int) -> State:
    if count == 0:
        return State.GAP
    return State.COVERED if robust > 0 else State.FRAGILE


def build_matrix(
    facts: Iterable[tuple[str, str, int, bool]], *, rows: list[str], columns: list[str]
) -> dict[tuple[str, str], CellSummary]:
    """`facts`: (stage, column, initiative id, robust) — one per initiative and cell it covers.
    Every (row, column) is present in the result, empty cells as gaps."""
    matrix = {(r, c): CellSummary() for r in rows for c in columns}
    seen: set[tuple[str, str, int]] = set()
    for stage, column, initiative_id, robust in facts:
        key = (stage, column)
        if key not in matrix or (stage, column, initiative_id) in seen:
            continue
        seen.add((stage, column, initiative_id))
        cell = matrix[key]
        cell.count += 1
        cell.robust += int(bool(robust))
        cell.initiative_ids.append(initiative_id)
    return matrix


@dataclass(frozen=True)
class Signal:
    """Something the municipality already knows that makes some cells more urgent: an indicator off track,
    the largest drop between stages of the transitions view. It touches the cells of `area` (any stage) or
    of `group`, at `stage` (any stage when None); with neither area nor group, every cell at `stage`."""

    kind: str  # OFF_TRACK or LARGEST_DROP
    label: str
    area: str | None = None
    group: str | None = None
    stage: str | None = None

    def touches(self, kind: str, stage: str, column: str) -> bool:
        if self.area is not None and not (kind == "area" and column == self.area):
            return False
        if self.group is not None and not (kind == "group" and column == self.group):
            return False
        # a municipality-wide cell holds its area at every stage: a signal on that area at any stage touches it
        return self.stage is None or self.stage == stage or (stage == WHOLE and self.area is not None)


OFF_TRACK, LARGEST_DROP = "off_track", "largest_drop"


@dataclass(frozen=True)
class Evidence:
    """What ranks one cell (docs/gap-analysis.md, "Ranking the gaps"). Plain values, gathered by
    gap_report; `level` is the area's self-assessed level (median of its items, 0–4) or None."""

    state: State
    level: float | None = None
    priority: bool = False
    under_represented: bool = False
    funding_ending: int = 0  # the cell's active initiatives on project money ending within a year
    person_dependent: int = 0  # ... that depend on one person
    neighbours: int = 0  # other municipalities of the region with a shared initiative in the cell
    signals: tuple[Signal, ...] = ()


LOW_LEVEL = 1.5  # at or below: "low" (+2)
MIDDLE_LEVEL = 2.5  # at or below: "partly in place" (+1)


@dataclass(frozen=True)
class Reason:
    """One part of why a cell ranks where it does; `points` it added, `code` and `value` for the sentence."""

    code: str
    points: int
    value: object = None


def reasons_for(evidence: Evidence) -> list[Reason]:
    """The rule, part by part. The score is the sum of the points."""
    out = [Reason("gap", 3) if evidence.state == State.GAP else Reason("fragile", 1)]
    if evidence.level is not None and evidence.level <= LOW_LEVEL:
        out.append(Reason("low_level", 2, evidence.level))
    elif evidence.level is not None and evidence.level <= MIDDLE_LEVEL:
        out.append(Reason("middle_level", 1, evidence.level))
    if evidence.priority:
        out.append(Reason("priority", 2))
    for signal in evidence.signals:
        if signal.kind == OFF_TRACK:
            out.append(Reason("off_track", 2, signal.label))
            break
    for signal in evidence.signals:
        if signal.kind == LARGEST_DROP:
            out.append(Reason("largest_drop", 1, signal.label))
            break
    if evidence.state == State.FRAGILE and evidence.funding_ending:
        out.append(Reason("funding_ending", 1, evidence.funding_ending))
    if evidence.state == State.FRAGILE and evidence.person_dependent:
        out.append(Reason("person_dependent", 1, evidence.person_dependent))
    if evidence.under_represented:
        out.append(Reason("under_represented", 1))
    if evidence.neighbours:
        out.append(Reason("neighbours", 1, evidence.neighbours))
    return out


@dataclass(frozen=True)
class RankedGap:
    stage: str
    column: str
    kind: str  # "area" or "group"
    state: State
    score: int
    reasons: tuple[Reason, ...] = ()


def rank_cells(
    evidence: dict[tuple[str, str, str], Evidence], *, stages: list[str], columns: list[tuple[str, str]]
) -> list[RankedGap]:
    """`evidence`: (kind, stage, column) -> Evidence for every gap or fragile cell that exists (covered cells
    and cells that do not exist are not asked). Highest score first; equal scores take one cell per area or
    target group in turn (so the top of the list is not one area repeated along the chain), each column's
    cells along the chain, left to right; `stages` may start with chain.WHOLE (municipality-wide cells)."""
    stage_order = {s: i for i, s in enumerate(stages)}
    column_order = {c: i for i, c in enumerate(columns)}
    ranked = []
    for (kind, stage, column), ev in evidence.items():
        if ev.state == State.COVERED:
            continue
        reasons = tuple(reasons_for(ev))
        ranked.append(RankedGap(stage, column, kind, ev.state, sum(r.points for r in reasons), reasons))
    ranked.sort(key=lambda g: (-g.score, column_order[(g.kind, g.column)], stage_order[g.stage]))
    out: list[RankedGap] = []
    by_score: dict[int, list[RankedGap]] = {}
    for gap in ranked:
        by_score.setdefault(gap.score, []).append(gap)
    for score in sorted(by_score, reverse=True):
        turn: dict[tuple[str, str], int] = {}
        keyed = []
        for gap in by_score[score]:  # already by column, then along the chain
            key = (gap.kind, gap.column)
            keyed.append((turn.get(key, 0), stage_order[gap.stage], column_order[key], gap))
            turn[key] = turn.get(key, 0) + 1
        out += [g for *_key, g in sorted(keyed, key=lambda k: k[:3])]
    return out


def rank_gaps(
    area_matrix: dict[tuple[str, str], CellSummary],
    group_matrix: dict[tuple[str, str], CellSummary],
    *,
    stages: list[str],
    areas: list[str],
    groups: list[str],
    priority_areas: set[str],
    under_represented: set[str],
) -> list[RankedGap]:
    """The matrices' cells ranked with what the matrices alone tell (state, priority area, target group)."""
    evidence = {}
    for kind, matrix in (("area", area_matrix), ("group", group_matrix)):
        for (stage, column), cell in matrix.items():
            evidence[(kind, stage, column)] = Evidence(
                cell.state,
                priority=kind == "area" and column in priority_areas,
                under_represented=kind == "group" and column in under_represented,
            )
    columns = [("area", a) for a in areas] + [("group", g) for g in groups]
    return rank_cells(evidence, stages=stages, columns=columns)


def region_rows(
    facts: Iterable[tuple[int, str, int, int]], *, municipalities: list[int], stages: list[str]
) -> dict[int, dict[str, CellSummary]]:
    """`facts`: (municipality id, stage, count, robust count) already grouped by the database.
    Returns municipality -> stage -> summary, every municipality and stage present."""
    rows: dict[int, dict[str, CellSummary]] = {m: {s: CellSummary() for s in stages} for m in municipalities}
    for municipality, stage, count, robust in facts:
        if municipality in rows and stage in rows[municipality]:
            cell = rows[municipality][stage]
            cell.count += count
            cell.robust += robust
    return rows
