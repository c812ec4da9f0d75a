"""The one decision of which follow-up figures above the school unit are published, for one term.

Every page and export of figures above the unit (the overview of a region, municipality, administration or a
school unit seen from above, its Excel file, the trend) prints figures of the same few kinds, each about one
organisation of the tree ("node"): its students per level and in all, its students per level for each gender,
and its students per score in each subject column with the number scored. A node's figures are the sums of
the figures of the nodes directly below it. Anyone who may read several pages can add and subtract what
they print, so suppression is decided here once, for the whole tree from the top organisation down, and
every page prints a part of that one decision. Reading fewer pages can only reveal less.

The rule (docs/privacy.md, "One decision for the whole tree"), per term, with `Rule` min_base (10) and
approx_below (5):

1. A node whose number of students is 1..min_base-1 withholds everything about it (`small_base`).
2. A node with a level count of 1..approx_below-1 withholds its split by level; its number of students may
   still be shown (`small_cell`).
3. A node's gender table (gender × level) is published whole or withheld whole: withheld when the node's
   level split is, when a gender has 1..min_base-1 students, or a cell is 1..approx_below-1.
4. A subject row (the students per score in one column, and how many were scored) is withheld whole when
   the node's number of students is, or when 1..min_base-1 were scored; its split by score alone when a
   count is 1..approx_below-1.
5. Complementary (`core.suppression.protect_sums`): for each of these kinds separately, wherever an
   organisation and the nodes directly below it have exactly one withheld member, the smallest non-empty
   sibling is withheld too, or else the organisation. Each kind's set includes the one before it (a node
   without its number of students has no level split, no gender table, and no subject rows), so a change
   that moves students between hidden figures of one kind only touches figures that are hidden.

Plain functions over plain data: nothing here reads the database (aggregates.py does) or prints (the views do).
"""

from collections import Counter
from dataclasses import dataclass, field

from kedja.core.suppression import (
    COMPLEMENTARY,
    SMALL_BASE,
    SMALL_CELL,
    Rule,
    Shown,
    protect_sums,
    published,
    withheld,
)

from .counts import ALL, GENDER, SUBJECT


@dataclass(frozen=True)
class Tree:
    """`parent[node]`: the nearest node above (None at the top). Units are the nodes with counts."""

    parent: dict

    def families(self) -> list[tuple]:
        below: dict = {}
        for node, parent in self.parent.items():
            if parent is not None:
                below.setdefault(parent, []).append(node)
        return [(p, sorted(children)) for p, children in sorted(below.items())]

    def bottom_up(self) -> list:
        depth: dict = {}

        def depth_of(node):
            if node not in depth:
                parent = self.parent[node]
                depth[node] = 0 if parent is None else depth_of(parent) + 1
            return depth[node]

        return sorted(self.parent, key=lambda n: (-depth_of(n), n))


@dataclass
class NodeFigures:
    """What may be printed about one node; hidden figures are Shown(hidden=True)."""

    levels: dict  # category → Shown
    total: Shown
    genders: dict | None  # gender → {category → Shown}; None when the gender table is withheld
    gender_totals: dict | None
    subjects: dict = field(default_factory=dict)  # column code → ({score → Shown}, Shown scored)


def node_counts(tree: Tree, per_unit: dict) -> dict:
    """Every node's Counter: a unit's own, an organisation's the sum of the nodes directly below it."""
    totals = {node: Counter(per_unit.get(node, ())) for node in tree.parent}
    for node in tree.bottom_up():
        parent = tree.parent[node]
        if parent is not None:
            totals[parent].update(totals[node])
    return totals


def decide(
    tree: Tree,
    per_unit: dict,
    *,
    categories: list[str],
    genders: list[str],
    subjects: list[str],
    scores: list[str],
    rule: Rule,
) -> dict:
    """{node: NodeFigures} for every node of the tree, under one decision (the module's rule)."""
    counts = node_counts(tree, per_unit)
    families = tree.families()
    nodes = list(tree.parent)

    def level(node, category):
        return counts[node].get((ALL, "", category), 0)

    def gender(node, g, category):
        return counts[node].get((GENDER, g, category), 0)

    def subject(node, code, score):
        return counts[node].get((SUBJECT, code, score), 0)

    def small_base(n):
        return 0 < n < rule.min_base

    def small_cell(n):
        return 0 < n < rule.approx_below

    total = {n: sum(level(n, c) for c in categories) for n in nodes}
    first_total = {n for n in nodes if small_base(total[n])}
    no_total = protect_sums(families, first_total, total.get)
    first_split = {n for n in nodes if any(small_cell(level(n, c)) for c in categories)}
    no_split = protect_sums(families, no_total | first_split, total.get)
    first_gender = {
        n
        for n in nodes
        if any(small_base(sum(gender(n, g, c) for c in categories)) for g in genders)
        or any(small_cell(gender(n, g, c)) for g in genders for c in categories)
    }
    no_gender = protect_sums(families, no_split | first_gender, total.get)

    def reason(node, first_small, first_cell=frozenset()):
        if node in first_total or node in first_small:
            return SMALL_BASE
        return SMALL_CELL if node in first_cell else COMPLEMENTARY

    result = {}
    for n in nodes:
        if n in no_total:
            why = withheld(reason(n, ()), rule)
            levels, shown_total = dict.fromkeys(categories, why), why
        else:
            split = withheld(reason(n, (), first_split), rule) if n in no_split else None
            levels = {c: split or published(level(n, c)) for c in categories}
            shown_total = published(total[n])
        if n in no_gender:
            table = totals = None
        else:
            table = {g: {c: published(gender(n, g, c)) for c in categories} for g in genders}
            totals = {g: published(sum(gender(n, g, c) for c in categories)) for g in genders}
        result[n] = NodeFigures(levels, shown_total, table, totals)

    for code in subjects:
        scored = {n: sum(subject(n, code, s) for s in scores) for n in nodes}
        first_scored = {n for n in nodes if small_base(scored[n])}
        no_row = protect_sums(families, no_total | first_scored, scored.get)
        first_score = {n for n in nodes if any(small_cell(subject(n, code, s)) for s in scores)}
        no_scores = protect_sums(families, no_row | first_score, scored.get)
        for n in nodes:
            if n in no_row:
                why = withheld(reason(n, first_scored), rule)
                result[n].subjects[code] = (dict.fromkeys(scores, why), why)
            elif n in no_scores:
                why = withheld(reason(n, (), first_score), rule)
                result[n].subjects[code] = (dict.fromkeys(scores, why), published(scored[n]))
            else:
                result[n].subjects[code] = (
                    {s: published(subject(n, code, s)) for s in scores},
                    published(scored[n]),
                )
    return result
