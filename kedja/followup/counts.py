"""Counting rows without naming anyone: students per level for the whole unit, per gender and per
group, and students per score for each subject column. The unit view, the retention's TermAggregate rows, the
overview above the unit (aggregates.py) and the benchmarks all count through `count_scores`, so a live
round, a deleted one's trend and the figures above the unit never disagree.

Fast by shape rather than by shortcut: the weighted sums are computed in bulk (`row_totals`, the same
numbers as scheme.Layout.row_sum), each distinct sum's level is looked up once, and the tallies are
collections.Counter over tuples — one pass, the inner loops in C."""

import json
from collections import Counter
from dataclasses import dataclass
from itertools import repeat
from operator import mul

from .models import Level, TermAggregate
from .scheme import Layout

LEVELS = (Level.GREEN, Level.YELLOW, Level.ORANGE, Level.RED)
# What students are counted by: the levels and, for rows with a column left unscored, "not fully assessed"
# (never counted as a level).
CATEGORIES = (*LEVELS, Level.NOT_ASSESSED)
NOT_ASSESSED = str(Level.NOT_ASSESSED.value)
Dimension = TermAggregate.Dimension
ALL, GENDER, GROUP, SUBJECT = (
    str(d.value) for d in (Dimension.ALL, Dimension.GENDER, Dimension.GROUP, Dimension.SUBJECT)
)


@dataclass(frozen=True)
class CountedRow:
    scores: dict
    gender: str
    group: str  # the group's name ("" when the student is in no group)


def decode_scores(texts) -> list[dict]:
    """Rows' scores read as JSON text (Cast(scores, TextField())), decoded in one json.loads — measured a
    third faster than letting the JSONField decode row by row."""
    return json.loads("[" + ",".join(text or "{}" for text in texts) + "]")


def row_totals(layout: Layout, scores_list) -> list:
    """layout.row_sum of every scores dict, in bulk: the same numbers (same terms in the same order, the
    same rounding); a row holding a code the layout does not know is left to row_sum itself."""
    weights = layout.weights
    known = layout.codes.issuperset
    row_sum = layout.row_sum
    if all(w == 1 for w in weights.values()):
        return [sum(s.values()) if known(s) else row_sum(s) for s in scores_list]
    if all(float(w).is_integer() for w in weights.values()):
        whole = {code: int(w) for code, w in weights.items()}.__getitem__
        return [sum(map(mul, map(whole, s), s.values())) if known(s) else row_sum(s) for s in scores_list]
    weight = weights.__getitem__
    out = []
    for s in scores_list:
        if known(s):
            total = sum(map(mul, map(weight, s), s.values()))
            out.append(int(total) if float(total).is_integer() else round(total, 1))
        else:
            out.append(row_sum(s))
    return out


def count_scores(
    layout: Layout,
    scores_list: list,
    genders,
    groups=None,
    into: Counter | None = None,
    subjects: bool = True,
) -> Counter:
    """{(dimension, key, category): count}: a level per student for the dimensions all, gender and (when
    `groups` is given, one group name per row) group; unless `subjects` is False, a score per scored
    subject column (unscored cells are not counted). Adds to `into` when given."""
    counts = Counter() if into is None else into
    totals = row_totals(layout, scores_list)
    level_of = layout.level
    levels = {total: str(level_of(total).value) for total in set(totals)}
    levels[None] = NOT_ASSESSED
    # a row with a column left unscored has no level: its key is None (len() first: most rows are full)
    width, codes = len(layout.codes), layout.codes
    totals = [
        t if len(s) >= width and codes.issubset(s) else None for t, s in zip(totals, scores_list, strict=True)
    ]
    if groups is None:
        for (gender, total), n in Counter(zip(genders, totals, strict=True)).items():
            level = levels[total]
            counts[(ALL, "", level)] += n
            counts[(GENDER, gender, level)] += n
    else:
        for (gender, group, total), n in Counter(zip(genders, groups, totals, strict=True)).items():
            level = levels[total]
            counts[(ALL, "", level)] += n
            counts[(GENDER, gender, level)] += n
            counts[(GROUP, group, level)] += n
    for column in layout.subjects if subjects else ():
        code = column.code
        for value, n in Counter(map(dict.get, scores_list, repeat(code))).items():
            if value is not None:
                counts[(SUBJECT, code, str(value))] += n
    return counts


def count_rows(layout: Layout, rows) -> Counter:
    """count_scores for CountedRow objects (the group dimension included)."""
    rows = list(rows)
    return count_scores(layout, [r.scores for r in rows], [r.gender for r in rows], [r.group for r in rows])
