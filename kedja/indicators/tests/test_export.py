"""The indicator page with the municipality, its region's mean and Sweden by gender, and its export to Excel
and CSV (kedja/indicators/views.py, exports.py)."""

import csv
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kedja.indicators.factories import make_indicator
from kedja.indicators.models import IndicatorValue
from kedja.kolada.models import Kpi, KpiValue
from kedja.organisations.factories import make_municipality

pytestmark = pytest.mark.django_db

KPI = "N15419"
YEARS = (2021, 2022, 2023)


def login(client, world, persona):
    client.force_login(world.people[persona])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def kolada(world):
    """Norrby (0299) and Östby (0201) in Region Norr, and Sweden, with T/K/M for three years; Östby lacks
    2023."""
    Kpi.objects.create(id=KPI, title="Elever i åk 9 som är behöriga")
    make_municipality(world.region, name="Östby kommun", code="0201")
    now = timezone.now()
    rows = []
    for code, base in (("0299", 60.0), ("0201", 40.0), ("0000", 70.0)):
        for year in YEARS:
            if code == "0201" and year == 2023:
                continue
            for gender, delta in (("T", 0.0), ("K", 5.0), ("M", -5.0)):
                rows.append(
                    KpiValue(
                        kpi_id=KPI,
                        area_type="municipality",
                        area_code=code,
                        period=year,
                        gender=gender,
                        value=base + delta + (year - 2021),
                        fetched_at=now,
                    )
                )
    KpiValue.objects.bulk_create(rows)
    indicator = make_indicator(
        world.municipality, name="Behörighet =åk 9", source="kolada", kolada_kpi=KPI, unit="percent"
    )
    indicator.target_value, indicator.target_year = 80.0, 2030
    indicator.save()
    return indicator


def page(client, world, indicator, persona="reader"):
    response = login(client, world, persona).get(reverse("indicators:indicator", args=[indicator.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_page_shows_three_series_per_gender_with_tables_and_target(client, world, kolada):
    text = page(client, world, kolada)
    for gender in ("total", "women", "men"):
        table_id = f"indicator-{kolada.pk}-values-{gender}"
        assert f'<table class="ds-table" data-border id="{table_id}">' in text
        assert f'aria-describedby="{table_id}"' in text  # the chart is described by its table
    assert text.count("<svg") == 3
    # Each line differs by pattern and marker as well as colour; the target is drawn and named.
    assert 'stroke-dasharray="7 4"' in text and 'stroke-dasharray="2 3"' in text
    assert "Target 80 in 2030" in text
    # The legend and the table name the three series.
    assert "Region Norr, mean of its municipalities" in text and "Sweden" in text and "Norrby kommun" in text
    # The women's table: Norrby 65/66/67, the region's mean of Norrby and Östby (55 in 2021: (65 + 45) / 2)
    # resting on 2 of 2, then only Norrby in 2023; Sweden 75.
    women = text[text.index(f'id="indicator-{kolada.pk}-values-women"') :]
    women = women[: women.index("</table>")]
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", women)
    assert cells[:5] == ["Year", "Norrby kommun", "Region Norr, mean of its municipalities",
                         "Municipalities in the mean", "Sweden"]  # fmt: skip
    assert cells[5:10] == ["2021", "65", "55", "2 of 2", "75"]
    assert cells[15:20] == ["2023", "67", "67", "1 of 2", "77"]
    assert '<th scope="row">2021</th>' in women and "<caption" in women
    assert "Källa: Kolada" in text
    assert reverse("indicators:export_xlsx", args=[kolada.pk]) in text
    assert reverse("indicators:export_csv", args=[kolada.pk]) in text


def test_status_of_a_kolada_indicator_follows_the_municipalitys_stored_totals(client, world, kolada):
    text = page(client, world, kolada)
    assert "The latest value, 62 (2023)" in text


def test_manual_indicator_page_has_one_chart_of_its_genders(client, world):
    indicator = make_indicator(world.municipality, name="Andel NA/TE", values={2021: 20.0, 2022: 22.0})
    IndicatorValue.objects.create(indicator=indicator, period=2022, gender="women", value=25.0)
    text = page(client, world, indicator)
    assert text.count("<svg") == 1 and "Källa: Kolada" not in text
    table = text[text.index(f'id="indicator-{indicator.pk}-values"') :]
    table = table[: table.index("</table>")]
    assert re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", table) == [
        "Year", "Total", "Women", "2021", "20", "–", "2022", "22", "25",
    ]  # fmt: skip


def test_page_without_values(client, world):
    Kpi.objects.create(id=KPI, title="x")
    indicator = make_indicator(world.municipality, source="kolada", kolada_kpi=KPI)
    text = page(client, world, indicator)
    assert "<svg" not in text and "No Kolada values are stored for this area yet." in text
    assert "export.xlsx" not in text


def test_page_queries_stay_few(client, world, kolada, django_assert_max_num_queries):
    login(client, world, "coordinator")
    url = reverse("indicators:indicator", args=[kolada.pk])
    client.get(url)
    for n in range(10):
        make_municipality(world.region, name=f"Extra {n}", code=f"02{n + 10:02d}")
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_excel_export_has_every_series_and_gender_as_numbers_and_the_attribution(client, world, kolada):
    response = login(client, world, "reader").get(reverse("indicators:export_xlsx", args=[kolada.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="indikator-behorighet-ak-9-' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "Year",
        "Gender",
        "Norrby kommun",
        "Region Norr, mean of its municipalities",
        "Municipalities in the mean",
        "Sweden",
    ]
    assert rows[1] == [2021, "Total", 60.0, 50.0, 2, 70.0]
    assert rows[2] == [2021, "Women", 65.0, 55.0, 2, 75.0]
    assert rows[9] == [2023, "Men", 57.0, 57.0, 1, 67.0]
    assert rows[10] == [None] * 6
    about = {r[0]: r[1] for r in rows[11:]}
    assert about["Källa: Kolada"] == f"{KPI} Elever i åk 9 som är behöriga"
    assert about["Fetched from Kolada"] is not None and about["Target"] == 80
    assert about["Indicator"] == "Behörighet =åk 9" and about["Organisation"] == "Norrby kommun"


def test_csv_export_is_semicolon_separated_utf8_with_bom(client, world, kolada):
    response = login(client, world, "reader").get(reverse("indicators:export_csv", args=[kolada.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Year", "Gender"] and rows[0][-1] == "Sweden"
    assert rows[1] == ["2021", "Total", "60", "50", "2", "70"]
    assert len([r for r in rows[1:] if r and r[0].isdigit()]) == 9
    assert ["Källa: Kolada", f"{KPI} Elever i åk 9 som är behöriga"] in rows


def test_export_of_a_region_mean_with_decimals(client, world, kolada):
    KpiValue.objects.filter(area_code="0201", period=2021, gender="T").update(value=40.5)
    response = login(client, world, "reader").get(reverse("indicators:export_csv", args=[kolada.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][3] == "50,25"  # decimal comma, as Excel in Sweden reads a ";"-separated file


def test_export_of_a_manual_indicator(client, world):
    indicator = make_indicator(world.municipality, name="Andel NA/TE", values={2021: 20.5})
    response = login(client, world, "reader").get(reverse("indicators:export_xlsx", args=[indicator.pk]))
    rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert rows[0] == ["Year", "Gender", "Norrby kommun"] and rows[1] == [2021, "Total", 20.5]
    about = {r[0]: r[1] for r in rows[3:]}
    assert about["Source"] == "Entered by hand" and "Källa: Kolada" not in about


def test_export_follows_the_page_visibility(client, world, kolada):
    for name in ("indicators:export_xlsx", "indicators:export_csv"):
        login(client, world, "outsider")
        assert client.get(reverse(name, args=[kolada.pk])).status_code == 404
        client.logout()
        anonymous = client.get(reverse(name, args=[kolada.pk]))
        assert anonymous.status_code == 302 and "login" in anonymous["Location"]
