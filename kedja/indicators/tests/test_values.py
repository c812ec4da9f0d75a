"""Indicators, targets and the values grid (actions.save_indicator, set_target, save_values)."""

import pytest
from django.core.exceptions import ValidationError

from kedja.indicators.actions import save_indicator, save_values, set_target
from kedja.indicators.factories import make_goal, make_indicator
from kedja.indicators.models import IndicatorValue
from kedja.indicators.status import Status, indicator_status
from kedja.organisations.factories import make_municipality, make_user
from kedja.organisations.models import AuditEvent

pytestmark = pytest.mark.django_db
TODAY = 2026


@pytest.fixture
def indicator():
    return make_indicator(make_municipality(), name="Andel behöriga till NA/TE")


def cells(indicator):
    return set(IndicatorValue.objects.filter(indicator=indicator).values_list("period", "gender", "value"))


def test_grid_saves_every_row_with_gender_split(indicator):
    by = make_user()
    rows = [
        {"period": 2024, "value": 41.5},
        {"period": 2024, "gender": "women", "value": "38,0"},
        {"period": "2024", "gender": "men", "value": 45},
    ]
    assert save_values(indicator, rows, by=by, today_year=TODAY) == 3
    assert cells(indicator) == {(2024, "total", 41.5), (2024, "women", 38.0), (2024, "men", 45.0)}
    assert IndicatorValue.objects.filter(entered_by=by).count() == 3
    assert AuditEvent.objects.filter(verb="indicator.values_saved", actor=by).count() == 1


def test_grid_is_all_or_nothing_with_errors_per_row(indicator):
    save_values(indicator, [{"period": 2023, "value": 40}], by=None, today_year=TODAY)
    rows = [
        {"period": 2023, "value": 50},  # fine, but must not be written
        {"period": 2024, "value": 105},  # above 100 %
        {"period": 2027, "value": 42},  # a future year
        {"period": 2024, "value": "mycket"},
    ]
    with pytest.raises(ValidationError) as e:
        save_values(indicator, rows, by=None, today_year=TODAY)
    assert set(e.value.error_dict) == {1, 2, 3}
    assert cells(indicator) == {(2023, "total", 40.0)}
    assert not AuditEvent.objects.filter(verb="indicator.values_saved", detail__cells__0__2=50).exists()


def test_same_cell_twice_in_a_grid_is_refused(indicator):
    with pytest.raises(ValidationError) as e:
        save_values(
            indicator, [{"period": 2024, "value": 1}, {"period": 2024, "value": 2}], by=None, today_year=TODAY
        )
    assert set(e.value.error_dict) == {1}


def test_saving_again_overwrites_and_an_empty_cell_deletes(indicator):
    save_values(
        indicator, [{"period": 2023, "value": 40}, {"period": 2024, "value": 42}], by=None, today_year=TODAY
    )
    save_values(
        indicator, [{"period": 2023, "value": 41}, {"period": 2024, "value": ""}], by=None, today_year=TODAY
    )
    assert cells(indicator) == {(2023, "total", 41.0)}


def test_negative_count_is_refused_in_the_grid():
    counts = make_indicator(make_municipality(), unit="count")
    with pytest.raises(ValidationError) as e:
        save_values(counts, [{"period": 2024, "value": -2}], by=None, today_year=TODAY)
    assert "below the lowest possible value" in e.value.error_dict[0][0].message


def test_set_target_and_status_follow_the_values(indicator):
    save_values(
        indicator, [{"period": 2024, "value": 42}, {"period": 2025, "value": 44}], by=None, today_year=TODAY
    )
    assert indicator_status(indicator, today_year=TODAY) == Status.NO_DATA
    set_target(indicator, target=60, target_year=2030, baseline=40, baseline_year=2022, by=None)
    assert indicator.version == 1
    assert indicator_status(indicator, today_year=TODAY) == Status.AT_RISK
    assert AuditEvent.objects.filter(verb="indicator.target_set", detail__target_year=2030).exists()


def test_target_outside_range_or_before_baseline_is_refused(indicator):
    with pytest.raises(ValidationError):
        set_target(indicator, target=120, target_year=2030, by=None)
    with pytest.raises(ValidationError):
        set_target(indicator, target=60, target_year=2020, baseline=40, baseline_year=2022, by=None)
    with pytest.raises(ValidationError):
        set_target(indicator, target=60, target_year=None, by=None)


def test_kolada_indicator_needs_its_kpi():
    municipality = make_municipality()
    with pytest.raises(ValidationError) as e:
        make_indicator(municipality, source="kolada")
    assert "kolada_kpi" in e.value.message_dict
    kolada = make_indicator(municipality, source="kolada", kolada_kpi="N15419", area="0299")
    assert kolada.kolada_kpi == "N15419"


def test_indicator_serves_a_goal_of_its_own_organisation():
    municipality = make_municipality()
    goal = make_goal(municipality)
    assert make_indicator(municipality, goal=goal).goal == goal
    with pytest.raises(ValidationError):
        make_indicator(make_municipality(), goal=goal)


def test_update_keeps_unchanged_fields(indicator):
    save_indicator(indicator, data={"definition": "Ny definition"}, by=None)
    indicator.refresh_from_db()
    assert indicator.name == "Andel behöriga till NA/TE" and indicator.version == 1
