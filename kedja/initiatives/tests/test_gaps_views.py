"""The gap analysis pages as people use them: who sees which municipality's gaps, the picture and the table
telling the same story, a cell opening its initiatives, suggestions from the region, the ranked list and
its Excel file, and the region's view of shared initiatives only."""

import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kedja.assessments.actions import mark_priority
from kedja.assessments.factories import make_round
from kedja.assessments.models import Answer, Respondent, Round
from kedja.frameworks.actions import load_shipped_frameworks
from kedja.frameworks.factories import make_framework_version
from kedja.frameworks.models import Framework
from kedja.indicators.factories import make_goal, make_indicator
from kedja.initiatives.factories import make_initiative
from kedja.initiatives.gap_report import ranked_gaps
from kedja.initiatives.models import Initiative
from kedja.organisations.factories import make_member, make_municipality, make_unit
from kedja.organisations.roles import Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def version():
    return make_framework_version(areas=2, items=2)  # items 1.a 1.b 2.a 2.b


def item(version, code):
    return version.nodes.get(code=code)


def fragile(owner, **kw):
    return make_initiative(owner, funding="project", funding_ends=TODAY + timedelta(days=100), **kw)


def gaps_page(client, municipality, version=None, **params):
    if version is not None:
        params["framework"] = version.framework_id
    return client.get(reverse("initiatives:gaps", args=[municipality.pk]), params)


def section(body: str, heading_id: str) -> str:
    return body.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- who sees what --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "principal", "teacher", "head_of_schools", "reader"])
def test_people_working_in_the_municipality_see_its_gaps(world, version, persona):
    make_initiative(world.school, name="Teknikkväll", items=[item(version, "1.a")], stages=["f3"])
    response = gaps_page(client_for(world.people[persona]), world.municipality, version)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Gaps in the chain: Norrby kommun" in text(body)
    assert "Covered 1 (1 robust)" in text(section(body, "areas-heading"))


def test_the_regional_officer_is_refused_the_municipality_page_but_sees_the_region(world, version):
    client = client_for(world.people["regional_officer"])
    assert gaps_page(client, world.municipality, version).status_code == 403
    assert client.get(reverse("initiatives:region_gaps", args=[world.region.pk])).status_code == 200


def test_another_municipalitys_people_and_the_outsider_get_404(world, version):
    neighbour = make_member(
        make_municipality(world.region, name="Grannby kommun"), Role.MUNICIPAL_COORDINATOR
    )
    for person in (neighbour, world.people["outsider"], world.people["partner"]):
        client = client_for(person)
        assert gaps_page(client, world.municipality, version).status_code == 404
        cell = reverse("initiatives:gap_cell", args=[world.municipality.pk])
        assert client.get(cell, {"stage": "f3", "area": "1"}).status_code == 404
        export = reverse("initiatives:gaps_export", args=[world.municipality.pk])
        assert client.get(export).status_code == 404
    outsider = client_for(world.people["outsider"])
    assert outsider.get(reverse("initiatives:region_gaps", args=[world.region.pk])).status_code == 404


def test_a_school_or_region_id_is_not_a_municipality(world, version):
    client = client_for(world.people["coordinator"])
    assert gaps_page(client, world.school, version).status_code == 404
    officer = client_for(world.people["regional_officer"])
    assert officer.get(reverse("initiatives:region_gaps", args=[world.municipality.pk])).status_code == 404


def test_a_framework_the_person_may_not_see_is_404(world, version):
    hidden = make_framework_version(owner=world.other_municipality, areas=1, items=1)
    client = client_for(world.people["coordinator"])
    assert gaps_page(client, world.municipality, hidden).status_code == 404
    assert gaps_page(client, world.municipality, framework="abc").status_code == 404


def test_the_shipped_steam_framework_is_shown_by_default_with_its_eight_areas(world, version):
    load_shipped_frameworks()
    steam = Framework.objects.get(owner=None, key="steam-municipal").latest_published()
    make_initiative(world.school, name="Makerspace", items=[steam.items().first()], stages=["y7_9"])
    body = gaps_page(client_for(world.people["coordinator"]), world.municipality).content.decode()
    areas = section(body, "areas-heading")
    assert "area of Regional STEAM framework for municipalities" in text(areas)
    # areas 1 and 7 are municipality-wide: one cell each; the others only at the stages they apply to
    assert len(picture_cells(areas)) == 1 + 5 + 7 + 4 + 10 + 10 + 1 + 6
    assert "Whole municipality Covered 1 (1 robust) – 1 Strategic governance and coordination" in text(areas)
    # the other framework the person may see can be chosen instead
    assert f'<option value="{steam.framework_id}" selected>' in body
    assert f'<option value="{version.framework_id}" >' in body


# --- the picture and the table ---------------------------------------------------------------------------------


def picture_cells(part: str) -> list[str]:
    return [text(c) for c in re.findall(r'<a class="kedja-gapcell".*?</a>', part, re.S)]


def table_cells(part: str) -> list[str]:
    return [text(c) for c in re.findall(r'<td class="kedja-gapstate"[^>]*>(.*?)</td>', part, re.S)]


def test_picture_and_table_show_the_same_state_and_count_in_every_cell(world, version):
    make_initiative(world.school, items=[item(version, "1.a")], stages=["f3", "y4_6"], target_groups=["all"])
    fragile(world.municipality, items=[item(version, "1.b")], stages=["f3"], target_groups=["girls_women"])
    fragile(world.municipality, items=[item(version, "2.a")], stages=["y7_9"], target_groups=["girls_women"])
    body = gaps_page(client_for(world.people["coordinator"]), world.municipality, version).content.decode()
    for heading in ("areas-heading", "groups-heading"):
        part = section(body, heading)
        picture = picture_cells(part)
        table = table_cells(part)
        rows = 2 if heading == "areas-heading" else 9
        assert len(picture) == len(table) == rows * 10
        for drawn, tabled in zip(picture, table, strict=True):
            # the picture writes "<stage> <state> <count> – <row>", the table "<state>: <count>"
            state, count = tabled.split(": ", 1)
            assert f" {state} {count} – " in f" {drawn}"
    areas = table_cells(section(body, "areas-heading"))
    assert areas[1] == "Covered: 2 (1 robust)"  # 1 × F–3: one robust, one fragile
    assert areas[2] == "Covered: 1 (1 robust)"
    assert areas[13] == "Fragile: 1 (0 robust)"  # 2 × 7–9
    assert areas[0] == "Gap: 0"
    assert "4 gaps, 1 fragile, 15 covered." not in body  # counts are per matrix, written above it
    assert "17 gaps, 1 fragile, 2 covered." in text(section(body, "areas-heading"))


def test_a_cell_of_the_picture_opens_its_initiatives(world, version):
    make_initiative(world.school, name="Teknikkväll", items=[item(version, "1.a")], stages=["f3"])
    fragile(world.municipality, name="Projekt Kod", items=[item(version, "1.a")], stages=["f3"])
    make_initiative(world.municipality, name="Annan cell", items=[item(version, "2.a")], stages=["f3"])
    client = client_for(world.people["teacher"])
    body = gaps_page(client, world.municipality, version).content.decode()
    link = next(
        unescape(href)
        for href, content in re.findall(
            r'<a class="kedja-gapcell"[^>]*href="([^"]+)"[^>]*>(.*?)</a>', body, re.S
        )
        if "School years F–3" in content and "1 Area 1" in content
    )
    page = client.get(link)
    assert page.status_code == 200
    shown = text(page.content.decode())
    assert "Teknikkväll – Norrbyskolan Robust" in shown
    assert "Projekt Kod – Norrby kommun Fragile Funded by project money" in shown
    assert "Annan cell" not in shown
    assert "1.a Item 1a" in shown  # what could close it
    assert "<html" in page.content.decode()
    own = Initiative.objects.get(name="Teknikkväll")
    assert reverse("initiatives:detail", args=[own.pk]) in page.content.decode()
    # htmx asks for the side panel only
    panel = client.get(link, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in panel and "Teknikkväll" in panel and 'id="gap-cell-heading"' in panel


def test_a_group_cell_and_invalid_cells(world, version):
    make_initiative(world.municipality, name="Tjejer kodar", stages=["y7_9"], target_groups=["girls_women"])
    client = client_for(world.people["coordinator"])
    url = reverse("initiatives:gap_cell", args=[world.municipality.pk])
    base = {"framework": version.framework_id}
    response = client.get(url, {**base, "stage": "y7_9", "group": "girls_women"})
    assert "Tjejer kodar" in response.content.decode()
    for params in (
        {"stage": "moon", "area": "1"},
        {"stage": "f3", "area": "9"},
        {"stage": "f3", "group": "cats"},
        {"stage": "f3"},
        {"stage": "f3", "area": "1", "group": "all"},
    ):
        assert client.get(url, {**base, **params}).status_code == 404, params
    assert client.get(url).status_code == 302  # no cell chosen: back to the page


# --- the ranked list -----------------------------------------------------------------------------------------------


def test_ranked_list_puts_a_priority_area_first_and_suggests_what_the_region_shares(world, version):
    round_ = make_round(world.municipality, version, status=Round.Status.CLOSED, closed_at=timezone.now())
    mark_priority(round_, item(version, "2.b"), note="", by=world.people["coordinator"])
    neighbour = make_municipality(world.region, name="Grannby kommun")
    b = item(version, "2.b")
    make_initiative(neighbour, name="Grannbys makerspace", items=[b], stages=["preschool"], sharing="all")
    make_initiative(neighbour, name="Bara för regionen", items=[b], stages=["preschool"], sharing="region")
    make_initiative(
        world.other_municipality, name="Sydbys labb", items=[b], stages=["preschool"], sharing="all"
    )
    body = gaps_page(client_for(world.people["principal"]), world.municipality, version).content.decode()
    ranked = section(body, "ranked-heading")
    first = text(
        re.findall(r'<li class="ds-card kedja-gap".*?</li>\s*(?=<li class="ds-card|</ol>)', ranked, re.S)[0]
    )
    assert first.startswith("1. Preschool · 2 Area 2 Gap Initiatives: 0 · Score: 6")
    assert (
        "A priority in the self-assessment and no ongoing initiative in preschool; "
        "one neighbouring municipality has initiatives here." in first
    )
    assert "2.b Item 2b Priority 2.a Item 2a" in first
    assert "Grannbys makerspace – Grannby kommun" in first
    assert "Partner offers" not in first  # not one text repeated on every gap
    assert "Bara för regionen" not in body and "Sydbys labb" not in body
    assert "Priorities from the round “Självskattning 2026”." in text(ranked)
    # the example links to the initiative's page, which the principal may open
    example = Initiative.objects.get(name="Grannbys makerspace")
    detail = reverse("initiatives:detail", args=[example.pk])
    assert f'href="{detail}"' in ranked
    assert client_for(world.people["principal"]).get(detail).status_code == 200


def test_the_page_lists_the_top_gaps_and_all_on_request(world, version):
    client = client_for(world.people["coordinator"])
    few = section(gaps_page(client, world.municipality, version).content.decode(), "ranked-heading")
    assert few.count('class="ds-card kedja-gap"') == 20
    assert "Show all 110 gaps" in few  # 10 stages × (2 areas + 9 groups), nothing covered
    every = section(
        gaps_page(client, world.municipality, version, all="1").content.decode(), "ranked-heading"
    )
    assert every.count('class="ds-card kedja-gap"') == 110


def test_export_is_the_ranked_list_as_excel(world, version):
    make_initiative(world.municipality, items=[item(version, "1.a")], stages=["preschool"])
    client = client_for(world.people["reader"])
    response = client.get(
        reverse("initiatives:gaps_export", args=[world.municipality.pk]), {"framework": version.framework_id}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == f'attachment; filename="glapp-norrby-kommun-{TODAY}.xlsx"'
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == (
        "Rank",
        "Stage",
        "Area or target group",
        "State",
        "Score",
        "Initiatives",
        "Robust",
        "Suggested framework items",
        "Examples in other municipalities",
        "Why it ranks here",
    )
    assert len(rows) == 1 + 108  # two cells covered: preschool × area 1 and preschool × all
    assert rows[1][:7] == (1, "Preschool", "Girls/women", "Gap", 4, 0, 0)  # under-represented first
    assert ("Preschool", "1 Area 1") not in {(r[1], r[2]) for r in rows[1:]}
    assert next(r for r in rows if r[2] == "2 Area 2")[4] == 3


# --- the region ---------------------------------------------------------------------------------------------------


def region_page(client, region, **params):
    return client.get(reverse("initiatives:region_gaps", args=[region.pk]), params)


def region_row(body: str, name: str) -> str:
    return text(
        next(r for r in re.findall(r"<tr>.*?</tr>", body, re.S) if f'<th scope="row">{name}</th>' in r)
    )


def test_region_view_counts_shared_initiatives_only_and_says_nothing_shared(world, version):
    quiet = make_municipality(world.region, name="Tystby kommun")
    make_initiative(world.school, name="Delad", items=[item(version, "1.a")], stages=["f3"], sharing="region")
    make_initiative(
        world.municipality,
        name="Hemlig",
        items=[item(version, "1.a")],
        stages=["y4_6"],
        sharing="municipality",
    )
    make_initiative(quiet, name="Tyst", items=[item(version, "1.a")], stages=["f3"], sharing="municipality")
    body = region_page(
        client_for(world.people["regional_officer"]), world.region, framework=version.framework_id
    ).content.decode()
    norrby = region_row(body, "Norrby kommun")
    assert norrby.startswith("Norrby kommun Gap: 0 Covered: 1 (1 robust) Gap: 0")  # preschool, F–3, 4–6
    assert region_row(body, "Tystby kommun") == "Tystby kommun Nothing shared"
    assert "Hemlig" not in body and "Tyst<" not in body and "Sydby kommun" not in body
    assert "Initiatives a municipality keeps to itself are not shown" in body
    assert "1 of 2 municipalities shares initiatives with the region." in text(body)


def test_region_view_by_area(world, version):
    fragile(world.municipality, items=[item(version, "2.a")], stages=["f3"], sharing="all")
    client = client_for(world.people["regional_officer"])
    one = region_page(client, world.region, framework=version.framework_id, area="1").content.decode()
    two = region_page(client, world.region, framework=version.framework_id, area="2").content.decode()
    assert region_row(one, "Norrby kommun").startswith("Norrby kommun Gap: 0 Gap: 0")
    assert region_row(two, "Norrby kommun").startswith("Norrby kommun Gap: 0 Fragile: 1 (0 robust)")
    assert region_page(client, world.region, framework=version.framework_id, area="9").status_code == 404


# --- queries ------------------------------------------------------------------------------------------------------


def count_queries(fn) -> int:
    fn()  # the first request of a test also loads what the process caches
    with CaptureQueriesContext(connection) as ctx:
        assert fn().status_code == 200
    return len(ctx.captured_queries)


def add_municipalities(region, version, n):
    for i in range(n):
        municipality = make_municipality(region)
        school = make_unit(municipality)
        for j in range(3):
            make_initiative(
                school,
                items=[item(version, "1.a"), item(version, "2.b")],
                stages=["f3", "y7_9"][: 1 + j % 2],
                target_groups=["girls_women"],
                sharing=["region", "all", "municipality"][(i + j) % 3],
            )


def test_region_view_queries_do_not_grow_with_the_municipalities(world, version):
    client = client_for(world.people["regional_officer"])
    page = lambda: region_page(client, world.region, framework=version.framework_id)  # noqa: E731
    add_municipalities(world.region, version, 2)
    few = count_queries(page)
    add_municipalities(world.region, version, 6)
    assert count_queries(page) == few
    assert few <= 12


def test_municipality_page_queries_do_not_grow_with_initiatives_or_neighbours(world, version):
    round_ = make_round(world.municipality, version, status=Round.Status.CLOSED, closed_at=timezone.now())
    mark_priority(round_, item(version, "2.b"), note="", by=world.people["coordinator"])
    client = client_for(world.people["coordinator"])
    page = lambda: gaps_page(client, world.municipality, version, all="1")  # noqa: E731
    add_municipalities(world.region, version, 1)
    make_initiative(world.school, items=[item(version, "1.a")], stages=["f3"])
    few = count_queries(page)
    add_municipalities(world.region, version, 4)
    for _ in range(5):
        fragile(world.school, items=[item(version, "1.b")], stages=["y4_6"], target_groups=["neet"])
    assert count_queries(page) == few
    assert few <= 28  # constant: the evidence (levels, fragility, neighbours, goals, transitions) is grouped


# --- cells that exist, and what ranks them ------------------------------------------------------------------------


def test_a_municipality_wide_area_is_one_cell_and_impossible_cells_are_404(world):
    load_shipped_frameworks()
    steam = Framework.objects.get(owner=None, key="steam-municipal").latest_published()
    one_a = steam.nodes.get(code="1.a")
    make_initiative(world.school, name="STEAM-strategi", items=[one_a], stages=["f3", "y7_9"])
    client = client_for(world.people["coordinator"])
    url = reverse("initiatives:gap_cell", args=[world.municipality.pk])
    base = {"framework": steam.framework_id}
    whole = client.get(url, {**base, "stage": "whole", "area": "1"})
    assert whole.status_code == 200
    shown = text(whole.content.decode())
    assert shown.count("STEAM-strategi –") == 1  # counted once, whatever its stages
    for params in (
        {"stage": "f3", "area": "1"},  # municipality-wide: no per-stage cell
        {"stage": "preschool", "area": "4"},  # adult education has no preschool
        {"stage": "preschool", "group": "neet"},  # no preschool for young people neither working nor studying
        {"stage": "whole", "area": "2"},
        {"stage": "whole", "group": "all"},
    ):
        assert client.get(url, {**base, **params}).status_code == 404, params
    body = gaps_page(client, world.municipality, all="1").content.decode()
    groups = section(body, "groups-heading")
    assert "Preschool: not a cell here" in text(groups)
    ranked = text(section(body, "ranked-heading"))
    assert "Whole municipality · 1 Strategic governance" not in ranked  # covered
    assert "Whole municipality · 7 Statistics and analysis" in ranked
    assert "Preschool · Young people neither working nor studying" not in ranked


def test_an_indicator_off_track_and_a_low_self_assessment_lift_their_cells(world, version):
    round_ = make_round(world.municipality, version, status=Round.Status.CLOSED, closed_at=timezone.now())
    respondent = Respondent.objects.create(round=round_, user=world.people["coordinator"], group="education")
    for code in ("2.a", "2.b"):
        Answer.objects.create(respondent=respondent, node=item(version, code), level=1)
    goal = make_goal(world.municipality, title="Fler väljer teknik", gaps=[{"stage": "y7_9", "area": "1"}])
    make_indicator(
        world.municipality,
        goal=goal,
        name="Andel som väljer NA/TE",
        values={2020: 10.0, 2021: 9.0},
        baseline_value=10.0,
        baseline_year=2020,
        target_value=30.0,
        target_year=2021,
    )
    gaps = {(g.stage, g.column): g for g in ranked_gaps(world.municipality, version.framework, TODAY)}
    assert gaps[("y7_9", "1")].score == 3 + 2  # a gap, and the goal's indicator is off track
    assert gaps[("y7_9", "1")].reason_text == (
        "The indicator “Andel som väljer NA/TE” is off track and no ongoing initiative in school years 7–9."
    )
    assert gaps[("f3", "1")].score == 3
    assert gaps[("f3", "2")].score == 3 + 2
    assert (
        gaps[("f3", "2")].reason_text
        == "Self-assessed low (1 of 4) and no ongoing initiative in school years F–3."
    )
