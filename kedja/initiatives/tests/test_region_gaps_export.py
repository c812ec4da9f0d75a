"""The region's gap matrix as an Excel file: one row per municipality, per stage the number of
shared initiatives and the state in words, Swedish headers, the chosen area in the sheet's title, and only
what municipalities shared with the region."""

import io
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kedja.frameworks.factories import make_framework_version
from kedja.initiatives import exports, gap_region
from kedja.initiatives.factories import make_initiative
from kedja.initiatives.models import Stage
from kedja.organisations.factories import make_municipality, make_region

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
STAGES = list(Stage.values)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def version():
    return make_framework_version(areas=2, items=2)  # items 1.a 1.b 2.a 2.b


@pytest.fixture
def small_region(world, version):
    """Norrby: one robust initiative shared with the region (F–3, area 1), one fragile shared with all
    (F–3, area 2), one kept to itself (4–6, area 1). "=Tystby" shares nothing. Sydby is another region."""
    item = {n.code: n for n in version.items()}
    make_initiative(world.school, items=[item["1.a"]], stages=["f3"], sharing="region")
    make_initiative(
        world.municipality,
        items=[item["2.a"]],
        stages=["f3"],
        sharing="all",
        funding="project",
        funding_ends=TODAY + timedelta(days=100),
    )
    make_initiative(world.municipality, items=[item["1.a"]], stages=["y4_6"], sharing="municipality")
    quiet = make_municipality(world.region, name="=Tystby kommun")
    make_initiative(quiet, items=[item["1.a"]], stages=["f3"], sharing="municipality")
    make_initiative(world.other_municipality, items=[item["1.a"]], stages=["f3"], sharing="region")
    return quiet


def report_for(world, version, area=None):
    return gap_region.region_report(world.region, version.framework, area=area, today=TODAY)


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def rows_by_name(sheet) -> dict[str, tuple]:
    return {row[0].value: row for row in sheet.iter_rows(min_row=2)}


def stage_cells(row, stage: str):
    """(count cell, state cell) of a stage."""
    index = 2 + 2 * STAGES.index(stage)
    return row[index], row[index + 1]


def test_swedish_headers_and_the_chosen_area_in_the_title(world, version, small_region):
    sheet = sheet_of(exports.region_gaps_workbook(report_for(world, version)))
    headers = [c.value for c in sheet[1]]
    assert headers[:6] == [
        "Kommun",
        "Delade initiativ",
        "Förskola: antal",
        "Förskola: läge",
        "Åk F–3: antal",
        "Åk F–3: läge",
    ]
    assert len(headers) == 2 + 2 * len(STAGES)
    assert sheet.title == "Glapp, alla områden"
    assert sheet_of(exports.region_gaps_workbook(report_for(world, version, "2"))).title == "Glapp, område 2"


def test_counts_are_numbers_and_states_are_words_from_shared_initiatives_only(world, version, small_region):
    report = report_for(world, version)
    rows = rows_by_name(sheet_of(exports.region_gaps_workbook(report)))
    norrby = rows["Norrby kommun"]
    assert norrby[1].value == 2 and norrby[1].data_type == "n" and norrby[1].number_format == "0"
    count, state = stage_cells(norrby, "f3")
    assert (count.value, state.value) == (2, "Täckt")
    assert count.data_type == "n" and count.number_format == "0"
    # the initiative Norrby keeps to itself does not count
    assert [c.value for c in stage_cells(norrby, "y4_6")] == [0, "Glapp"]
    # the file says what the report computes, stage by stage
    norrby_report = next(r for r in report.rows if r.municipality == world.municipality)
    assert [stage_cells(norrby, s)[0].value for s in STAGES] == [c.count for c in norrby_report.cells]
    # a municipality that shared nothing: its initiative is not counted, the file says so; its "=" name is text
    quiet = rows["'=Tystby kommun"]
    assert quiet[1].value == 0
    assert [c.value for c in stage_cells(quiet, "f3")] == [None, "Inget delat"]
    assert "Sydby kommun" not in rows
    covered = rows["Kommuner med täckning (av 1 som delar)"]
    assert [stage_cells(covered, s)[0].value for s in STAGES] == report.covered


def test_the_area_filter_is_respected(world, version, small_region):
    rows = rows_by_name(sheet_of(exports.region_gaps_workbook(report_for(world, version, "2"))))
    assert [c.value for c in stage_cells(rows["Norrby kommun"], "f3")] == [1, "Sårbar"]


def test_file_names_are_ascii_and_name_the_area():
    region = make_region(name="Region Skåne")
    day = date(2026, 11, 27)
    assert (
        exports.region_export_filename(region, area=None, today=day) == "region-skane-glapp-2026-11-27.xlsx"
    )
    assert (
        exports.region_export_filename(region, area="1.2", today=day)
        == "region-skane-glapp-omrade-1-2-2026-11-27.xlsx"
    )


# --- the view ------------------------------------------------------------------------------------------------


def test_the_regional_officer_downloads_the_chosen_area(world, version, small_region):
    client = client_for(world.people["regional_officer"])
    url = reverse("initiatives:region_gaps_xlsx", args=[world.region.pk])
    response = client.get(url, {"framework": version.framework_id, "area": "2"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="region-norr-glapp-omrade-2-{TODAY.isoformat()}.xlsx"'
    )
    sheet = sheet_of(response.content)
    assert sheet.title == "Glapp, område 2"
    assert [c.value for c in stage_cells(rows_by_name(sheet)["Norrby kommun"], "f3")] == [1, "Sårbar"]
    assert client.get(url, {"framework": version.framework_id, "area": "9"}).status_code == 404


def test_the_page_links_to_the_file_keeping_the_area(world, version, small_region):
    client = client_for(world.people["regional_officer"])
    page = reverse("initiatives:region_gaps", args=[world.region.pk])
    body = client.get(page, {"framework": version.framework_id, "area": "2"}).content.decode()
    url = reverse("initiatives:region_gaps_xlsx", args=[world.region.pk])
    assert f'href="{url}?framework={version.framework_id}&amp;area=2"' in body
    body = client.get(page, {"framework": version.framework_id}).content.decode()
    assert f'href="{url}?framework={version.framework_id}"' in body
