"""An indicator's status and the value checks (status.py, docs/indicators.md "Status rule"), called with plain
values."""

import pytest
from django.core.exceptions import ValidationError

from kedja.indicators.status import (
    Status,
    check_value,
    default_range,
    expected_value,
    status_for,
    value_range,
)

TODAY = 2026


def status(values, **overrides):
    params = {
        "baseline": 40.0,
        "baseline_year": 2022,
        "target": 60.0,
        "target_year": 2030,
        "direction": "higher_better",
        "today_year": TODAY,
    }
    params.update(overrides)
    return status_for(values, **params)


# --- no data ------------------------------------------------------------------------------------------


def test_no_values_is_no_data():
    assert status({}) == Status.NO_DATA


def test_no_target_is_no_data():
    assert status({2024: 50.0}, target=None, target_year=None) == Status.NO_DATA


# --- on the line --------------------------------------------------------------------------------------


def test_exactly_on_the_line_is_on_track():
    """40 in 2022 → 60 in 2030 is 2.5 a year: 50 is expected in 2026."""
    assert expected_value(start=40, start_year=2022, target=60, target_year=2030, year=2026) == 50
    assert status({2026: 50.0}) == Status.ON_TRACK


def test_on_the_line_despite_float_rounding_is_on_track():
    assert status({2025: 0.1 + 0.2}, baseline=0.0, baseline_year=2024, target=0.6, target_year=2026) == (
        Status.ON_TRACK
    )


def test_ahead_of_the_line_is_on_track():
    assert status({2024: 49.0}) == Status.ON_TRACK


def test_reached_early_is_on_track():
    assert status({2024: 61.0}) == Status.ON_TRACK


def test_behind_the_line_but_improving_is_at_risk():
    assert status({2024: 42.0, 2025: 44.0}) == Status.AT_RISK


def test_behind_the_line_and_worsening_is_off_track():
    assert status({2024: 46.0, 2025: 44.0}) == Status.OFF_TRACK


def test_behind_the_line_and_flat_is_off_track():
    assert status({2024: 44.0, 2025: 44.0}) == Status.OFF_TRACK


# --- direction ----------------------------------------------------------------------------------------


def lower(values, **overrides):
    return status(values, baseline=20.0, target=10.0, direction="lower_better", **overrides)


def test_lower_is_better_on_the_line_is_on_track():
    assert lower({2026: 15.0}) == Status.ON_TRACK


def test_lower_is_better_reached_is_on_track():
    assert lower({2024: 9.0}) == Status.ON_TRACK


def test_lower_is_better_falling_but_behind_is_at_risk():
    assert lower({2025: 19.0, 2026: 18.0}) == Status.AT_RISK


def test_lower_is_better_rising_is_off_track():
    assert lower({2025: 17.0, 2026: 18.0}) == Status.OFF_TRACK


# --- the target year ----------------------------------------------------------------------------------


def test_after_the_target_year_without_reaching_is_off_track():
    assert status({2029: 59.0}, today_year=2031) == Status.OFF_TRACK


def test_value_of_the_target_year_short_of_the_target_is_off_track():
    assert status({2029: 57.0, 2030: 59.0}, today_year=2030) == Status.OFF_TRACK


def test_reached_after_the_target_year_is_on_track():
    assert status({2031: 60.0}, today_year=2032) == Status.ON_TRACK


# --- few values, no baseline, gaps --------------------------------------------------------------------


def test_one_value_without_baseline_is_its_own_start_and_on_track():
    assert status({2024: 30.0}, baseline=None, baseline_year=None) == Status.ON_TRACK


def test_one_value_behind_but_above_the_baseline_is_at_risk():
    """The baseline stands in for the missing previous value when judging the trend."""
    assert status({2026: 45.0}) == Status.AT_RISK


def test_one_value_below_the_baseline_is_off_track():
    assert status({2026: 38.0}) == Status.OFF_TRACK


def test_no_baseline_uses_the_first_value_as_start():
    """30 in 2022 → 60 in 2030: 37.5 expected in 2024."""
    assert status({2022: 30.0, 2024: 38.0}, baseline=None, baseline_year=None) == Status.ON_TRACK
    assert status({2022: 30.0, 2024: 36.0}, baseline=None, baseline_year=None) == Status.AT_RISK


def test_baseline_without_its_year_is_ignored():
    assert status({2022: 30.0, 2024: 38.0}, baseline=50.0, baseline_year=None) == Status.ON_TRACK


def test_missing_years_compare_with_the_nearest_earlier_value():
    """2023 and 2024 are missing: the 2025 value is compared with 2022's for the trend."""
    assert status({2022: 41.0, 2025: 43.0}) == Status.AT_RISK
    assert status({2022: 44.0, 2025: 43.0}) == Status.OFF_TRACK


def test_unordered_values_are_read_by_year():
    assert status({2025: 44.0, 2024: 42.0}) == Status.AT_RISK


# --- check_value --------------------------------------------------------------------------------------


def test_percent_above_100_is_refused():
    low, high = default_range("percent")
    with pytest.raises(ValidationError) as e:
        check_value(105, unit_min=low, unit_max=high, period=2025, today_year=TODAY)
    assert "above the highest possible value" in e.value.message_dict["value"][0]


def test_percent_at_the_edges_is_accepted():
    check_value(0, unit_min=0, unit_max=100, period=2025, today_year=TODAY)
    check_value(100.0, unit_min=0, unit_max=100, period=2025, today_year=TODAY)


def test_future_year_is_refused():
    with pytest.raises(ValidationError) as e:
        check_value(50, unit_min=0, unit_max=100, period=TODAY + 1, today_year=TODAY)
    assert "period" in e.value.message_dict


def test_this_year_is_accepted():
    check_value(50, unit_min=0, unit_max=100, period=TODAY, today_year=TODAY)


def test_negative_count_is_refused():
    low, high = default_range("count")
    with pytest.raises(ValidationError) as e:
        check_value(-1, unit_min=low, unit_max=high, period=2025, today_year=TODAY)
    assert "below the lowest possible value" in e.value.message_dict["value"][0]


def test_large_count_and_negative_score_are_accepted():
    check_value(10**6, unit_min=0, unit_max=None, period=2025, today_year=TODAY)
    check_value(-3.5, unit_min=None, unit_max=None, period=2025, today_year=TODAY)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "12", True])
def test_not_a_number_is_refused(bad):
    with pytest.raises(ValidationError):
        check_value(bad, unit_min=None, unit_max=None, period=2025, today_year=TODAY)


def test_own_range_overrides_the_units_default():
    assert value_range("percent", None, 50) == (0, 50)
    assert value_range("score", 1, 5) == (1, 5)
    assert value_range("ratio", None, None) == (None, None)
