"""Aggregates of the mid-term follow-up above the school unit (docs/followup.md, "Above the unit"): for an
organisation (region, municipality, administration, or a school unit seen from above) and a term, the
students per level in each school unit below it, per gender, and per score in each subject column, and the
level shares term by term. Plain functions; the overview page and its Excel export print what
`overview()` returns and nothing else.

Where the counts come from: a unit's live round of the term (its rows, counted exactly as counts.count_rows
counts them — tests compare the two — so the unit view, the retention and this never disagree) or, once the round has been deleted by retention,
the TermAggregate rows kept for it. Only gender and scores are read from the rows — never a name or id.

Suppression (docs/privacy.md): whenever the figures leave the unit (access.aggregates_leave_unit), what is
published is decided once per term by kedja.followup.disclosure for the whole organisation tree the page
belongs to (from the topmost region, municipality or administration down), and `compose` only prints its
part of that decision: a unit's row is the same figures on every page that lists it, an organisation's
totals are the same figures on its own page and its parent's, and the trend prints each term's decided
totals. So no combination of pages and exports gives away what one of them hides.
"""

import itertools
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from kedja.core.suppression import Rule, Shown, rule_from_settings, share
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from .counts import CATEGORIES, count_scores, decode_scores
from .disclosure import NodeFigures, Tree, decide
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


def latest_term_with_scores(units, terms: list[TermKey]) -> TermKey | None:
    """The latest of `terms` in which some unit has a scored row or kept aggregates: the page opens there,
    not on a round opened today with nothing entered yet."""
    ids = [u.pk for u in units]
    scored = Row.objects.filter(round__school_unit_id__in=ids).exclude(scores={})
    found = {TermKey.of(t, y) for t, y in scored.values_list("round__term", "round__year").distinct()}
    kept = TermAggregate.objects.filter(school_unit_id__in=ids).values_list("term", "year").distinct()
    found |= {TermKey.of(t, y) for t, y in kept}
    with_scores = [key for key in terms if key in found]
    return with_scores[-1] if with_scores else (terms[-1] if terms else None)


@dataclass
class TermCounts:
    """Per unit id: {(dimension, key, category): count} as counts.count_rows makes them; and the subject
    columns met (code → Column of the newest scheme version naming it)."""

    per_unit: dict[int, Counter] = field(default_factory=dict)
    subjects: dict[str, Column] = field(default_factory=dict)
    score_range: tuple[int, int] = (0, 3)
    unit_subjects: dict[int, set] = field(default_factory=dict)  # unit id → the subject codes of its scheme

    def subjects_of(self, unit_ids) -> dict[str, Column]:
        """The subject columns of these units' schemes, in the order of `subjects`."""
        codes = set().union(*(self.unit_subjects.get(pk, set()) for pk in unit_ids))
        return {code: column for code, column in self.subjects.items() if code in codes}


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
    unit_versions: dict[int, set] = {}
    for round_ in rounds.values():
        result.per_unit[round_.school_unit_id] = Counter()
        unit_versions.setdefault(round_.school_unit_id, set()).add(round_.scheme_version_id)
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
            unit_versions.setdefault(agg.school_unit_id, set()).add(agg.scheme_version_id)
        layouts = {pk: layouts.get(pk) or Layout(v) for pk, v in versions.items()}
    for pk in sorted(layouts, key=lambda pk: (versions[pk].created_at, pk)):
        layout = layouts[pk]
        for column in layout.subjects:
            result.subjects[column.code] = column
        result.score_range = (layout.score_min, layout.score_max)
    for unit_id, version_ids in unit_versions.items():
        result.unit_subjects[unit_id] = {c.code for pk in version_ids for c in layouts[pk].subjects}
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


# --- the published tables -----------------------------------------------------------------------------------


@dataclass
class Line:
    """One printed row: a label, a Shown per column and the row's total (None when not published). `key`
    names what the row is about (a node id, a gender, a subject code or a term code)."""

    label: str
    cells: list[Shown]
    total: Shown | None = None
    key: object = None


@dataclass
class Table:
    columns: list[str]  # column labels
    lines: list[Line]
    totals: Line | None = None  # the column totals and grand total, when published
    withheld: str = ""  # why the whole table is not shown (then lines are empty)
    keys: list[str] = field(default_factory=list)  # the column keys (levels, scores)

    @property
    def any_hidden(self) -> bool:
        lines = [*self.lines, *([self.totals] if self.totals else [])]
        return any(s.hidden for line in lines for s in [*line.cells, *([line.total] if line.total else [])])


@dataclass
class Overview:
    org: Organisation | None
    term: TermKey | None
    terms: list[TermKey]
    suppressed: bool
    rule: Rule
    units: Table
    genders: Table
    subjects: Table
    trend: Table
    units_without_data: list[str]
    students: Shown | None  # the organisation's number of students, as published


PAGE_KINDS = (Kind.REGION, Kind.MUNICIPALITY, Kind.ADMINISTRATION, Kind.SCHOOL_UNIT)


@dataclass(frozen=True)
class World:
    """The organisation tree one decision covers: `tree` (disclosure.Tree over organisation ids), each
    node's name, and which nodes are school units."""

    tree: Tree
    names: dict
    units: frozenset

    def below(self, node) -> list:
        """The school units at or below `node`, by name."""
        out = []
        for unit in self.units:
            at = unit
            while at is not None and at != node:
                at = self.tree.parent[at]
            if at == node:
                out.append(unit)
        return sorted(out, key=lambda pk: (self.names[pk], pk))


def world_of(org: Organisation, *, suppressed: bool) -> World:
    """The tree a decision about `org` must cover: from the topmost active organisation above it (region,
    municipality, administration or unit) down, since someone may read every page of it. Unsuppressed (a
    principal's own unit) just `org` and what is below it."""
    above = Organisation.objects.filter(pk__in=org.ancestor_ids(), is_active=True, kind__in=PAGE_KINDS)
    top = min(above, key=lambda o: len(o.ancestor_ids()), default=org) if suppressed else org
    orgs = list(
        Organisation.objects.descendants_of(top)
        .filter(is_active=True, kind__in=PAGE_KINDS)
        .only("pk", "path", "name", "kind")
    )
    ids = {o.pk for o in orgs}
    parent = {}
    for o in orgs:
        chain = [pk for pk in o.ancestor_ids()[:-1] if pk in ids]
        parent[o.pk] = chain[-1] if chain else None
    units = frozenset(o.pk for o in orgs if o.kind == Kind.SCHOOL_UNIT)
    return World(Tree(parent), {o.pk: o.name for o in orgs}, units)


def _level_labels() -> list[str]:
    return [str(level.label) for level in CATEGORIES]


LEVEL_KEYS = [str(level.value) for level in CATEGORIES]


def decide_term(world: World, counts: TermCounts, rule: Rule, *, subjects: bool = True) -> dict:
    """disclosure.decide for one term over the whole world."""
    low, high = counts.score_range
    return decide(
        world.tree,
        counts.per_unit,
        categories=LEVEL_KEYS,
        genders=[g.value for g in Gender],
        subjects=list(counts.subjects) if subjects else [],
        scores=[str(s) for s in range(low, high + 1)],
        rule=rule,
    )


def _share_of(count: Shown, base: Shown | None) -> Shown:
    """A level's share of the term's students, from the already decided count and total: hidden when
    either is; otherwise a whole per cent (no further information: both figures are published)."""
    if base is None or base.hidden:
        return base if base is not None else count
    if count.hidden:
        return count
    assert count.value is not None and base.value is not None  # a figure that is not hidden has its value
    return share(count.value, base.value, UNSUPPRESSED)


def _node_line(label, figures: NodeFigures, key) -> Line:
    return Line(label, [figures.levels[c] for c in LEVEL_KEYS], figures.total, key)


def compose(
    world: World,
    org_id,
    *,
    term: TermKey | None,
    terms: list[TermKey],
    per_term: dict,
    rule: Rule,
    suppressed: bool,
) -> Overview:
    """The tables of `org_id`'s page (and export) from the decision over the whole world, per term:
    `per_term[key]` is that term's TermCounts (subjects counted for `term` only). Pure: the property test
    of docs/privacy.md calls it for every page of random worlds."""
    levels = _level_labels()
    below = world.below(org_id)
    empty = Table(levels, [], keys=LEVEL_KEYS)
    trend_lines = []
    chosen = None
    for key in terms:
        counts = per_term[key]
        if not any(pk in counts.per_unit for pk in below):
            continue
        figures = decide_term(world, counts, rule, subjects=key == term)
        if key == term:
            chosen = (counts, figures)
        mine = figures[org_id]
        trend_lines.append(
            Line(key.label, [_share_of(mine.levels[c], mine.total) for c in LEVEL_KEYS], mine.total, key.code)
        )
    trend = Table(levels, trend_lines, keys=LEVEL_KEYS)
    if chosen is None:
        names = [world.names[pk] for pk in below]
        return Overview(None, term, terms, suppressed, rule, empty, empty, empty, trend, names, None)
    counts, figures = chosen
    with_data = [pk for pk in below if pk in counts.per_unit]
    mine = figures[org_id]
    units = Table(
        levels,
        [_node_line(world.names[pk], figures[pk], pk) for pk in with_data],
        _node_line(_("All units"), mine, org_id),
        keys=LEVEL_KEYS,
    )
    if mine.genders is None:
        genders = Table(
            levels,
            [],
            withheld=_(
                "Withheld: too few students to show levels per gender without revealing hidden figures."
            ),
            keys=LEVEL_KEYS,
        )
    else:
        genders = Table(
            levels,
            [
                Line(
                    str(g.label),
                    [mine.genders[g.value][c] for c in LEVEL_KEYS],
                    mine.gender_totals[g.value],
                    g.value,
                )
                for g in Gender
            ],
            keys=LEVEL_KEYS,
        )
    low, high = counts.score_range
    scores = [str(s) for s in range(low, high + 1)]
    columns = counts.subjects_of(with_data)
    if columns and mine.total.hidden:
        subjects = Table(
            scores, [], withheld=_("Withheld: too few students to show scores per subject."), keys=scores
        )
    else:
        subjects = Table(
            scores,
            [
                Line(column.label, [mine.subjects[code][0][s] for s in scores], mine.subjects[code][1], code)
                for code, column in columns.items()
            ],
            keys=scores,
        )
    return Overview(
        org=None,
        term=term,
        terms=terms,
        suppressed=suppressed,
        rule=rule,
        units=units,
        genders=genders,
        subjects=subjects,
        trend=trend,
        units_without_data=[world.names[pk] for pk in below if pk not in counts.per_unit],
        students=mine.total,
    )


def overview(org: Organisation, *, suppressed: bool, term: TermKey | None = None) -> Overview:
    """Everything the overview page and its export print for `org`: `term` defaults to the latest term
    with data. `suppressed` is access.aggregates_leave_unit(user, org): then the figures are decided over
    the whole tree above and below `org` (disclosure.py), so no page of it gives away what another hides."""
    rule = rule_from_settings() if suppressed else UNSUPPRESSED
    world = world_of(org, suppressed=suppressed)
    mine = units_below(org)
    terms = terms_with_data(mine)
    if term not in terms:
        term = latest_term_with_scores(mine, terms)
    all_units = [Organisation(pk=pk) for pk in world.units] if suppressed else mine
    per_term = {key: count_term(all_units, key, subjects=key == term) for key in terms}
    result = compose(
        world, org.pk, term=term, terms=terms, per_term=per_term, rule=rule, suppressed=suppressed
    )
    result.org = org
    return result
