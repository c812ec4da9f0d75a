"""Gathering the gap analysis from the database (kedja/initiatives/gap_report.py): what counts, how gaps
are ranked with the municipality's priorities, what is suggested, and what the region sees."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from kedja.assessments.actions import mark_priority
from kedja.assessments.factories import make_round
from kedja.assessments.models import Round
from kedja.frameworks.factories import make_framework_version
from kedja.initiatives import exports, gap_cell, gap_region, gap_report
from kedja.initiatives.factories import make_initiative
from kedja.initiatives.gaps import RankedGap, State
from kedja.initiatives.models import Stage
from kedja.organisations.factories import make_municipality

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # db: ranking in SQL

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def version():
    return make_framework_version(areas=2, items=2)  # items 1.a 1.b 2.a 2.b


def item(version, code):
    return version.nodes.get(code=code)


def fragile(owner, **kw):
    return make_initiative(owner, funding="project", funding_ends=TODAY + timedelta(days=100), **kw)


def gap_at(gaps, kind, stage, column):
    return next((g for g in gaps if (g.kind, g.stage, g.column) == (kind, stage, column)), None)


def test_ranked_gaps_leaves_covered_cells_out_and_marks_fragile_ones(world, version):
    make_initiative(world.school, items=[item(version, "1.a")], stages=["f3"], target_groups=["all"])
    fragile(world.municipality, items=[item(version, "2.b")], stages=["f3"], target_groups=[])
    gaps = gap_report.ranked_gaps(world.municipality, version.framework, TODAY)
    assert all(isinstance(g, RankedGap) for g in gaps)
    assert gap_at(gaps, "area", "f3", "1") is None  # covered
    assert gap_at(gaps, "group", "f3", "all") is None
    fragile_gap = gap_at(gaps, "area", "f3", "2")
    assert (fragile_gap.state, fragile_gap.count, fragile_gap.robust) == (State.FRAGILE, 1, 0)
    assert gap_at(gaps, "area", "y4_6", "1").state == State.GAP
    assert [g.rank for g in gaps] == list(range(1, len(gaps) + 1))


def test_an_ended_initiative_covers_nothing_and_one_ending_today_still_counts(world, version):
    make_initiative(
        world.municipality,
        items=[item(version, "1.a")],
        stages=["f3"],
        starts=TODAY - timedelta(days=400),
        ends=TODAY - timedelta(days=1),
    )
    make_initiative(world.municipality, items=[item(version, "2.a")], stages=["f3"], ends=TODAY)
    gaps = gap_report.ranked_gaps(world.municipality, version.framework, TODAY)
    assert gap_at(gaps, "area", "f3", "1").state == State.GAP
    assert gap_at(gaps, "area", "f3", "2") is None


def test_an_initiative_for_all_covers_only_the_all_column(world, version):
    make_initiative(world.municipality, stages=["y7_9"], target_groups=["all"])
    report = gap_report.municipality_report(world.municipality, version.framework, today=TODAY)
    row = {r.code: r for r in report.group_view.rows}
    y7_9 = [s for s, _label in report.group_view.stages].index("y7_9")
    assert row["all"].cells[y7_9].state == State.COVERED
    assert row["girls_women"].cells[y7_9].state == State.GAP
    assert gap_at(report.gaps, "group", "y7_9", "girls_women").state == State.GAP


def test_an_initiative_spanning_every_stage_covers_every_stage_of_its_area(world, version):
    make_initiative(world.municipality, items=[item(version, "2.a")], stages=list(Stage.values))
    report = gap_report.municipality_report(world.municipality, version.framework, today=TODAY)
    area_2 = next(r for r in report.area_view.rows if r.code == "2")
    assert {c.state for c in area_2.cells} == {State.COVERED}
    assert {c.summary.count for c in area_2.cells} == {1}


def test_gaps_in_an_area_with_a_priority_from_the_latest_closed_round_rank_first(world, version):
    coordinator = world.people["coordinator"]
    older = make_round(
        world.municipality,
        version,
        status=Round.Status.CLOSED,
        opened_at=timezone.now() - timedelta(days=400),
        closed_at=timezone.now() - timedelta(days=300),
    )
    mark_priority(older, item(version, "1.a"), note="", by=coordinator)
    latest = make_round(world.municipality, version, status=Round.Status.CLOSED, closed_at=timezone.now())
    mark_priority(latest, item(version, "2.b"), note="", by=coordinator)
    make_round(world.municipality, version)  # a newer round still open: its (absent) priorities do not count
    gaps = gap_report.ranked_gaps(world.municipality, version.framework, TODAY)
    assert [(g.kind, g.stage, g.column, g.score) for g in gaps[:2]] == [
        ("area", "preschool", "2", 5),
        ("area", "f3", "2", 5),
    ]
    assert gap_at(gaps, "area", "preschool", "1").score == 3  # the older round's priority is history
    # then under-represented groups (4), before the rest (3)
    assert gaps[10].kind == "group" and gaps[10].score == 4
    # the priority item is suggested first in its area
    assert [n.code for n in gaps[0].suggestions.items] == ["2.b", "2.a"]
    assert "2.b" in gaps[0].suggestions.priority_codes


def test_without_a_closed_round_the_open_rounds_priorities_count(world, version):
    open_round = make_round(world.municipality, version)
    mark_priority(open_round, item(version, "1.b"), note="", by=world.people["coordinator"])
    gaps = gap_report.ranked_gaps(world.municipality, version.framework, TODAY)
    assert (gaps[0].column, gaps[0].score) == ("1", 5)


def test_suggestions_are_other_municipalities_initiatives_of_the_region_shared_with_all(world, version):
    neighbour = make_municipality(world.region, name="Grannby kommun")
    a = item(version, "1.a")
    make_initiative(neighbour, name="Grannbys teknikdag", items=[a], stages=["f3"], sharing="all")
    make_initiative(neighbour, name="Bara för regionen", items=[a], stages=["f3"], sharing="region")
    make_initiative(neighbour, name="Bara för oss", items=[a], stages=["f3"], sharing="municipality")
    make_initiative(
        neighbour,
        name="Avslutad",
        items=[a],
        stages=["f3"],
        sharing="all",
        starts=TODAY - timedelta(days=90),
        ends=TODAY - timedelta(days=1),
    )
    make_initiative(world.other_municipality, name="Annan region", items=[a], stages=["f3"], sharing="all")
    make_initiative(
        neighbour, name="Flickor i teknik", stages=["f3"], target_groups=["girls_women"], sharing="all"
    )
    gaps = gap_report.ranked_gaps(world.municipality, version.framework, TODAY)
    examples = gap_at(gaps, "area", "f3", "1").suggestions.examples
    assert [(e.name, e.municipality) for e in examples] == [("Grannbys teknikdag", "Grannby kommun")]
    group = gap_at(gaps, "group", "f3", "girls_women").suggestions
    assert [e.name for e in group.examples] == ["Flickor i teknik"]
    assert group.items == ()  # a target group has no framework area
    # what the municipality shares itself is never suggested to itself
    make_initiative(
        world.municipality, name="Egen", items=[item(version, "2.a")], stages=["f3"], sharing="all"
    )
    gaps = gap_report.ranked_gaps(neighbour, version.framework, TODAY)
    assert [e.name for e in gap_at(gaps, "area", "f3", "2").suggestions.examples] == ["Egen"]
    assert gap_at(gaps, "area", "f3", "1") is None  # the neighbour covers it itself


def test_examples_are_limited_robust_first_with_a_count_of_the_rest(world, version):
    neighbour = make_municipality(world.region, name="Grannby kommun")
    a = item(version, "1.a")
    for n in range(6):
        fragile(neighbour, name=f"Skört {n}", items=[a], stages=["f3"], sharing="all")
    make_initiative(neighbour, name="Ö robust", items=[a], stages=["f3"], sharing="all")
    suggestions = gap_at(
        gap_report.ranked_gaps(world.municipality, version.framework, TODAY), "area", "f3", "1"
    ).suggestions
    assert [e.name for e in suggestions.examples] == ["Ö robust", "Skört 0", "Skört 1", "Skört 2", "Skört 3"]
    assert suggestions.more_examples == 2


def test_cell_detail_lists_the_initiatives_with_why_they_are_fragile_and_ended_ones_apart(world, version):
    a = item(version, "1.a")
    make_initiative(world.school, name="Robust", items=[a], stages=["f3"])
    fragile(world.municipality, name="Projekt", items=[a], stages=["f3"])
    make_initiative(
        world.municipality,
        name="Ensam",
        items=[a],
        stages=["f3"],
        responsible_function="",
        named_people="Kim",
    )
    make_initiative(
        world.municipality,
        name="Avslutad",
        items=[a],
        stages=["f3"],
        starts=TODAY - timedelta(days=90),
        ends=TODAY - timedelta(days=2),
    )
    area = version.areas().get(code="1")
    detail = gap_cell.cell_detail(
        world.municipality, version.framework, kind="area", stage="f3", column="1", area=area, today=TODAY
    )
    rows = {r.initiative.name: r for r in detail.initiatives}
    assert [r.initiative.name for r in detail.initiatives][-1] == "Avslutad"
    assert (detail.state, detail.count_text) == (State.COVERED, "3 (1 robust)")
    assert rows["Robust"].robust and rows["Robust"].reasons == []
    assert rows["Projekt"].reasons == ["Funded by project money"]
    assert "Project funding ends within a year" in rows["Projekt"].risks
    assert rows["Ensam"].reasons == ["Person-dependent"]
    assert not rows["Avslutad"].active and detail.ended == [rows["Avslutad"]]
    assert [n.code for n in detail.suggestions.items] == ["1.a", "1.b"]


# --- the region ---------------------------------------------------------------------------------------------


def test_region_report_counts_only_initiatives_shared_with_the_region(world, version):
    a, b = item(version, "1.a"), item(version, "2.a")
    quiet = make_municipality(world.region, name="Tystby kommun")
    make_initiative(world.municipality, items=[a], stages=["f3"], sharing="region")
    fragile(world.municipality, items=[b], stages=["f3", "y4_6"], sharing="all")
    make_initiative(world.municipality, items=[a], stages=["y7_9"], sharing="municipality")  # not shared
    make_initiative(quiet, items=[a], stages=["f3"], sharing="municipality")
    make_initiative(world.other_municipality, items=[a], stages=["f3"], sharing="all")  # another region
    report = gap_region.region_report(world.region, version.framework, area=None, today=TODAY)
    rows = {r.municipality.name: r for r in report.rows}
    assert set(rows) == {"Norrby kommun", "Tystby kommun"}
    norrby = {c.stage: c for c in rows["Norrby kommun"].cells}
    assert (norrby["f3"].summary.count, norrby["f3"].summary.robust, norrby["f3"].state) == (
        2,
        1,
        State.COVERED,
    )
    assert norrby["y4_6"].state == State.FRAGILE
    assert norrby["y7_9"].state == State.GAP  # the unshared initiative is not seen
    assert rows["Tystby kommun"].nothing_shared and not rows["Norrby kommun"].nothing_shared
    assert report.sharing == 1
    assert report.covered[[s for s, _ in report.stages].index("f3")] == 1
    only_2 = gap_region.region_report(world.region, version.framework, area="2", today=TODAY)
    norrby_2 = {c.stage: c for c in only_2.rows[0].cells}
    assert (norrby_2["f3"].summary.count, norrby_2["f3"].state) == (1, State.FRAGILE)


def test_gaps_workbook_has_one_row_per_ranked_gap_and_guards_formulas(world, version):
    neighbour = make_municipality(world.region, name="Grannby kommun")
    make_initiative(
        neighbour, name="=HYPERLINK(1)", items=[item(version, "1.a")], stages=["f3"], sharing="all"
    )
    report = gap_report.municipality_report(world.municipality, version.framework, today=TODAY)
    sheet = load_workbook(io.BytesIO(exports.gaps_workbook(report))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Rank", "Stage", "Area or target group", "State", "Score")
    assert len(rows) == 1 + len(report.gaps)
    f3_1 = next(r for r in rows[1:] if r[1] == "School years F–3" and r[2] == "1 Area 1")
    assert f3_1[3:7] == ("Gap", 4, 0, 0)  # 3 for a gap, 1 as a neighbouring municipality has one there
    assert f3_1[7] == "1.a Item 1a; 1.b Item 1b"
    assert f3_1[8] == "'=HYPERLINK(1) (Grannby kommun)"
    assert rows[0][9] == "Why it ranks here"
    assert f3_1[9] == (
        "No ongoing initiative in school years F–3; one neighbouring municipality has initiatives here."
    )
