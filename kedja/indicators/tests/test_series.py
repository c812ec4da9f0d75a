"""An indicator's series (kedja/indicators/series.py): the municipality, its region's mean and Sweden by
gender from stored Kolada values; a manual indicator's own values."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kedja.indicators.factories import make_indicator
from kedja.indicators.models import Gender, IndicatorValue
from kedja.indicators.series import COUNTRY, OWN, REGION, indicator_series, own_area, region_municipalities
from kedja.kolada.models import Kpi, KpiValue
from kedja.organisations.factories import make_municipality, make_unit
from kedja.organisations.roles import Kind

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # db: means computed in SQL

KPI = "N15419"


def put(area, year, values, *, fetched_at=None, area_type="municipality"):
    """Stored Kolada values of KPI for `area` in `year`: {"T": 80.0, "K": 85.0, "M": None}."""
    for gender, value in values.items():
        KpiValue.objects.create(
            kpi_id=KPI,
            area_type=area_type,
            area_code=area,
            period=year,
            gender=gender,
            value=value,
            fetched_at=fetched_at or timezone.now(),
        )


@pytest.fixture
def region_world(world):
    """Region Norr: Norrby (0299, the world's municipality) and two more; a municipality of another
    region whose values must not count."""
    Kpi.objects.create(id=KPI, title="Elever i åk 9 som är behöriga")
    make_municipality(world.region, name="Östby kommun", code="0201")
    make_municipality(world.region, name="Västby kommun", code="0202")
    make_municipality(world.region, name="Nyby kommun (utan kod)", code="")
    return world


def kolada_indicator(world, **overrides):
    return make_indicator(
        world.municipality, name="Behörighet", source="kolada", kolada_kpi=KPI, unit="percent", **overrides
    )


def test_region_municipalities_follow_the_tree(region_world):
    name, codes = region_municipalities(region_world.municipality)
    assert name == "Region Norr" and codes == ["0201", "0202", "0299"]
    school = region_world.municipality.children.filter(kind=Kind.ADMINISTRATION).first()
    assert region_municipalities(school) == (name, codes)
    assert region_municipalities(region_world.region) == (name, codes)
    assert region_municipalities(region_world.other_municipality)[1] == ["1199"]


def test_kolada_series_municipality_region_mean_and_sweden(region_world):
    w = region_world
    put("0299", 2022, {"T": 80.0, "K": 84.0, "M": 76.0})
    put("0201", 2022, {"T": 70.0, "K": 72.0, "M": 68.0})
    put("0202", 2022, {"T": 60.5, "K": 61.0, "M": 60.0})
    put("1199", 2022, {"T": 10.0, "K": 10.0, "M": 10.0})  # another region's municipality
    put("0000", 2022, {"T": 75.0, "K": 77.0, "M": 73.0})
    put("0002", 2022, {"T": 99.0})  # Kolada's own region figure: not what the mean is made of
    data = indicator_series(kolada_indicator(w))
    assert [s.kind for s in data.series] == [OWN, REGION, COUNTRY]
    own, region, country = data.series
    assert own.name == "Norrby kommun" and own.code == "0299"
    assert own.values == {"total": {2022: 80.0}, "women": {2022: 84.0}, "men": {2022: 76.0}}
    assert region.name == "Region Norr"
    assert region.values["total"] == {2022: 70.17}  # (80 + 70 + 60.5) / 3, rounded to two decimals
    assert region.values["women"] == {2022: 72.33}
    assert region.counts["total"] == {2022: 3}
    assert country.values["men"] == {2022: 73.0}
    assert data.region_size == 3 and data.years == [2022]
    assert data.genders == ["total", "women", "men"]
    assert data.totals() == {2022: 80.0}


def test_region_mean_rests_only_on_municipalities_with_a_value_that_year(region_world):
    w = region_world
    put("0299", 2021, {"T": 50.0})
    put("0201", 2021, {"T": 40.0})
    put("0202", 2021, {"T": None})  # Kolada had no value (suppressed or not reported)
    put("0299", 2022, {"T": 52.0})
    # 0201 and 0202 have nothing stored for 2022
    region = indicator_series(kolada_indicator(w)).get(REGION)
    assert region.values["total"] == {2021: 45.0, 2022: 52.0}
    assert region.counts["total"] == {2021: 2, 2022: 1}


def test_genders_present_only_where_kolada_has_them(region_world):
    w = region_world
    put("0299", 2023, {"T": 12.0})
    put("0000", 2023, {"T": 11.0})
    data = indicator_series(kolada_indicator(w))
    assert data.genders == ["total"]
    assert data.own.for_gender(Gender.WOMEN) == {}
    put("0000", 2023, {"K": 13.0})
    assert indicator_series(kolada_indicator(w)).genders == ["total", "women"]


def test_no_values_anywhere(region_world):
    data = indicator_series(kolada_indicator(region_world))
    assert data.years == [] and data.genders == [] and data.fetched_at is None
    assert all(s.is_empty for s in data.series)


def test_fetched_at_is_the_latest_fetch_of_any_value_shown(region_world):
    now = timezone.now()
    put("0299", 2022, {"T": 1.0}, fetched_at=now - timedelta(days=3))
    put("0201", 2022, {"T": 1.0}, fetched_at=now - timedelta(days=1))
    put("0000", 2022, {"T": 1.0}, fetched_at=now - timedelta(days=2))
    put("1199", 2022, {"T": 1.0}, fetched_at=now)  # not shown
    assert indicator_series(kolada_indicator(region_world)).fetched_at == now - timedelta(days=1)


def test_the_indicators_area_wins_over_the_organisations_code(region_world):
    put("0201", 2022, {"T": 33.0})
    put("0299", 2022, {"T": 80.0})
    data = indicator_series(kolada_indicator(region_world, area="0201"))
    assert data.own.values == {"total": {2022: 33.0}}


def test_a_school_units_kolada_id_is_read_as_a_unit(region_world):
    school = make_unit(region_world.municipality, name="Norrbyskolan")
    indicator = make_indicator(
        school, name="Behörighet skola", source="kolada", kolada_kpi=KPI, area="V15E029900101"
    )
    assert own_area(indicator) == ("ou", "V15E029900101")
    put("V15E029900101", 2022, {"T": 91.0}, area_type="ou")
    put("0299", 2022, {"T": 80.0})
    data = indicator_series(indicator)
    assert data.own.values == {"total": {2022: 91.0}}
    assert data.get(REGION).values["total"] == {2022: 80.0}


def test_outside_a_region_there_is_no_region_series(db):
    from kedja.organisations.models import Organisation

    Kpi.objects.create(id=KPI, title="x")
    loose = Organisation.objects.create(kind=Kind.MUNICIPALITY, name="Fristående", code="2580")
    put("2580", 2022, {"T": 5.0})
    put("0000", 2022, {"T": 6.0})
    data = indicator_series(make_indicator(loose, source="kolada", kolada_kpi=KPI))
    assert [s.kind for s in data.series] == [OWN, COUNTRY]


def test_manual_indicator_has_only_its_own_values(region_world):
    put("0299", 2022, {"T": 80.0})  # Kolada values of the same area are not mixed in
    indicator = make_indicator(region_world.municipality, values={2021: 30.0, 2022: 35.0})
    IndicatorValue.objects.create(indicator=indicator, period=2022, gender="women", value=40.0)
    data = indicator_series(indicator)
    assert [s.kind for s in data.series] == [OWN]
    assert data.own.values == {"total": {2021: 30.0, 2022: 35.0}, "women": {2022: 40.0}}
    assert data.genders == ["total", "women"] and data.years == [2021, 2022]
    assert not data.is_kolada and data.fetched_at is None


def test_a_fixed_number_of_queries_whatever_the_size(region_world):
    w = region_world
    for n in range(20):
        make_municipality(w.region, name=f"Extra {n}", code=f"02{n + 10:02d}")
    for code in ["0299", "0201", "0202", "0000", *(f"02{n + 10:02d}" for n in range(20))]:
        for year in range(2013, 2025):
            put(code, year, {"T": 50.0, "K": 52.0, "M": 48.0})
    indicator = kolada_indicator(w)
    indicator.organisation.refresh_from_db()
    with CaptureQueriesContext(connection) as kolada:
        data = indicator_series(indicator)
    assert len(kolada) <= 3
    assert data.region_size == 23 and len(data.years) == 12 and data.get(REGION).counts["men"][2024] == 23
    manual = make_indicator(w.municipality, values={2022: 1.0})
    with CaptureQueriesContext(connection) as queries:
        indicator_series(manual)
    assert len(queries) == 1
