"""counts.py counts in bulk (docs/followup.md, "Performance"): the bulk sums are Layout.row_sum's numbers
exactly and the tallies are those of counting each row by hand — for unit weights, whole weights, fractional
weights and rows holding a code the layout does not know."""

import random
from collections import Counter

import pytest

from kedja.followup.actions import ensure_scheme
from kedja.followup.counts import CountedRow, count_rows, decode_scores, row_totals
from kedja.followup.scheme import Layout
from kedja.organisations.factories import make_municipality

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # db: bulk sums in SQL


def _layout(weights: dict) -> Layout:
    version = ensure_scheme(make_municipality())
    for group in version.definition["groups"]:
        for column in group["columns"]:
            if column["code"] in weights:
                column["weight"] = weights[column["code"]]
    return Layout(version)


def _rows(layout: Layout, n: int = 300) -> list[dict]:
    rng = random.Random(5)
    codes = [c.code for c in layout.columns]
    # half the rows fully scored (a level), half with columns left unscored (not fully assessed)
    rows = [{c: rng.choice((0, 0, 1, 2, 3)) for c in codes if i % 2 or rng.random() < 0.9} for i in range(n)]
    rows[0] = {}
    rows[1] = {"gone_column": 3, codes[0]: 2}  # a code from an older layout does not count
    return rows


def _by_hand(layout: Layout, rows: list[CountedRow]) -> Counter:
    counts: Counter = Counter()
    for row in rows:
        level = str(layout.row_level(row.scores).value)
        counts[("all", "", level)] += 1
        counts[("gender", row.gender, level)] += 1
        counts[("group", row.group, level)] += 1
        for column in layout.subjects:
            if column.code in row.scores:
                counts[("subject", column.code, str(row.scores[column.code]))] += 1
    return counts


@pytest.mark.parametrize("weights", [{}, {"friends": 2, "maths": 3}, {"friends": 1.5, "medical": 0.3}])
def test_bulk_sums_and_counts_agree_with_counting_row_by_row(weights):
    layout = _layout(weights)
    scores = _rows(layout)
    assert row_totals(layout, scores) == [layout.row_sum(s) for s in scores]
    rng = random.Random(8)
    rows = [CountedRow(s, rng.choice(["girl", "boy", "other"]), rng.choice(["7A", "7B", ""])) for s in scores]
    counted = count_rows(layout, rows)
    assert counted == _by_hand(layout, rows)
    assert sum(n for (dimension, _k, _c), n in counted.items() if dimension == "all") == len(rows)
    assert 100 < counted[("all", "", "unassessed")] < len(rows)


def test_scores_are_decoded_in_one_go():
    assert decode_scores(['{"a": 1}', None, "{}"]) == [{"a": 1}, {}, {}]
