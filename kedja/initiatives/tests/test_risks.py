"""The risk flags and robustness of an initiative (risks.py, docs/gap-analysis.md), called with plain
values."""

from datetime import date

import pytest

from kedja.initiatives.models import Initiative
from kedja.initiatives.risks import (
    Risks,
    funding_ending,
    initiative_risks,
    is_active,
    is_robust,
    person_dependent,
    risks_for,
)

TODAY = date(2026, 1, 15)


def risks(**overrides) -> Risks:
    values = {
        "people": [],
        "responsible_function": "Utbildningsförvaltningen",
        "funding": "ordinary",
        "funding_ends": None,
        "evidence_base": "research",
        "follow_up": "Andel elever som väljer NA/TE",
        "today": TODAY,
    }
    values.update(overrides)
    return risks_for(**values)


# --- person-dependence ------------------------------------------------------------------------------


def test_one_named_person_and_no_function_is_person_dependent():
    assert person_dependent(people=["Anna Andersson"], responsible_function="")


def test_nobody_named_and_no_function_is_person_dependent():
    """Nobody carries it at all: at least as fragile as one person."""
    assert person_dependent(people=[], responsible_function="")


def test_two_people_and_no_function_are_not_person_dependent():
    assert not person_dependent(people=["Anna Andersson", "Bo Berg"], responsible_function="")


def test_one_person_with_a_function_is_not_person_dependent():
    assert not person_dependent(people=["Anna Andersson"], responsible_function="STEAM-samordnare")


def test_a_function_of_blanks_is_no_function():
    assert person_dependent(people=["Anna Andersson"], responsible_function="   ")


def test_blank_lines_are_not_people():
    assert person_dependent(people=["Anna Andersson", "", "   "], responsible_function="")


def test_the_model_reads_one_person_per_line_ignoring_blank_lines():
    initiative = Initiative(named_people="Anna Andersson\n\n   \nBo Berg\n", responsible_function="")
    assert initiative.people() == ["Anna Andersson", "Bo Berg"]
    assert not initiative_risks(initiative, today=TODAY).person_dependent


# --- funding ending ---------------------------------------------------------------------------------


@pytest.mark.parametrize("funding", ["project", "grant"])
def test_project_money_ending_in_11_months_is_ending(funding):
    assert funding_ending(funding=funding, funding_ends=date(2026, 12, 15), today=TODAY)


@pytest.mark.parametrize("funding", ["project", "grant"])
def test_project_money_ending_in_13_months_is_not_ending_yet(funding):
    assert not funding_ending(funding=funding, funding_ends=date(2027, 2, 15), today=TODAY)


def test_the_year_boundary_counts_as_ending():
    """Within 12 months means up to and including 365 days from today."""
    assert funding_ending(funding="project", funding_ends=date(2027, 1, 15), today=TODAY)
    assert not funding_ending(funding="project", funding_ends=date(2027, 1, 16), today=TODAY)


def test_project_funding_that_has_already_ended_is_flagged():
    assert funding_ending(funding="project", funding_ends=date(2025, 6, 30), today=TODAY)
    assert funding_ending(funding="grant", funding_ends=TODAY, today=TODAY)


@pytest.mark.parametrize("ends", [None, date(2025, 6, 30), date(2026, 2, 1), date(2030, 1, 1)])
def test_ordinary_funding_never_ends(ends):
    assert not funding_ending(funding="ordinary", funding_ends=ends, today=TODAY)


def test_project_money_without_an_end_date_is_not_flagged_as_ending():
    """The form and imports demand the date; an old row without it is not guessed at."""
    assert not funding_ending(funding="project", funding_ends=None, today=TODAY)


# --- evidence and follow-up -------------------------------------------------------------------------


def test_evidence_none_is_flagged():
    assert risks(evidence_base="none").no_evidence


@pytest.mark.parametrize("evidence", ["research", "experience"])
def test_research_or_proven_experience_is_evidence(evidence):
    assert not risks(evidence_base=evidence).no_evidence


@pytest.mark.parametrize("follow_up", ["", "   ", "\n"])
def test_empty_follow_up_is_flagged(follow_up):
    assert risks(follow_up=follow_up).no_follow_up


def test_a_follow_up_indicator_clears_the_flag():
    assert not risks(follow_up="Behörighet till NA/TE, per kön").no_follow_up


# --- all together -----------------------------------------------------------------------------------


def test_a_well_carried_initiative_has_no_flags():
    result = risks()
    assert not result.any
    assert result.flags() == []


def test_flags_come_in_a_fixed_order():
    result = risks(
        people=["Anna Andersson"],
        responsible_function="",
        funding="grant",
        funding_ends=date(2026, 3, 1),
        evidence_base="none",
        follow_up="",
    )
    assert result.any
    assert result.flags() == ["person_dependent", "funding_ending", "no_evidence", "no_follow_up"]


def test_one_flag_is_enough_for_any():
    assert risks(follow_up="").any
    assert risks(follow_up="").flags() == ["no_follow_up"]


# --- robustness -------------------------------------------------------------------------------------


def test_ordinary_budget_carried_by_a_function_is_robust():
    assert is_robust(funding="ordinary", people=[], responsible_function="STEAM-samordnare")


def test_ordinary_budget_with_two_people_is_robust():
    assert is_robust(funding="ordinary", people=["Anna Andersson", "Bo Berg"], responsible_function="")


def test_ordinary_budget_with_one_person_and_no_function_is_not_robust():
    assert not is_robust(funding="ordinary", people=["Anna Andersson"], responsible_function="")


@pytest.mark.parametrize("funding", ["project", "grant"])
def test_project_money_is_never_robust(funding):
    """Even far from ending and carried by a function: project money is not long-term funding."""
    assert not is_robust(funding=funding, people=["A", "B"], responsible_function="Kommunledningen")


# --- active -----------------------------------------------------------------------------------------


def test_an_initiative_without_end_is_active():
    assert is_active(ends=None, today=TODAY)


def test_an_initiative_is_active_through_its_last_day():
    assert is_active(ends=TODAY, today=TODAY)
    assert not is_active(ends=date(2026, 1, 14), today=TODAY)
