"""Aggregates of the mid-term follow-up above the school unit (issue 6, "Above the unit"): for an
organisation (region, municipality, administration, or a school unit seen from above) and a term, the
students per level in each school unit below it, per gender, and per score in each subject column, and the
level shares term by term. Plain functions; the overview page and its Excel export print what
`overview()` returns and nothing else.

Where the counts come from: a unit's live round of the term (its rows, counted exactly as counts.count_rows
counts them — tests compare the two — so the unit view, the retention and this never disagree) or, once the round has been deleted by retention,
the TermAggregate rows kept for it. Only gender and scores are read from the rows — never a name or id.

Suppression (kedja/core/suppression.py, docs/privacy.md): whenever the figures leave the unit
(access.aggregates_leave_unit), every figure goes through the rule. The page publishes several tables cut
from the same students, and suppression protects one table at a time, so they are tied together:

- the units table (units × levels, with each unit's total, the level totals and the grand total) is the
  main table; the level totals and grand total are "the organisation's figures";
- the gender table (gender × levels) has the same level totals. It is suppressed as if those totals were
  published, and it is shown only when neither table had to hide any of them — otherwise it is withheld
  whole, so a figure one table hides is never printed by the other;
- the subject table (subject column × score, each row its own population: the students scored in that
  column) has no column totals or grand total (they would count students several times); it is withheld
  when the organisation's number of students is hidden;
- the trend prints, for every term, the shares computed from that term's units table's level totals and
  grand total — the same figures (shown or hidden) the page for that term prints, never a second
  suppression of them.
"""

import itertools
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from kedja.core.suppression import Rule, Shown, SuppressedTable, rule_from_settings, share, suppress_table
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from .counts import LEVELS, count_scores, decode_scores
from .models import Gender, Round, Row, SchemeVersion, Term, TermAggregate
from .scheme import Column, Layout

Dimension = TermAggregate.Dimension
# The figures a principal sees of their own unit: no cell is withheld (min_base 1, no small cells).
UNSUPPRESSED = Rule(min_base=1, approx_below=1)


@dataclass(frozen=True, order=True)
class TermKey:
    """A term, ordered chronologically (spring before autumn of the same year)."""

    year: int
    order: int  # 0 spring, 1 autumn
    term: str

    @classmethod
    def of(cls, term: str, year: int) -> "TermKey":
        return cls(year, 0 if term == Term.SPRING else 1, term)

    @property
    def code(self) -> str:
        return f"{self.term}{self.year}"

    @property
    def label(self) -> str:
        return f"{Term(self.term).label} {self.year}"

    @classmethod
    def parse(cls, code: str | None) -> "TermKey | None":
        if not code or len(code) != 6 or code[:2] not in Term.values or not code[2:].isdigit():
            return None
        return cls.of(code[:2], int(code[2:]))


def units_below(org: Organisation) -> list[Organisation]:
    """The active school units at or below `org`, by name."""
    return list(
        Organisation.objects.descendants_of(org)
        .filter(kind=Kind.SCHOOL_UNIT, is_active=True)
        .order_by("name", "pk")
    )


def terms_with_data(units) -> list[TermKey]:
    """Every term for which some unit has a live round or kept aggregates, oldest first."""
    ids = [u.pk for u in units]
    live = Round.objects.filter(school_unit_id__in=ids).values_list("term", "year").distinct()
    kept = TermAggregate.objects.filter(school_unit_id__in=ids).values_list("term", "year").distinct()
    return sorted({TermKey.of(t, y) for t, y in itertools.chain(live, kept)})


@dataclass
class TermCounts:
    """Per unit id: {(dimension, key, category): count} as counts.count_rows makes them; and the subject
    columns met (code → Column of the newest scheme version naming it)."""

    per_unit: dict[int, Counter] = field(default_factory=dict)
    subjects: dict[str, Column] = field(default_factory=dict)
    score_range: tuple[int, int] = (0, 3)


def count_term(units, key: TermKey, *, subjects: bool = True) -> TermCounts:
    """Count the term for these units: live rounds from their rows (streamed as unit, gender and scores
    only), units whose round is gone from TermAggregate. `subjects=False` leaves the live rounds' subject
    scores uncounted (the trend's terms need the levels only).

    Measured (docs/followup.md): for 10,000 rows, counting in Python (counts.count_scores) is many times
    faster on SQLite than computing each row's weighted sum and level in SQL from the JSON scores
    (JSON_EXTRACT per column per row), so the rows are streamed."""
    ids = [u.pk for u in units]
    result = TermCounts()
    rounds = {
        r.pk: r
        for r in Round.objects.filter(school_unit_id__in=ids, term=key.term, year=key.year).select_related(
            "scheme_version"
        )
    }
    versions: dict[int, SchemeVersion] = {r.scheme_version_id: r.scheme_version for r in rounds.values()}
    layouts = {pk: Layout(v) for pk, v in versions.items()}
    for round_ in rounds.values():
        result.per_unit[round_.school_unit_id] = Counter()
    by_version: dict[int, dict[int, int]] = {}  # version → {round id: unit id}
    for round_ in rounds.values():
        by_version.setdefault(round_.scheme_version_id, {})[round_.pk] = round_.school_unit_id
    for version_id, round_units in by_version.items():
        counted = _count_rows(layouts[version_id], round_units, subjects=subjects)
        for unit_id, counter in counted.items():
            result.per_unit[unit_id].update(counter)
    missing = [pk for pk in ids if pk not in result.per_unit]
    if missing:
        kept = TermAggregate.objects.filter(
            school_unit_id__in=missing, term=key.term, year=key.year
        ).select_related("scheme_version")
        for agg in kept:
            if agg.dimension == Dimension.GROUP:
                continue  # group names stay in the unit
            versions.setdefault(agg.scheme_version_id, agg.scheme_version)
            counter = result.per_unit.setdefault(agg.school_unit_id, Counter())
            counter[(agg.dimension, agg.key, agg.category)] += agg.count
        layouts = {pk: layouts.get(pk) or Layout(v) for pk, v in versions.items()}
    for pk in sorted(layouts, key=lambda pk: (versions[pk].created_at, pk)):
        layout = layouts[pk]
        for column in layout.subjects:
            result.subjects[column.code] = column
        result.score_range = (layout.score_min, layout.score_max)
    return result


BATCH = 2000


def _count_rows(layout: Layout, round_units: dict[int, int], *, subjects: bool = True) -> dict[int, Counter]:
    """counts.count_scores' figures (without groups) per unit, from each round's rows — gender and scores
    only, the scores read as JSON text and decoded a batch at a time (counts.decode_scores)."""
    result: dict[int, Counter] = {}
    for round_id, unit_id in round_units.items():
        counter = result.setdefault(unit_id, Counter())
        rows = (
            Row.objects.filter(round_id=round_id)
            .values_list("student__gender", Cast("scores", TextField()))
            .iterator(chunk_size=BATCH)
        )
        while batch := list(itertools.islice(rows, BATCH)):
            genders, texts = zip(*batch, strict=True)
            count_scores(layout, decode_scores(texts), genders, into=counter, subjects=subjects)
    return result


# --- the suppressed tables ---------------------------------------------------------------------------------


@dataclass
class Line:
    """One printed row: a label, a Shown per column and the row's total (None when not published)."""

    label: str
    cells: list[Shown]
    total: Shown | None = None


@dataclass
class Table:
    columns: list[str]  # column labels
    lines: list[Line]
    totals: Line | None = None  # the column totals and grand total, when published
    withheld: str = ""  # why the whole table is not shown (then lines are empty)

    @property
    def any_hidden(self) -> bool:
        lines = [*self.lines, *([self.totals] if self.totals else [])]
        return any(s.hidden for line in lines for s in [*line.cells, *([line.total] if line.total else [])])


@dataclass
class Overview:
    org: Organisation
    term: TermKey | None
    terms: list[TermKey]
    suppressed: bool
    rule: Rule
    units: Table
    genders: Table
    subjects: Table
    trend: Table
    units_without_data: list[str]
    students: Shown | None  # the grand total, as published


def _level_labels() -> list[str]:
    return [str(level.label) for level in LEVELS]


def _levels_of(counter: Counter, dimension: str, key: str) -> dict[str, int]:
    return {str(level): counter.get((dimension, key, str(level)), 0) for level in LEVELS}


def _units_table(units, counts: TermCounts, rule: Rule) -> tuple[SuppressedTable | None, list]:
    with_data = [u for u in units if u.pk in counts.per_unit]
    if not with_data:
        return None, []
    table = suppress_table(
        {u.pk: _levels_of(counts.per_unit[u.pk], Dimension.ALL, "") for u in with_data}, rule
    )
    return table, with_data


def _margins_hidden(table: SuppressedTable) -> bool:
    return any(s.hidden for s in [*table.col_totals.values(), table.grand_total] if s is not None)


def _totals_line(table: SuppressedTable) -> Line:
    return Line(_("All units"), [table.col_totals[c] for c in table.cols], table.grand_total)


def _gender_table(counts: TermCounts, rule: Rule, units_table: SuppressedTable) -> Table:
    total: Counter = Counter()
    for counter in counts.per_unit.values():
        total.update(counter)
    gender_table = suppress_table(
        {g.value: _levels_of(total, Dimension.GENDER, g.value) for g in Gender}, rule
    )
    if _margins_hidden(units_table) or _margins_hidden(gender_table):
        return Table(
            _level_labels(),
            [],
            withheld=_(
                "Withheld: too few students to show levels per gender without revealing hidden figures."
            ),
        )
    lines = [
        Line(str(g.label), [gender_table.cells[g.value][c] for c in gender_table.cols],
             gender_table.row_totals[g.value])
        for g in Gender
    ]  # fmt: skip
    return Table(_level_labels(), lines)


def _subject_table(counts: TermCounts, rule: Rule, units_table: SuppressedTable) -> Table:
    low, high = counts.score_range
    scores = [str(s) for s in range(low, high + 1)]
    labels = [str(s) for s in scores]
    if not counts.subjects:
        return Table(labels, [])
    if units_table.grand_total is None or units_table.grand_total.hidden:
        return Table(labels, [], withheld=_("Withheld: too few students to show scores per subject."))
    total: Counter = Counter()
    for counter in counts.per_unit.values():
        total.update(counter)
    rows = {code: {s: total.get((Dimension.SUBJECT, code, s), 0) for s in scores} for code in counts.subjects}
    table = suppress_table(rows, rule, row_totals=True, col_totals=False, grand_total=False)
    lines = [
        Line(column.label, [table.cells[column.code][s] for s in scores], table.row_totals[column.code])
        for column in counts.subjects.values()
    ]
    return Table(labels, lines)


def _share_of(count: Shown, base: Shown | None) -> Shown:
    """A level's share of the term's students, from the already suppressed count and total: hidden when
    either is; otherwise a whole per cent (no further information: both figures are published)."""
    if base is None or base.hidden:
        return base if base is not None else count
    if count.hidden:
        return count
    return share(count.value, base.value, UNSUPPRESSED)


def overview(org: Organisation, *, suppressed: bool, term: TermKey | None = None) -> Overview:
    """Everything the overview page and its export print for `org`: `term` defaults to the latest term
    with data. `suppressed` is access.aggregates_leave_unit(user, org)."""
    rule = rule_from_settings() if suppressed else UNSUPPRESSED
    units = units_below(org)
    terms = terms_with_data(units)
    if term not in terms:
        term = terms[-1] if terms else None
    names = {u.pk: u.name for u in units}
    levels = _level_labels()
    empty = Table(levels, [])

    trend_lines = []
    chosen = None
    for key in terms:
        counts = count_term(units, key, subjects=key == term)
        table, with_data = _units_table(units, counts, rule)
        if table is None:
            continue
        if key == term:
            chosen = (counts, table, with_data)
        trend_lines.append(
            Line(
                key.label,
                [_share_of(table.col_totals[c], table.grand_total) for c in table.cols],
                table.grand_total,
            )
        )
    trend = Table(levels, trend_lines)
    if chosen is None:
        return Overview(
            org, term, terms, suppressed, rule, empty, empty, empty, trend, list(names.values()), None
        )
    counts, table, with_data = chosen
    unit_lines = [
        Line(names[u.pk], [table.cells[u.pk][c] for c in table.cols], table.row_totals[u.pk])
        for u in with_data
    ]
    return Overview(
        org=org,
        term=term,
        terms=terms,
        suppressed=suppressed,
        rule=rule,
        units=Table(levels, unit_lines, _totals_line(table)),
        genders=_gender_table(counts, rule, table),
        subjects=_subject_table(counts, rule, table),
        trend=trend,
        units_without_data=[u.name for u in units if u.pk not in counts.per_unit],
        students=table.grand_total,
    )
