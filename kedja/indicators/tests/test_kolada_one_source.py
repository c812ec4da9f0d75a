"""One indicator, one source of values: an indicator that follows Kolada takes its values from Kolada only —
no "Enter values", typed values refused — and the goals list, the goal export and the indicator page show
the same latest value (a value typed by hand before never counts for it)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kedja.indicators.actions import save_values
from kedja.indicators.factories import make_indicator
from kedja.indicators.kolada_sync import sync_indicator, sync_values
from kedja.indicators.models import Gender, Indicator, IndicatorValue, Source
from kedja.indicators.series import counted_totals, indicator_series
from kedja.indicators.views import indicator_row
from kedja.kolada.models import Kpi, KpiValue

pytestmark = pytest.mark.django_db

KPI = "N15419"


@pytest.fixture
def kolada(world):
    Kpi.objects.create(id=KPI, title="Elever i åk 9 som är behöriga")
    for year, value in ((2023, 61.0), (2024, 63.5)):
        KpiValue.objects.create(
            kpi_id=KPI, area_type="municipality", area_code="0299", period=year, gender="T", value=value,
            fetched_at=timezone.now(),
        )  # fmt: skip
    # No area on the indicator: its own series is the organisation's Kolada id (0299), on the page and in sync.
    return make_indicator(
        world.municipality, name="Behörighet", source="kolada", kolada_kpi=KPI, unit="percent"
    )


def test_a_kolada_indicator_refuses_typed_values(world, client, kolada):
    with pytest.raises(ValidationError):
        save_values(kolada, [{"period": 2024, "value": "70"}], by=None)
    client.force_login(world.people["coordinator"])
    page = client.get(reverse("indicators:indicator", args=[kolada.pk])).content.decode()
    assert reverse("indicators:values", args=[kolada.pk]) not in page
    response = client.post(
        reverse("indicators:values", args=[kolada.pk]), {"year_0": "2024", "total_0": "70"}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "indicators:indicator", args=[kolada.pk]
    )
    assert not IndicatorValue.objects.filter(indicator=kolada, source=Source.MANUAL).exists()


def test_the_goals_list_and_the_indicator_page_show_the_same_latest_value(world, kolada):
    # A hand-typed 70 from before the rule (written directly, as the old form did) never counts.
    IndicatorValue.objects.create(
        indicator=kolada, period=2025, gender=Gender.TOTAL, value=70, source="manual"
    )
    assert sync_indicator(kolada) == 2  # the organisation's own Kolada area, as the page reads it
    indicator = Indicator.objects.prefetch_related("values").get(pk=kolada.pk)
    page = indicator_series(indicator).totals()
    assert page == {2023: 61.0, 2024: 63.5}
    assert counted_totals(indicator) == page
    row = indicator_row(indicator, 2026)
    assert row.latest_year == max(page) == 2024 and row.latest in ("63,5", "63.5")


def test_a_fetch_syncs_an_indicator_without_its_own_area(world, kolada):
    assert sync_values([KPI], ["0299"]) == 2
    assert set(IndicatorValue.objects.filter(indicator=kolada).values_list("period", flat=True)) == {
        2023,
        2024,
    }
