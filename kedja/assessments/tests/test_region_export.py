"""The region's self-assessment overview as an Excel file: the page's round status and heat map,
Swedish headers, dates as dates, levels as numbers with one decimal, only shared closed rounds."""

import io
from datetime import date, datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kedja.assessments import exports
from kedja.assessments.factories import add_respondent, answer_all, make_round
from kedja.assessments.models import Round
from kedja.assessments.views_region import region_municipalities, region_overview_for
from kedja.frameworks.factories import make_framework_version
from kedja.organisations.factories import make_municipality, make_region, make_user

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def closed_round(municipality, version, levels, *, shared=True) -> Round:
    round_ = make_round(
        municipality, version, status=Round.Status.CLOSED, shares_with_region=shared, closed_at=timezone.now()
    )
    answer_all(add_respondent(round_, make_user()), levels)
    return round_


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def rows_by_name(sheet) -> dict[str, tuple]:
    return {row[0].value: row for row in sheet.iter_rows(min_row=2)}


@pytest.fixture
def small_region(world):
    """Norrby shared a closed round (area 1: 1.5, area 2: 3.5); "=Östby" closed one it kept to itself;
    Västby has an open round; Sydby (another region) shared one."""
    version = make_framework_version(areas=2, items=2)
    shared = closed_round(world.municipality, version, [1, 2, 3, 4])
    private = make_municipality(world.region, name="=Östby kommun")
    closed_round(private, version, [0], shared=False)
    open_one = make_round(make_municipality(world.region, name="Västby kommun"), version)
    closed_round(world.other_municipality, version, [4])
    return version, shared, private, open_one


def workbook_for(world, version) -> bytes:
    overview = region_overview_for(world.region, version.framework, region_municipalities(world.region))
    return exports.region_overview_workbook(version.framework, overview)


def test_the_file_has_swedish_headers_and_the_page_columns(world, small_region):
    version, *_ = small_region
    sheet = sheet_of(workbook_for(world, version))
    assert [c.value for c in sheet[1]] == [
        "Kommun",
        "Omgång",
        "Öppnad",
        "Stängd",
        "Resultat delat med regionen",
        "1 Område 1",
        "2 Område 2",
    ]
    assert sheet.title == "Självskattning, Testramverk"  # the framework, in Swedish


def test_levels_are_numbers_with_one_decimal_and_dates_are_dates(world, small_region):
    version, shared, _private, _open = small_region
    rows = rows_by_name(sheet_of(workbook_for(world, version)))
    norrby = rows["Norrby kommun"]
    assert (norrby[1].value, norrby[4].value) == ("Stängd", "Ja")
    level_1, level_2 = norrby[5], norrby[6]
    assert (level_1.value, level_2.value) == (1.5, 3.5)
    assert level_1.data_type == "n" and level_1.number_format == "0.0"
    closed = norrby[3]
    assert closed.is_date and isinstance(closed.value, datetime)
    assert closed.value.date() == timezone.localdate(shared.closed_at)
    assert closed.number_format == "yyyy-mm-dd"
    assert norrby[2].value.date() == timezone.localdate(shared.opened_at)


def test_an_unshared_round_gives_no_levels_and_another_region_is_absent(world, small_region):
    version, *_ = small_region
    rows = rows_by_name(sheet_of(workbook_for(world, version)))
    # the name starting with "=" comes out as text, not a formula
    private = rows["'=Östby kommun"]
    assert [c.value for c in private[1:7]] == [
        "Stängd",
        private[2].value,
        private[3].value,
        "Nej",
        None,
        None,
    ]
    assert private[3].is_date  # its status is shown, as on the page; its levels are not
    vastby = rows["Västby kommun"]
    assert vastby[1].value == "Öppen" and vastby[3].value is None and vastby[5].value is None
    assert "Sydby kommun" not in rows
    # one municipality shared: below the threshold the region's median is ".."
    assert [c.value for c in rows["Regionens median"][5:7]] == ["..", ".."]


def test_the_region_median_is_a_number_above_the_threshold(world):
    version = make_framework_version(areas=1, items=1)
    for i in range(settings.KEDJA_SUPPRESSION_THRESHOLD):
        closed_round(make_municipality(world.region, name=f"Kommun {i:02d}"), version, [2])
    median = rows_by_name(sheet_of(workbook_for(world, version)))["Regionens median"][5]
    assert median.value == 2 and median.data_type == "n"


def test_a_municipality_without_a_round_says_so(world):
    version = make_framework_version(areas=1, items=1)
    row = rows_by_name(sheet_of(workbook_for(world, version)))["Norrby kommun"]
    assert [c.value for c in row[:6]] == ["Norrby kommun", "Ingen omgång", None, None, "Nej", None]


def test_the_values_equal_what_the_page_computes(world, small_region):
    version, *_ = small_region
    overview = region_overview_for(world.region, version.framework, region_municipalities(world.region))
    rows = rows_by_name(sheet_of(exports.region_overview_workbook(version.framework, overview)))
    for heat in overview.rows:
        name = heat.municipality.name
        row = rows[name if not name.startswith("=") else "'" + name]
        assert [c.value for c in row[5 : 5 + len(heat.cells)]] == [c.level for c in heat.cells]


# --- the view ------------------------------------------------------------------------------------------------


def test_the_regional_officer_downloads_the_file_with_a_safe_name(world, small_region):
    version, *_ = small_region
    response = client_for(world.people["regional_officer"]).get(
        reverse("assessments:region_overview_xlsx", args=[world.region.pk]),
        {"framework": version.framework_id},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    today = timezone.localdate().isoformat()
    assert (
        response["Content-Disposition"] == f'attachment; filename="region-norr-sjalvskattning-{today}.xlsx"'
    )
    assert "Norrby kommun" in rows_by_name(sheet_of(response.content))


def test_the_page_links_to_the_file_for_the_chosen_framework(world, small_region):
    version, *_ = small_region
    body = (
        client_for(world.people["regional_officer"])
        .get(
            reverse("assessments:region_overview", args=[world.region.pk]),
            {"framework": version.framework_id},
        )
        .content.decode()
    )
    url = reverse("assessments:region_overview_xlsx", args=[world.region.pk])
    assert f'href="{url}?framework={version.framework_id}"' in body


def test_the_file_name_is_ascii_without_the_word_region():
    region = make_region(name="Region Skåne")
    name = exports.region_overview_filename(region, today=date(2026, 11, 27))
    assert name == "region-skane-sjalvskattning-2026-11-27.xlsx"


def test_without_any_framework_there_is_no_file(world):
    response = client_for(world.people["regional_officer"]).get(
        reverse("assessments:region_overview_xlsx", args=[world.region.pk])
    )
    assert response.status_code == 404
