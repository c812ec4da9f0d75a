"""The gap rules as plain functions (kedja/initiatives/gaps.py, docs/gap-analysis.md): cell states,
ranking and the region's rows — no database."""

from kedja.initiatives.gaps import CellSummary, State, build_matrix, cell_state, rank_gaps, region_rows
from kedja.initiatives.models import UNDER_REPRESENTED, Stage, TargetGroup

STAGES = list(Stage.values)
GROUPS = list(TargetGroup.values)


def test_a_cell_with_one_fragile_and_one_robust_initiative_is_covered():
    matrix = build_matrix([("f3", "1", 1, False), ("f3", "1", 2, True)], rows=STAGES, columns=["1"])
    cell = matrix[("f3", "1")]
    assert (cell.count, cell.robust, cell.state) == (2, 1, State.COVERED)


def test_a_cell_with_only_fragile_initiatives_is_fragile():
    matrix = build_matrix([("f3", "1", 1, False), ("f3", "1", 2, False)], rows=STAGES, columns=["1"])
    assert matrix[("f3", "1")].state == State.FRAGILE
    assert matrix[("f3", "1")].count == 2


def test_a_cell_without_initiatives_is_a_gap_and_every_cell_is_present():
    matrix = build_matrix([], rows=STAGES, columns=["1", "2"])
    assert len(matrix) == len(STAGES) * 2
    assert {cell.state for cell in matrix.values()} == {State.GAP}
    assert (
        cell_state(0, 0) == State.GAP
        and cell_state(3, 0) == State.FRAGILE
        and cell_state(1, 1) == State.COVERED
    )


def test_an_initiative_spanning_all_stages_covers_every_stage_row():
    facts = [(stage, "2", 7, True) for stage in STAGES]
    matrix = build_matrix(facts, rows=STAGES, columns=["1", "2"])
    assert all(matrix[(stage, "2")].state == State.COVERED for stage in STAGES)
    assert all(matrix[(stage, "1")].state == State.GAP for stage in STAGES)


def test_an_initiative_is_counted_once_per_cell_and_unknown_cells_are_ignored():
    facts = [("f3", "1", 1, True), ("f3", "1", 1, True), ("f3", "9", 2, True), ("moon", "1", 3, True)]
    matrix = build_matrix(facts, rows=STAGES, columns=["1"])
    assert matrix[("f3", "1")].count == 1 and matrix[("f3", "1")].initiative_ids == [1]
    assert ("f3", "9") not in matrix and ("moon", "1") not in matrix


def _rank(area_facts=(), group_facts=(), *, areas=("1", "2"), priority_areas=(), under_represented=()):
    areas = list(areas)
    return rank_gaps(
        build_matrix(area_facts, rows=STAGES, columns=areas),
        build_matrix(group_facts, rows=STAGES, columns=GROUPS),
        stages=STAGES,
        areas=areas,
        groups=GROUPS,
        priority_areas=set(priority_areas),
        under_represented=set(under_represented),
    )


def test_ranking_puts_gaps_before_fragile_cells_and_leaves_covered_ones_out():
    covered_everywhere = [(s, g, 100, True) for s in STAGES for g in GROUPS]
    area_facts = [(s, a, 1, True) for s in STAGES for a in ("1", "2")]
    area_facts = [f for f in area_facts if f[:2] not in {("y7_9", "1"), ("f3", "2")}]
    area_facts.append(("f3", "2", 2, False))  # fragile
    ranked = _rank(area_facts, covered_everywhere)
    assert [(g.stage, g.column, g.state, g.score) for g in ranked] == [
        ("y7_9", "1", State.GAP, 3),
        ("f3", "2", State.FRAGILE, 1),
    ]


def test_ranking_lifts_priority_areas_and_under_represented_groups():
    covered_groups = [
        (s, g, 100, True) for s in STAGES for g in GROUPS if g not in ("girls_women", "boys_men")
    ]
    ranked = _rank(
        [],
        covered_groups,
        priority_areas={"2"},
        under_represented=UNDER_REPRESENTED,
    )
    top = [(g.kind, g.stage, g.column, g.score) for g in ranked[:3]]
    # a gap in a priority area scores 3 + 2, first along the chain
    assert top == [("area", "preschool", "2", 5), ("area", "f3", "2", 5), ("area", "y4_6", "2", 5)]
    scores = {(g.kind, g.stage, g.column): g.score for g in ranked}
    assert scores[("group", "preschool", "girls_women")] == 4  # under-represented: 3 + 1
    assert scores[("group", "preschool", "boys_men")] == 3  # not under-represented
    assert scores[("area", "preschool", "1")] == 3
    # ties: along the chain first, then areas before groups
    fours = [(g.stage, g.column) for g in ranked if g.score == 4]
    assert fours == [(s, "girls_women") for s in STAGES]
    threes = [(g.stage, g.column) for g in ranked if g.score == 3][:3]
    assert threes == [("preschool", "1"), ("preschool", "boys_men"), ("f3", "1")]


def test_region_rows_has_every_municipality_and_stage_and_adds_grouped_counts():
    rows = region_rows(
        [(1, "f3", 3, 1), (1, "y4_6", 2, 0), (2, "f3", 1, 0), (99, "f3", 5, 5), (1, "moon", 1, 1)],
        municipalities=[1, 2, 3],
        stages=STAGES,
    )
    assert set(rows) == {1, 2, 3}
    assert all(set(r) == set(STAGES) for r in rows.values())
    assert (rows[1]["f3"].count, rows[1]["f3"].robust, rows[1]["f3"].state) == (3, 1, State.COVERED)
    assert rows[1]["y4_6"].state == State.FRAGILE
    assert rows[2]["f3"].state == State.FRAGILE
    assert rows[3]["f3"] == CellSummary()
    assert rows[3]["f3"].state == State.GAP
