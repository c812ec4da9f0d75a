"""The gap analysis, "glapp i kedjan" (DOMAIN.md §3). Plain functions over plain values.

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
class RankedGap:
    stage: str
    column: str
    kind: str  # "area" or "group"
    state: State
    score: int


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
    out = []
    for kind, matrix in (("area", area_matrix), ("group", group_matrix)):
        for (stage, column), cell in matrix.items():
            state = cell.state
            if state == State.COVERED:
                continue
            score = 3 if state == State.GAP else 1
            if kind == "area" and column in priority_areas:
                score += 2
            if kind == "group" and column in under_represented:
                score += 1
            out.append(RankedGap(stage, column, kind, state, score))
    stage_order = {s: i for i, s in enumerate(stages)}
    column_order = {("area", c): i for i, c in enumerate(areas)} | {
        ("group", c): len(areas) + i for i, c in enumerate(groups)
    }
    return sorted(out, key=lambda g: (-g.score, stage_order[g.stage], column_order[(g.kind, g.column)]))


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
