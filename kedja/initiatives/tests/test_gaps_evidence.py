"""The ranking rule (docs/gap-analysis.md, "Ranking the gaps") and the sentence each gap says, as plain
functions: the self-assessed level, priorities, indicators off track, the largest drop, fragile initiatives
and the neighbours each add their points and their words."""

from django.utils import translation

from kedja.frameworks.chain import WHOLE
from kedja.initiatives.gap_evidence import reason_sentence
from kedja.initiatives.gaps import (
    LARGEST_DROP,
    OFF_TRACK,
    Evidence,
    Reason,
    Signal,
    State,
    rank_cells,
    reasons_for,
)

STAGES = [WHOLE, "preschool", "f3", "y4_6", "y7_9"]


def codes(evidence):
    return [(r.code, r.points) for r in reasons_for(evidence)]


def test_each_piece_of_evidence_adds_its_points():
    assert codes(Evidence(State.GAP)) == [("gap", 3)]
    assert codes(Evidence(State.FRAGILE)) == [("fragile", 1)]
    assert codes(Evidence(State.GAP, level=1.0)) == [("gap", 3), ("low_level", 2)]
    assert codes(Evidence(State.GAP, level=2.5)) == [("gap", 3), ("middle_level", 1)]
    assert codes(Evidence(State.GAP, level=3.0)) == [("gap", 3)]
    assert codes(Evidence(State.GAP, priority=True)) == [("gap", 3), ("priority", 2)]
    drop = Signal(LARGEST_DROP, "Åk 9 → gymnasiet", stage="y7_9")
    off = Signal(OFF_TRACK, "Behörighet NA/TE", area="2")
    assert codes(Evidence(State.GAP, signals=(off, drop, off))) == [
        ("gap", 3),
        ("off_track", 2),
        ("largest_drop", 1),
    ]
    fragile = Evidence(State.FRAGILE, funding_ending=1, person_dependent=2, neighbours=2)
    assert codes(fragile) == [
        ("fragile", 1),
        ("funding_ending", 1),
        ("person_dependent", 1),
        ("neighbours", 1),
    ]
    # money ending or one person only weigh where the cell is fragile, not where it is a gap
    assert codes(Evidence(State.GAP, funding_ending=1, person_dependent=1)) == [("gap", 3)]


def test_signals_touch_their_own_cells():
    off = Signal(OFF_TRACK, "x", area="2")
    assert off.touches("area", "f3", "2") and off.touches("area", WHOLE, "2")
    assert not off.touches("area", "f3", "3") and not off.touches("group", "f3", "2")
    drop = Signal(LARGEST_DROP, "x", stage="y7_9")
    assert drop.touches("area", "y7_9", "5") and drop.touches("group", "y7_9", "girls_women")
    assert not drop.touches("area", "f3", "5")
    assert not drop.touches("area", WHOLE, "1")  # a drop is about stages, not the municipality-wide areas
    # a goal naming a municipality-wide area at some stage still lifts the area's one cell
    assert Signal(OFF_TRACK, "x", area="1", stage="f3").touches("area", WHOLE, "1")


def test_equal_scores_take_one_area_or_group_in_turn_along_the_chain():
    evidence = {
        ("area", "preschool", "2"): Evidence(State.GAP),
        ("area", "f3", "2"): Evidence(State.GAP),
        ("area", "y4_6", "2"): Evidence(State.GAP),
        ("area", "f3", "3"): Evidence(State.GAP),
        ("area", WHOLE, "1"): Evidence(State.GAP),
        ("group", "y4_6", "girls_women"): Evidence(State.GAP, under_represented=True),
        ("area", "y7_9", "3"): Evidence(State.GAP, level=1.0),
    }
    columns = [("area", "1"), ("area", "2"), ("area", "3"), ("group", "girls_women")]
    ranked = rank_cells(evidence, stages=STAGES, columns=columns)
    assert [(g.stage, g.column, g.score) for g in ranked] == [
        ("y7_9", "3", 5),
        ("y4_6", "girls_women", 4),
        (WHOLE, "1", 3),  # the turn: each column's first cell, in chain order ...
        ("preschool", "2", 3),
        ("f3", "3", 3),
        ("f3", "2", 3),  # ... then each column's second
        ("y4_6", "2", 3),
    ]
    assert ranked[0].reasons == (Reason("gap", 3), Reason("low_level", 2, 1.0))


def test_covered_cells_are_not_ranked():
    assert (
        rank_cells({("area", "f3", "2"): Evidence(State.COVERED)}, stages=STAGES, columns=[("area", "2")])
        == []
    )


def test_the_sentence_says_why_in_swedish():
    with translation.override("sv"):
        low = (Reason("gap", 3), Reason("low_level", 2, 1.0), Reason("neighbours", 1, 2))
        assert reason_sentence("area", "y7_9", "3", low) == (
            "Lågt skattad (1 av 4) och ingen pågående insats i åk 7–9; 2 grannkommuner har insatser här."
        )
        whole = (Reason("gap", 3), Reason("middle_level", 1, 2.5), Reason("priority", 2))
        assert reason_sentence("area", WHOLE, "1", whole) == (
            "Skattad 2,5 av 4, prioriterad i självskattningen och ingen pågående insats för hela kommunen."
        )
        fragile = (Reason("fragile", 1), Reason("funding_ending", 1, 1), Reason("under_represented", 1))
        assert reason_sentence("group", "adult", "newly_arrived", fragile) == (
            "Bara sårbara insatser för nyanlända i vuxenutbildning (komvux); projektpengarna tar slut inom ett "
            "år; en grupp som är underrepresenterad i STEAM."
        )
