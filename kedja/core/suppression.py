"""Small-number suppression: the only way aggregates about students leave the school unit that owns them.

Pages, charts, exports and the API above the unit (quality developer, head of schools, region) call these
functions and print `Shown.text` (with `Shown.alt` as the text alternative); they never print a raw count.
The rule follows Skolverket's and Kolada's publishing practice and is configured by settings.KEDJA_SUPPRESSION
(docs/privacy.md):

1. small_base — a figure computed from fewer than `min_base` people (default 10) is "..": in a table, every
   cell and the total of a row whose total is 1..min_base-1; a share whose base is under min_base.
2. small_cell — a published count of 1..approx_below-1 people (default 1–4) is "..", cells and margins
   alike; zeros are shown. A share where 1–4 people fall outside it is "~100" ("~0" when 1–4 are inside).
3. complementary — then further cells are hidden until no hidden value can be worked out exactly from the
   published totals and shown cells (see `suppress_table`).

Pure functions over plain dicts and ints; nothing here reads the database.
"""

import heapq
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

HIDDEN = ".."  # Skolverket's and Kolada's mark for a figure withheld for confidentiality
SMALL_BASE = "small_base"
SMALL_CELL = "small_cell"
COMPLEMENTARY = "complementary"
DEFAULTS = {"min_base": 10, "approx_below": 5}


@dataclass(frozen=True)
class Rule:
    """min_base: figures from fewer people are hidden; approx_below: counts of 1..approx_below-1 are hidden
    (and shares with that few outside become "~100"/"~0"). approx_below=1 turns that part off."""

    min_base: int = 10
    approx_below: int = 5

    def __post_init__(self):
        if not isinstance(self.min_base, int) or self.min_base < 1:
            raise ValueError("min_base must be a whole number of at least 1")
        if not isinstance(self.approx_below, int) or not 1 <= self.approx_below <= self.min_base:
            raise ValueError("approx_below must be a whole number from 1 to min_base")


def rule_from_settings() -> Rule:
    """The deployment's rule: settings.KEDJA_SUPPRESSION over the defaults (min_base 10, approx_below 5)."""
    configured = getattr(settings, "KEDJA_SUPPRESSION", None) or {}
    unknown = set(configured) - set(DEFAULTS)
    if unknown:
        raise ImproperlyConfigured(f"KEDJA_SUPPRESSION has unknown keys: {', '.join(sorted(unknown))}")
    try:
        return Rule(**{**DEFAULTS, **configured})
    except ValueError as error:
        raise ImproperlyConfigured(f"KEDJA_SUPPRESSION: {error}") from error


@dataclass(frozen=True)
class Shown:
    """One published figure. `text` goes in the cell ("12", "..", "~100"), `alt` is its text alternative
    (screen readers, chart labels, export footnotes); `value` is None whenever the exact figure is withheld.
    `reason` says why it is withheld — for code and tests; pages show `alt`, which does not tell a small
    cell from a complementary one."""

    value: int | None
    text: str
    alt: str
    hidden: bool = False
    reason: str | None = None

    def __str__(self) -> str:
        return self.text


def _number(value: int) -> str:
    return formats.number_format(value)


def _shown(value: int) -> Shown:
    text = _number(value)
    return Shown(value, text, text)


def _withheld(reason: str, rule: Rule) -> Shown:
    if reason == SMALL_BASE:
        alt = ngettext("fewer than %(n)d student", "fewer than %(n)d students", rule.min_base) % {
            "n": rule.min_base
        }
    else:
        alt = _("hidden to protect students' privacy")
    return Shown(None, HIDDEN, alt, hidden=True, reason=reason)


def published(value: int) -> Shown:
    """A count printed as it is (for callers that decide suppression themselves, e.g. over a tree)."""
    return _shown(value)


def withheld(reason: str, rule: Rule) -> Shown:
    """A withheld figure (`..`) with the text alternative for `reason` (SMALL_BASE, SMALL_CELL, COMPLEMENTARY)."""
    return _withheld(reason, rule)


# --- Shares -------------------------------------------------------------------------------------------------


def _percent(count: int, base: int) -> int:
    return (200 * count + base) // (2 * base)  # whole per cent, halves rounded up


def share(count: int, base: int, rule: Rule) -> Shown:
    """`count` of `base` people as a whole per cent: ".." below min_base, "~100" when 1..approx_below-1
    people fall outside, "~0" when that few are inside, otherwise the per cent ("83")."""
    if count < 0 or base < 0 or count > base:
        raise ValueError("a share needs 0 <= count <= base")
    if base < rule.min_base:
        return _withheld(SMALL_BASE, rule)
    outside = base - count
    few = range(1, rule.approx_below)
    if outside in few and count not in few:
        alt = ngettext(
            "almost 100 per cent: fewer than %(n)d student is outside",
            "almost 100 per cent: fewer than %(n)d students are outside",
            rule.approx_below,
        ) % {"n": rule.approx_below}
        return Shown(None, "~100", alt, hidden=True, reason=SMALL_CELL)
    if count in few and outside not in few:
        alt = ngettext(
            "almost 0 per cent: fewer than %(n)d student",
            "almost 0 per cent: fewer than %(n)d students",
            rule.approx_below,
        ) % {"n": rule.approx_below}
        return Shown(None, "~0", alt, hidden=True, reason=SMALL_CELL)
    if count in few or outside in few:  # both sides small: only possible with approx_below > min_base / 2
        return _withheld(SMALL_CELL, rule)
    value = _percent(count, base)
    text = _number(value)
    return Shown(value, text, _("%(value)s per cent") % {"value": text})


# --- Two-way tables -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuppressedTable:
    """`cells[row][col]`, `row_totals[row]`, `col_totals[col]` and `grand_total`, each a Shown. Margins that
    were not asked for are absent ({} / None) — and were treated as unknown when protecting the rest."""

    rows: list
    cols: list
    cells: dict
    row_totals: dict
    col_totals: dict
    grand_total: Shown | None

    @property
    def any_hidden(self) -> bool:
        shown = [c for row in self.cells.values() for c in row.values()]
        shown += [*self.row_totals.values(), *self.col_totals.values()]
        shown += [self.grand_total] if self.grand_total else []
        return any(s.hidden for s in shown)


def suppress_table(
    rows: Mapping[Hashable, Mapping[Hashable, int]],
    rule: Rule,
    *,
    row_totals: bool = True,
    col_totals: bool = True,
    grand_total: bool | None = None,
) -> SuppressedTable:
    """Suppress a two-way count table and its margins.

    Rows are the populations (groups, units, genders, subjects), so a row's total is the base of its
    cells; columns are categories (levels green/yellow/orange/red). Columns absent from a row count as 0.
    The grand total is published when any margin is, unless `grand_total` says otherwise.

    Primary suppression: a grand total of 1..min_base-1 hides everything; a row whose total is
    1..min_base-1 is hidden whole (small_base); then every published count of 1..approx_below-1, cell or
    margin, is hidden (small_cell). Zeros and empty rows are shown.

    Complementary suppression: the published figures are linear equations (each row and column sums to its
    total). A hidden figure is protected when some other non-negative integer table agrees with everything
    published but gives it a different value. For tables with margins that is so exactly when the figure
    lies on a cycle of hidden figures along which one unit can be moved (alternately added and taken away,
    never below zero) without changing any published figure. Each unprotected figure gets the cheapest such
    cycle — shown figures cost their value + 1, totals twice that, so small cells go before totals — and the
    cycle's figures are hidden too. Hiding more never unprotects a figure, so one pass over the figures
    hidden so far suffices; the loop repeats until nothing changes as a guard.
    """
    row_keys = list(rows)
    col_keys = list(dict.fromkeys(k for row in rows.values() for k in row))
    table = _Table(
        [[int(rows[r].get(k, 0)) for k in col_keys] for r in row_keys],
        row_totals=row_totals,
        col_totals=col_totals,
        grand_total=(row_totals or col_totals) if grand_total is None else grand_total,
    )
    hidden = table.suppress(rule)

    def shown(cell):
        return _withheld(hidden[cell], rule) if cell in hidden else _shown(table.value[cell])

    R, K = table.n_rows, table.n_cols
    return SuppressedTable(
        rows=row_keys,
        cols=col_keys,
        cells={r: {k: shown((i, j)) for j, k in enumerate(col_keys)} for i, r in enumerate(row_keys)},
        row_totals={r: shown((i, K)) for i, r in enumerate(row_keys)} if row_totals else {},
        col_totals={k: shown((R, j)) for j, k in enumerate(col_keys)} if col_totals else {},
        grand_total=shown((R, K)) if table.published[(R, K)] else None,
    )


class _Table:
    """The table with its margins as an (R+1)×(K+1) grid: cell (r, K) is row r's total, (R, k) column k's,
    (R, K) the grand total. With margins negated (corner kept), every line of the grid sums to zero, so the
    changes that keep all equations are the circulations of the bipartite graph lines × columns, whose
    edges are the grid's cells."""

    def __init__(self, counts, *, row_totals, col_totals, grand_total):
        if any(v < 0 for row in counts for v in row):
            raise ValueError("counts cannot be negative")
        self.n_rows = R = len(counts)
        self.n_cols = K = len(counts[0]) if counts else 0
        value = {(i, j): counts[i][j] for i in range(R) for j in range(K)}
        for i in range(R):
            value[(i, K)] = sum(counts[i])
        for j in range(K):
            value[(R, j)] = sum(counts[i][j] for i in range(R))
        value[(R, K)] = sum(value[(i, K)] for i in range(R))
        self.value = value
        self._arc_cache = None
        self.published = {
            cell: (
                grand_total
                if cell == (R, K)
                else row_totals
                if cell[1] == K
                else col_totals
                if cell[0] == R
                else True
            )
            for cell in value
        }

    def is_margin(self, cell) -> bool:
        return cell[0] == self.n_rows or cell[1] == self.n_cols

    def sign(self, cell) -> int:
        return -1 if (cell[0] == self.n_rows) != (cell[1] == self.n_cols) else 1

    def suppress(self, rule: Rule) -> dict:
        R, K, value = self.n_rows, self.n_cols, self.value
        hidden: dict = {}
        cells = [c for c in value if self.published[c]]
        if 0 < value[(R, K)] < rule.min_base:
            return dict.fromkeys(cells, SMALL_BASE)
        for i in range(R):
            if 0 < value[(i, K)] < rule.min_base:
                for j in range(K + 1):
                    if self.published[(i, j)]:
                        hidden[(i, j)] = SMALL_BASE
        for cell in cells:
            if cell not in hidden and 0 < value[cell] < rule.approx_below:
                hidden[cell] = SMALL_CELL
        to_check = sorted(hidden)
        while to_check:
            added = []
            for cell in to_check:
                if self._cycle(cell, hidden, free_only=True) is not None:
                    continue
                extra = self._cycle(cell, hidden, free_only=False)
                if extra is None:  # cannot happen: the four corners of any cell form a cycle
                    raise AssertionError(f"no protecting cycle for {cell}")
                for other in extra:
                    if other not in hidden and self.published[other]:
                        hidden[other] = COMPLEMENTARY
                        added.append(other)
            to_check = added  # protected by the cycle that hid them; checked again as a guard
        return hidden

    def _cost(self, cell, hidden) -> int:
        if cell in hidden or not self.published[cell]:
            return 0
        return (self.value[cell] + 1) * (2 if self.is_margin(cell) else 1)

    def _cycle(self, target, hidden, *, free_only: bool):
        """The cheapest cycle through `target` along which a unit can move; the cells on it, or None."""
        best = None
        for direction in (1, -1):
            found = self._path(target, direction, hidden, free_only)
            if found is not None and (best is None or found[0] < best[0]):
                best = found
                if free_only:
                    break
        return None if best is None else best[1]

    def _arcs(self):
        """For each node, (next node, cell, sign): crossing `cell` to the next node changes it by
        sign × direction. Nodes: line i is i (0..R, R = the total line), column j is R + 1 + j."""
        if self._arc_cache is None:
            R, K = self.n_rows, self.n_cols
            arcs: dict[int, list[tuple[int, tuple[int, int], int]]] = {node: [] for node in range(R + K + 2)}
            for i, j in self.value:
                s = self.sign((i, j))
                arcs[i].append((R + 1 + j, (i, j), s))  # line → column moves the cell by +direction
                arcs[R + 1 + j].append((i, (i, j), -s))  # column → line by −direction
            self._arc_cache = arcs
        return self._arc_cache

    def _path(self, target, direction: int, hidden, free_only: bool):
        # A cell may only go down if it is at least 1; with free_only, only hidden or unpublished cells.
        t_line, t_col = target
        if not (self.sign(target) * direction == 1 or self.value[target] >= 1):
            return None
        arcs, value = self._arcs(), self.value
        start, goal = self.n_rows + 1 + t_col, t_line
        dist = {start: 0}
        back: dict = {}
        heap = [(0, start)]
        while heap:
            d, node = heapq.heappop(heap)
            if d > dist[node]:
                continue
            if node == goal:
                path, at = [], goal
                while at != start:
                    at, cell = back[at]
                    path.append(cell)
                return d, path
            for nxt, cell, s in arcs[node]:
                if cell == target or (s * direction == -1 and value[cell] < 1):
                    continue
                cost = self._cost(cell, hidden)
                if free_only and cost:
                    continue
                if nxt not in dist or d + cost < dist[nxt]:
                    dist[nxt] = d + cost
                    back[nxt] = (node, cell)
                    heapq.heappush(heap, (d + cost, nxt))
        return None


# --- One-way breakdowns -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuppressedBreakdown:
    """`parts[key]` (girls, boys, ...) and the `total`, each a Shown; `total` is None when not published."""

    parts: dict
    total: Shown | None


def suppress_breakdown(
    counts: Mapping[Hashable, int], rule: Rule, *, total: bool = True
) -> SuppressedBreakdown:
    """Counts split one way with their total (girls 3, boys 12, total 15): the total is the base (under
    min_base hides all); a part of 1..approx_below-1 is hidden, and with the total published so is at least
    one more part — when one sex's figure is hidden, the other sex's is hidden too."""
    table = suppress_table({"all": counts}, rule, row_totals=total, col_totals=False, grand_total=False)
    return SuppressedBreakdown(parts=table.cells["all"], total=table.row_totals["all"] if total else None)


def share_breakdown(
    parts: Mapping[Hashable, tuple[int, int]], rule: Rule, *, total: bool = True
) -> SuppressedBreakdown:
    """Shares split one way, each part given as (count, base) — e.g. the share of girls and of boys at the
    red level — with the total share. Each part is `share()`; when a total is published, the parts are
    first suppressed as a table of people inside/outside the share per part (bases and the total's counts
    being public), and a part any of whose figures had to be hidden is "..": so a hidden or approximate
    girls' share is never recovered from the total and the boys' share. In such a breakdown "~100"/"~0"
    therefore appear only where no total is published."""
    if not total:
        return SuppressedBreakdown({k: share(c, b, rule) for k, (c, b) in parts.items()}, None)
    # An empty part has nothing to protect and its base (0) may be printed beside it: it stays out of the
    # table, so it is never used to cover another part.
    table = suppress_table(
        {k: {"in": c, "out": b - c} for k, (c, b) in parts.items() if b > 0},
        rule,
        row_totals=True,
        col_totals=True,
    )
    shown = {}
    for key, (count, base) in parts.items():
        if base == 0:
            shown[key] = share(0, 0, rule)
            continue
        figures = [*table.cells[key].values(), table.row_totals[key]]
        reasons = [s.reason for s in figures if s.hidden]
        if not reasons:
            shown[key] = share(count, base, rule)
        else:
            shown[key] = _withheld(
                SMALL_BASE
                if SMALL_BASE in reasons
                else SMALL_CELL
                if SMALL_CELL in reasons
                else COMPLEMENTARY,
                rule,
            )
    grand = table.grand_total
    all_count = sum(c for c, _b in parts.values())
    all_base = sum(b for _c, b in parts.values())
    total_figures = [grand, *table.col_totals.values()]
    hidden_total = [s.reason for s in total_figures if s.hidden]
    total_shown = share(all_count, all_base, rule) if not hidden_total else _withheld(hidden_total[0], rule)
    return SuppressedBreakdown(shown, total_shown)


# --- Figures tied by sums (an organisation tree) ------------------------------------------------------------


def protect_sums(families, hidden, weight) -> set:
    """Hide more members of sum equations until none has exactly one hidden member.

    `families` are (parent, children) pairs meaning parent = sum of the children (an organisation and the
    organisations or units directly below it, for one kind of figure); each node is a child in at most one
    family. `hidden` are the nodes whose figure is withheld so far; `weight(node)` its size. An equation with
    exactly one hidden member gives that member away by subtraction, so another member is hidden with it: the
    smallest non-empty sibling that is still shown, or else the parent. Returns the grown set (hiding never
    has to be undone, so one loop until nothing changes suffices).

    Why this is enough for a tree: take any hidden node and add one to it; in each equation it belongs to,
    another hidden member takes the matching change (a sibling the opposite one, or the parent the same
    one), and that member passes it on in its other equation. The families form a tree, so this never comes
    back to a node already changed, and it ends at units or at the top. Every published figure keeps its
    value while the hidden one changes, so no combination of published figures determines it."""
    hidden = set(hidden)
    changed = True
    while changed:
        changed = False
        for parent, children in families:
            members = [parent, *children]
            if sum(1 for m in members if m in hidden) != 1:
                continue
            spare = sorted(
                (c for c in children if c not in hidden), key=lambda c: (weight(c) == 0, weight(c))
            )
            if parent in hidden:
                pick = spare[0] if spare else None
            else:
                non_empty = [c for c in spare if weight(c) > 0]
                pick = non_empty[0] if non_empty else parent
            if pick is not None:
                hidden.add(pick)
                changed = True
    return hidden
