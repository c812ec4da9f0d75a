"""The scheme's rules (docs/domain.md, "Student follow-up"): sum, level and boundaries, the source sheet's
example, refused values."""

import pytest
from django.core.exceptions import ValidationError

from kedja.followup.actions import ensure_scheme
from kedja.followup.models import Level, SchemeVersion, Term
from kedja.followup.scheme import Layout, check_definition, default_scheme_data, delete_after
from kedja.organisations.factories import make_municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def layout():
    return Layout(ensure_scheme(make_municipality()))


def test_the_default_scheme_has_33_columns_in_four_groups_with_18_subjects(layout):
    assert [g.code for g in layout.groups] == ["social", "health", "knowledge", "support"]
    assert len(layout.columns) == 33
    assert len(layout.subjects) == 18
    version = layout.version
    assert (version.yellow_from, version.orange_from, version.red_from, version.stated_max) == (
        40,
        50,
        65,
        78,
    )


def test_the_source_sheets_example_sums_to_44_and_is_yellow(layout):
    subjects = [c.code for c in layout.subjects]
    scores = dict(zip(["friends", "conflicts", "victimised", "victimising"], [0, 1, 2, 0], strict=True))
    scores |= {"medical": 3, "crisis": 0, "family": 0, "invisible": 0, "behaviour": 0, "absence": 0}
    twelve = [s for s in subjects if s != "swedish"][:12]
    scores |= {code: 3 for code in twelve} | {"swedish": 2}
    scores |= {code: 0 for code in subjects if code not in twelve and code != "swedish"}
    scores |= {c.code: 0 for c in layout.columns if c.group == "support"}
    assert len(scores) == 33
    assert layout.row_sum(scores) == 44
    assert layout.level(44) == Level.YELLOW


@pytest.mark.parametrize(
    ("total", "level"),
    [
        (0, "green"),
        (39, "green"),
        (40, "yellow"),
        (49, "yellow"),
        (50, "orange"),
        (64, "orange"),
        (65, "red"),
        (78, "red"),
    ],
)
def test_level_boundaries(layout, total, level):
    assert layout.level(total) == level


def test_a_four_is_refused_with_the_scale_in_the_message(layout):
    with pytest.raises(ValidationError) as e:
        layout.check_score("maths", "4")
    assert "0–3" in e.value.messages[0]
    with pytest.raises(ValidationError):
        layout.check_score("maths", "-1")
    with pytest.raises(ValidationError):
        layout.check_score("maths", "x")
    assert layout.check_score("maths", " 3 ") == 3
    assert layout.check_score("maths", "") is None


def test_an_unknown_column_is_refused(layout):
    with pytest.raises(ValidationError):
        layout.check_score("diagnosis", "1")


def test_weights_count_and_unknown_codes_do_not(layout):
    version = layout.version
    definition = {
        "groups": [{"code": "g", "columns": [{"code": "a", "weight": 2}, {"code": "b", "weight": 0.5}]}]
    }
    weighted = Layout(SchemeVersion(scheme=version.scheme, number=2, definition=definition))
    assert weighted.row_sum({"a": 3, "b": 3, "old": 3}) == 7.5


@pytest.mark.parametrize(
    "definition",
    [
        {},
        {"groups": []},
        {"groups": [{"code": "g", "columns": []}]},
        {"groups": [{"code": "g", "columns": [{"code": "a"}, {"code": "a"}]}]},
        {"groups": [{"code": "g", "columns": [{"code": "a", "weight": 0}]}]},
    ],
)
def test_bad_definitions_are_refused(definition):
    with pytest.raises(ValidationError):
        check_definition(definition)


def test_the_shipped_file_passes_its_own_check():
    check_definition({"groups": default_scheme_data()["groups"]})


def test_retention_counts_from_the_end_of_the_term():
    assert str(delete_after(Term.AUTUMN, 2026, 12)) == "2027-12-31"
    assert str(delete_after(Term.SPRING, 2026, 12)) == "2027-06-30"
    assert str(delete_after(Term.SPRING, 2026, 3)) == "2026-09-30"


@pytest.mark.parametrize(
    "raw, expected",
    [("", None), ("  ", None), (None, None), ("0", 0), (" 3 ", 3), ("2", 2), (2, 2), (2.0, 2), ("03", 3)],
)
def test_parse_score_keeps_exactly_the_whole_number_written(raw, expected):
    from kedja.followup.scheme import parse_score

    assert parse_score(raw, 0, 3) == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        ("-1", "out_of_range"),
        ("12", "out_of_range"),
        ("4", "out_of_range"),
        (4, "out_of_range"),
        ("2.5", "not_a_number"),
        (2.5, "not_a_number"),
        ("5x", "not_a_number"),
        ("+2", "not_a_number"),
        ("1 2", "not_a_number"),
        ("1_0", "not_a_number"),
        ("٣", "not_a_number"),
        ("2,0", "not_a_number"),
        (True, "not_a_number"),
    ],
)
def test_parse_score_refuses_anything_else_and_never_turns_it_into_a_score(raw, code):
    from kedja.followup.scheme import parse_score

    with pytest.raises(ValidationError) as refused:
        parse_score(raw, 0, 3)
    assert refused.value.code == code
    assert str(raw).strip() in refused.value.messages[0] or code == "not_a_number"


def test_a_number_of_thousands_of_digits_is_outside_the_scale_not_a_server_error():
    from django.core.exceptions import ValidationError

    from kedja.followup.scheme import parse_score

    with pytest.raises(ValidationError) as refused:
        parse_score("9" * 5000, 0, 3)
    assert refused.value.code == "out_of_range" and "…" in refused.value.messages[0]
