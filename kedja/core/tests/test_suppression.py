"""Small-number suppression as plain functions (docs/privacy.md, "Small-number suppression").

The property tests check the guarantee with an independent, exhaustive checker (`alternative_exists`): for
every hidden figure it searches for another table of non-negative whole numbers that agrees with every
published figure but gives the hidden one a different value. It knows nothing of the cycles the
implementation uses."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kedja.core.suppression import (
    COMPLEMENTARY,
    SMALL_BASE,
    SMALL_CELL,
    Rule,
    rule_from_settings,
    share,
    share_breakdown,
    suppress_breakdown,
    suppress_table,
)

RULE = Rule()


def texts(table):
    """The table as printed: one list per row (cells then total), then the total line."""
    lines = [[table.cells[r][c].text for c in table.cols] + [table.row_totals[r].text] for r in table.rows]
    return lines + [[table.col_totals[c].text for c in table.cols] + [table.grand_total.text]]


# --- The rule and its settings -----------------------------------------------------------------------------


def test_defaults_follow_the_national_practice():
    assert rule_from_settings() == Rule(min_base=10, approx_below=5)


def test_rule_is_read_from_settings(settings):
    settings.KEDJA_SUPPRESSION = {"min_base": 15}
    assert rule_from_settings() == Rule(min_base=15, approx_below=5)
    settings.KEDJA_SUPPRESSION = {"min_base": 3, "approx_below": 2}
    assert suppress_breakdown({"girls": 1, "boys": 2}, rule_from_settings()).total.text == "3"


@pytest.mark.parametrize(
    "configured",
    [{"min_base": 0}, {"approx_below": 11}, {"approx_below": 0}, {"minimum": 5}, {"min_base": "10"}],
)
def test_a_broken_setting_is_refused(settings, configured):
    settings.KEDJA_SUPPRESSION = configured
    with pytest.raises(ImproperlyConfigured):
        rule_from_settings()


def test_rule_is_frozen():
    with pytest.raises(AttributeError):
        RULE.min_base = 2


# --- Shares ------------------------------------------------------------------------------------------------


def test_share_from_9_people_is_hidden_from_10_shown():
    nine = share(6, 9, RULE)
    assert (nine.text, nine.value, nine.hidden, nine.reason) == ("..", None, True, SMALL_BASE)
    assert nine.alt == "fewer than 10 students"
    ten = share(5, 10, RULE)
    assert (ten.text, ten.value, ten.hidden, ten.alt) == ("50", 50, False, "50 per cent")


def test_share_with_1_to_4_outside_is_about_100():
    for count in (21, 22, 23, 24):
        s = share(count, 25, RULE)
        assert (s.text, s.value, s.hidden, s.reason) == ("~100", None, True, SMALL_CELL)
    assert "almost 100 per cent" in share(24, 25, RULE).alt
    assert share(20, 25, RULE).text == "80"  # 5 outside: shown
    assert share(25, 25, RULE).text == "100"  # nobody outside: nothing to protect


def test_share_with_1_to_4_inside_is_about_0():
    for count in (1, 2, 3, 4):
        assert share(count, 30, RULE).text == "~0"
    assert share(5, 30, RULE).text == "17"
    assert share(0, 30, RULE).text == "0"


def test_share_rounds_halves_up_and_refuses_nonsense():
    assert share(5, 40, RULE).text == "13"  # 12.5
    assert share(13, 200, RULE).text == "7"  # 6.5
    with pytest.raises(ValueError):
        share(11, 10, RULE)


# --- One-way breakdowns: the gender pair ------------------------------------------------------------------


def test_when_one_sex_is_hidden_the_other_is_too():
    pair = suppress_breakdown({"girls": 3, "boys": 12}, RULE)
    assert [s.text for s in pair.parts.values()] == ["..", ".."]
    assert pair.parts["girls"].reason == SMALL_CELL and pair.parts["boys"].reason == COMPLEMENTARY
    assert pair.total.text == "15"
    both = suppress_breakdown({"girls": 5, "boys": 12}, RULE)
    assert [s.text for s in both.parts.values()] == ["5", "12"]


def test_breakdown_from_fewer_than_10_is_hidden_whole():
    small = suppress_breakdown({"girls": 5, "boys": 4}, RULE)
    assert all(s.reason == SMALL_BASE for s in [*small.parts.values(), small.total])


def test_breakdown_without_a_total_needs_no_complement():
    pair = suppress_breakdown({"girls": 3, "boys": 12}, RULE, total=False)
    assert [s.text for s in pair.parts.values()] == ["..", "12"] and pair.total is None


def test_share_breakdown_hides_the_other_sex():
    # Girls: 20 of 22 at a level (2 outside); boys 15 of 30. Alone the girls' share would be "~100", but
    # with the total share (35 of 52) and the boys' figure public, the girls' two would follow.
    result = share_breakdown({"girls": (20, 22), "boys": (15, 30)}, RULE)
    assert [s.text for s in result.parts.values()] == ["..", ".."]
    assert result.parts["girls"].reason == SMALL_CELL
    assert result.total.text == "67"
    alone = share_breakdown({"girls": (20, 22), "boys": (15, 30)}, RULE, total=False)
    assert [s.text for s in alone.parts.values()] == ["~100", "50"] and alone.total is None
    fine = share_breakdown({"girls": (10, 22), "boys": (15, 30)}, RULE)
    assert [s.text for s in fine.parts.values()] == ["45", "50"] and fine.total.text == "48"


def test_share_breakdown_small_base_hides_both():
    result = share_breakdown({"girls": (5, 8), "boys": (15, 30)}, RULE)
    assert result.parts["girls"].reason == SMALL_BASE and result.parts["boys"].hidden


# --- Two-way tables, by hand -------------------------------------------------------------------------------


def test_cell_of_4_is_hidden_and_of_5_shown():
    t = suppress_table({"A": {"green": 20, "red": 4}, "B": {"green": 20, "red": 5}}, RULE, col_totals=False)
    assert texts_rows(t) == [["..", "..", "24"], ["20", "5", "25"]]
    assert t.cells["A"]["red"].reason == SMALL_CELL and t.cells["A"]["green"].reason == COMPLEMENTARY


def texts_rows(table):
    return [[table.cells[r][c].text for c in table.cols] + [table.row_totals[r].text] for r in table.rows]


def test_row_with_base_9_is_hidden_and_10_shown():
    nine = suppress_table({"A": {"green": 9}}, RULE)
    assert texts(nine) == [["..", ".."], ["..", ".."]]
    assert nine.cells["A"]["green"].alt == "fewer than 10 students"
    ten = suppress_table({"A": {"green": 5, "yellow": 5}}, RULE)
    assert texts(ten) == [["5", "5", "10"], ["5", "5", "10"]]


def test_zeros_are_shown_and_missing_columns_count_as_zero():
    t = suppress_table({"A": {"green": 12}, "B": {"green": 10, "red": 0}}, RULE)
    assert t.cols == ["green", "red"]
    assert texts(t) == [["12", "0", "12"], ["10", "0", "10"], ["22", "0", "22"]]


def test_a_three_by_four_table_worked_by_hand():
    # Levels per group:      green yellow orange red | total
    #   7A                      12      5      3   0 |    20
    #   7B                      15      6      5   0 |    26
    #   7C                      10      8      6   0 |    24
    #   total                   37     19     14   0 |    70
    # Primary: 7A's orange 3 is 1–4. Every row's total is published, so a second cell of 7A must go, and
    # the orange column's total is published, so a second orange cell must go; each of those in turn needs
    # a partner in its own line. The cheapest closed loop is the rectangle 7A/7B × yellow/orange
    # (5 + 6 + 5 hidden; via 7C it would be 5 + 8 + 6). Moving one student around it — 7A orange +1,
    # 7A yellow −1, 7B yellow +1, 7B orange −1 — keeps every total, so no hidden value can be worked out.
    rows = {
        "7A": {"green": 12, "yellow": 5, "orange": 3, "red": 0},
        "7B": {"green": 15, "yellow": 6, "orange": 5, "red": 0},
        "7C": {"green": 10, "yellow": 8, "orange": 6, "red": 0},
    }
    t = suppress_table(rows, RULE)
    assert texts(t) == [
        ["12", "..", "..", "0", "20"],
        ["15", "..", "..", "0", "26"],
        ["10", "8", "6", "0", "24"],
        ["37", "19", "14", "0", "70"],
    ]
    assert t.cells["7A"]["orange"].reason == SMALL_CELL
    assert {t.cells[r][c].reason for r in ("7A", "7B") for c in ("yellow", "orange")} - {SMALL_CELL} == {
        COMPLEMENTARY
    }
    assert all(s.value == rows[r][c] for r in rows for c, s in t.cells[r].items() if not s.hidden)
    assert_protected(rows, t)


def test_small_group_is_hidden_with_enough_around_it():
    # 7C has 8 students: its whole row goes. Its total could then be found from the grand total and the
    # other rows' totals, and its cells from the column totals, so cells of another row go too.
    rows = {
        "7A": {"green": 12, "yellow": 5, "orange": 5, "red": 0},
        "7B": {"green": 15, "yellow": 6, "orange": 5, "red": 0},
        "7C": {"green": 6, "yellow": 2, "orange": 0, "red": 0},
    }
    t = suppress_table(rows, RULE)
    assert (
        all(t.cells["7C"][c].reason == SMALL_BASE for c in t.cols) and t.row_totals["7C"].reason == SMALL_BASE
    )
    assert t.row_totals["7A"].hidden or t.row_totals["7B"].hidden or t.grand_total.hidden
    assert_protected(rows, t)


def test_small_column_total_is_hidden():
    t = suppress_table(
        {"A": {"green": 20, "red": 0}, "B": {"green": 20, "red": 0}, "C": {"green": 18, "red": 3}}, RULE
    )
    assert t.col_totals["red"].hidden and t.col_totals["red"].reason == SMALL_CELL


def test_small_grand_total_hides_everything():
    t = suppress_table({"A": {"green": 4}, "B": {"green": 4}}, RULE)
    assert all(
        s.reason == SMALL_BASE
        for line in [t.cells["A"], t.cells["B"], t.row_totals, t.col_totals]
        for s in line.values()
    )
    assert t.grand_total.reason == SMALL_BASE


def test_margins_can_be_left_out():
    t = suppress_table({"A": {"green": 20, "red": 3}}, RULE, row_totals=False, col_totals=False)
    assert t.row_totals == {} and t.col_totals == {} and t.grand_total is None
    assert [s.text for s in t.cells["A"].values()] == ["20", ".."]  # nothing published to subtract from


# --- Properties over random small tables ------------------------------------------------------------------


def alternative_exists(counts, published, target) -> bool:
    """Is there a table of non-negative whole numbers that agrees with every published figure but gives
    `target` a different value than `counts` does?

    Exact, by network flow rather than by the cycles the implementation uses: a table is a flow from a
    source through one node per row, along the row's hidden cells, to one node per column and a sink, with
    the grand total flowing back from sink to source. A published total fixes its arc's flow; the target's
    arc (a cell, a row's, a column's or the grand total) is bounded to at most true − 1, then at least
    true + 1. Flows with bounds are feasible exactly when the classic reduction to one maximum flow
    saturates every lower bound, and then an integer flow — an integer table — exists.

    counts: list of rows of ints; published: {"cells": {(i, j): v}, "rows": {i: total}, "cols": {j: total},
    "grand": total or None}; target: ("cell", i, j) | ("row", i) | ("col", j) | ("grand",)."""
    true_value = _target_value(counts, target)
    return any(
        _feasible(counts, published, target, low, high)
        for low, high in ((0, true_value - 1), (true_value + 1, None))
        if high is None or high >= 0
    )


def _feasible(counts, published, target, target_low, target_high) -> bool:
    R, K = len(counts), len(counts[0])
    big = 4 * (sum(map(sum, counts)) + 2)  # more room than any figure in an alternative table needs
    source, sink = "s", "t"
    arcs = []  # (from, to, low, high)
    row_rem = {
        i: t - sum(v for (a, _b), v in published["cells"].items() if a == i)
        for i, t in published["rows"].items()
    }
    col_rem = {
        j: t - sum(v for (_a, b), v in published["cells"].items() if b == j)
        for j, t in published["cols"].items()
    }
    shown_sum = sum(published["cells"].values())

    def bounds(kind_target, exact):
        if target == kind_target:
            return target_low, big if target_high is None else target_high
        return (exact, exact) if exact is not None else (0, big)

    for i in range(R):
        for j in range(K):
            if (i, j) not in published["cells"]:
                arcs.append((("r", i), ("c", j), *bounds(("cell", i, j), None)))
    for i in range(R):
        low, high = bounds(("row", i), None if i not in row_rem else row_rem[i])
        if target == ("row", i):  # the row's published cells count towards its total
            shown = sum(v for (a, _b), v in published["cells"].items() if a == i)
            low, high = max(0, low - shown), high - shown
        arcs.append((source, ("r", i), low, high))
    for j in range(K):
        low, high = bounds(("col", j), None if j not in col_rem else col_rem[j])
        if target == ("col", j):
            shown = sum(v for (_a, b), v in published["cells"].items() if b == j)
            low, high = max(0, low - shown), high - shown
        arcs.append((("c", j), sink, low, high))
    grand = None if published["grand"] is None else published["grand"] - shown_sum
    low, high = bounds(("grand",), grand)
    if target == ("grand",):
        low, high = max(0, low - shown_sum), high - shown_sum
    arcs.append((sink, source, low, high))
    if any(low > high or high < 0 for _u, _v, low, high in arcs):
        return False
    return _bounded_flow_feasible(arcs)


def _bounded_flow_feasible(arcs) -> bool:
    """A circulation meeting every arc's [low, high] exists iff, after sending each low up front and
    letting a super source and sink settle the imbalances, a maximum flow saturates the super source."""
    capacity: dict = {}
    excess: dict = {}
    for u, v, low, high in arcs:
        capacity[(u, v)] = capacity.get((u, v), 0) + high - low
        capacity.setdefault((v, u), 0)
        excess[v] = excess.get(v, 0) + low
        excess[u] = excess.get(u, 0) - low
    need = 0
    for node, e in excess.items():
        if e > 0:
            capacity[("S*", node)] = e
            capacity.setdefault((node, "S*"), 0)
            need += e
        elif e < 0:
            capacity[(node, "T*")] = -e
            capacity.setdefault(("T*", node), 0)
    neighbours: dict = {}
    for u, v in capacity:
        neighbours.setdefault(u, []).append(v)
    flow = 0
    while True:  # Edmonds–Karp: shortest augmenting paths
        parent = {"S*": None}
        queue = ["S*"]
        for u in queue:
            for v in neighbours.get(u, []):
                if v not in parent and capacity[(u, v)] > 0:
                    parent[v] = u
                    queue.append(v)
        if "T*" not in parent:
            return flow == need
        path, v = [], "T*"
        while parent[v] is not None:
            path.append((parent[v], v))
            v = parent[v]
        push = min(capacity[arc] for arc in path)
        for u, v in path:
            capacity[(u, v)] -= push
            capacity[(v, u)] += push
        flow += push


def _target_value(counts, target):
    if target[0] == "cell":
        return counts[target[1]][target[2]]
    if target[0] == "row":
        return sum(counts[target[1]])
    if target[0] == "col":
        return sum(row[target[1]] for row in counts)
    return sum(map(sum, counts))


def _published(rows, table):
    keys, cols = table.rows, table.cols
    return {
        "cells": {
            (i, j): table.cells[r][c].value
            for i, r in enumerate(keys)
            for j, c in enumerate(cols)
            if not table.cells[r][c].hidden
        },
        "rows": {
            i: table.row_totals[r].value
            for i, r in enumerate(keys)
            if r in table.row_totals and not table.row_totals[r].hidden
        },
        "cols": {
            j: table.col_totals[c].value
            for j, c in enumerate(cols)
            if c in table.col_totals and not table.col_totals[c].hidden
        },
        "grand": table.grand_total.value if table.grand_total and not table.grand_total.hidden else None,
    }


def hidden_figures(table):
    for i, r in enumerate(table.rows):
        for j, c in enumerate(table.cols):
            if table.cells[r][c].hidden:
                yield ("cell", i, j)
        if r in table.row_totals and table.row_totals[r].hidden:
            yield ("row", i)
    for j, c in enumerate(table.cols):
        if c in table.col_totals and table.col_totals[c].hidden:
            yield ("col", j)
    if table.grand_total is not None and table.grand_total.hidden:
        yield ("grand",)


def assert_protected(rows, table):
    counts = [[rows[r].get(c, 0) for c in table.cols] for r in table.rows]
    published = _published(rows, table)
    for target in hidden_figures(table):
        assert alternative_exists(counts, published, target), f"{target} can be worked out from {published}"


@st.composite
def tables(draw):
    n_rows = draw(st.integers(1, 5))
    n_cols = draw(st.integers(1, 4))
    # Mostly small counts, so that primary and complementary suppression both happen often.
    count = st.one_of(st.integers(0, 6), st.integers(0, 40))
    rows = {f"r{i}": {f"c{j}": draw(count) for j in range(n_cols)} for i in range(n_rows)}
    return rows, draw(st.booleans()), draw(st.booleans())


PROPERTY = hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GUARANTEE = hsettings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_primary(rows, table, rule):
    grand = sum(sum(row.values()) for row in rows.values())
    for r, row in rows.items():
        base = sum(row.values())
        small_base = 0 < base < rule.min_base or 0 < grand < rule.min_base
        for c, v in row.items():
            shown = table.cells[r][c]
            if small_base or 0 < v < rule.approx_below:
                assert shown.hidden and shown.reason in (SMALL_BASE, SMALL_CELL), (r, c)
        if r in table.row_totals and (small_base or 0 < base < rule.approx_below):
            assert table.row_totals[r].hidden and table.row_totals[r].reason in (SMALL_BASE, SMALL_CELL)
    for c, shown in table.col_totals.items():
        total = sum(row[c] for row in rows.values())
        if 0 < total < rule.approx_below or 0 < grand < rule.min_base:
            assert shown.hidden and shown.reason in (SMALL_BASE, SMALL_CELL)
    if table.grand_total is not None and 0 < grand < rule.min_base:
        assert table.grand_total.hidden


def _check_values(rows, table):
    every = [(table.cells[r][c], v) for r, row in rows.items() for c, v in row.items()]
    every += [(table.row_totals[r], sum(row.values())) for r, row in rows.items() if r in table.row_totals]
    every += [(s, sum(row[c] for row in rows.values())) for c, s in table.col_totals.items()]
    if table.grand_total is not None:
        every.append((table.grand_total, sum(sum(row.values()) for row in rows.values())))
    for shown, true in every:
        if shown.hidden:
            assert (shown.value, shown.text) == (None, "..") and shown.reason is not None
        else:
            assert shown.value == true and shown.text == str(true) and shown.reason is None


@PROPERTY
@given(tables())
def test_every_figure_breaking_the_primary_rule_is_hidden(drawn):
    rows, row_totals, col_totals = drawn
    table = suppress_table(rows, RULE, row_totals=row_totals, col_totals=col_totals)
    _check_primary(rows, table, RULE)


@GUARANTEE
@given(tables())
def test_no_hidden_figure_can_be_worked_out(drawn):
    rows, row_totals, col_totals = drawn
    table = suppress_table(rows, RULE, row_totals=row_totals, col_totals=col_totals)
    assert_protected(rows, table)


@GUARANTEE
@given(tables(), st.integers(2, 12), st.integers(1, 6))
def test_guarantee_holds_for_other_rules(drawn, min_base, approx_below):
    rows, row_totals, col_totals = drawn
    rule = Rule(min_base=min_base, approx_below=min(approx_below, min_base))
    table = suppress_table(rows, rule, row_totals=row_totals, col_totals=col_totals)
    _check_primary(rows, table, rule)
    _check_values(rows, table)
    assert_protected(rows, table)


@PROPERTY
@given(tables())
def test_shown_figures_are_the_true_counts(drawn):
    rows, row_totals, col_totals = drawn
    _check_values(rows, suppress_table(rows, RULE, row_totals=row_totals, col_totals=col_totals))


@PROPERTY
@given(tables())
def test_suppression_is_deterministic(drawn):
    rows, row_totals, col_totals = drawn
    first = suppress_table(rows, RULE, row_totals=row_totals, col_totals=col_totals)
    copy = {r: dict(row) for r, row in rows.items()}
    assert suppress_table(copy, RULE, row_totals=row_totals, col_totals=col_totals) == first


@PROPERTY
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=2, max_size=4))
def test_a_withheld_share_never_stands_alone_beside_a_total(parts):
    data = {f"p{i}": (inside, inside + outside) for i, (inside, outside) in enumerate(parts)}
    result = share_breakdown(data, RULE)
    withheld = [
        k for k, s in result.parts.items() if s.hidden and data[k][1] > 0
    ]  # an empty part hides nothing
    if not result.total.hidden:
        assert len(withheld) != 1
    for key, shown in result.parts.items():
        if not shown.hidden:
            assert shown == share(*data[key], RULE)


@PROPERTY
@given(st.dictionaries(st.sampled_from(["girls", "boys", "other"]), st.integers(0, 30), min_size=2))
def test_breakdown_is_protected(counts):
    result = suppress_breakdown(counts, RULE)
    hidden = [k for k, s in result.parts.items() if s.hidden]
    assert len(hidden) != 1 or result.total.hidden
    table = suppress_table({"all": counts}, RULE, col_totals=False, grand_total=False)
    assert table.cells["all"] == result.parts
    assert_protected({"all": counts}, table)


def test_checker_finds_a_figure_that_can_be_worked_out():
    # The checker itself: hiding only 7A's orange 3 leaves it equal to 20 − 12 − 5 − 0.
    counts = [[12, 5, 3, 0], [15, 6, 5, 0]]
    published = {
        "cells": {(i, j): counts[i][j] for i in range(2) for j in range(4) if (i, j) != (0, 2)},
        "rows": {0: 20, 1: 26},
        "cols": {},
        "grand": None,
    }
    assert not alternative_exists(counts, published, ("cell", 0, 2))
    published["cells"].pop((0, 1))  # hide 7A's yellow too: now 3 + 5 could be 4 + 4
    assert alternative_exists(counts, published, ("cell", 0, 2))
    published["cols"] = {1: 11, 2: 8}  # ...but not once the columns' totals pin them
    assert not alternative_exists(counts, published, ("cell", 0, 2))
