"""The region's view of self-assessment: round status for every municipality, a heat map only of what
municipalities shared, the region's median only above the suppression threshold."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kedja.assessments.factories import add_respondent, answer_all, make_round
from kedja.assessments.models import Round
from kedja.assessments.views_region import (
    NO_ROUND,
    RoundStatus,
    area_distributions,
    heat_level,
    heat_map,
    round_status,
)
from kedja.frameworks import actions as framework_actions
from kedja.frameworks.factories import make_framework_version
from kedja.frameworks.models import Framework
from kedja.organisations.factories import make_member, make_municipality, make_user
from kedja.organisations.roles import Role

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def closed_round(municipality, version, levels, *, shared=True) -> Round:
    round_ = make_round(
        municipality,
        version,
        status=Round.Status.CLOSED,
        shares_with_region=shared,
        closed_at=timezone.now(),
    )
    answer_all(add_respondent(round_, make_user()), levels)
    return round_


def overview(client, region, **params):
    return client.get(reverse("assessments:region_overview", args=[region.pk]), params)


def row_of(body: str, name: str) -> str:
    return next(r for r in re.findall(r"<tr>.*?</tr>", body, re.S) if name in r and "kedja-heat" in r)


# --- the rules, as plain functions -------------------------------------------------------------------


def test_heat_level_rounds_to_the_nearest_level_within_the_scale():
    assert heat_level(None) is None
    assert [heat_level(v) for v in (0, 0.4, 0.5, 1.5, 2.49, 3.5, 4)] == [0, 0, 1, 2, 2, 4, 4]


def test_heat_map_has_a_row_per_municipality_and_nothing_for_those_who_did_not_share(world):
    other = make_municipality(world.region, name="Östby kommun")
    shared = {world.municipality: {"1": 1.5, "2": None}, world.other_municipality: {"1": 4}}
    rows = heat_map([world.municipality, other], shared, ["1", "2"])
    assert [r.municipality for r in rows] == [world.municipality, other]
    assert [(c.level, c.heat) for c in rows[0].cells] == [(1.5, 2), (None, None)]
    assert not rows[1].shared and rows[1].cells == []
    # a municipality not asked for never appears, whatever the levels hold
    assert world.other_municipality not in [r.municipality for r in rows]


def test_area_distributions_are_suppressed_below_the_threshold():
    shared = {i: {"1": float(i % 5), "2": None} for i in range(3)}
    few = area_distributions(shared, ["1", "2"])
    assert few[0].suppressed and few[0].median is None and few[1].n == 0
    enough = area_distributions({i: {"1": 2.0} for i in range(settings.KEDJA_SUPPRESSION_THRESHOLD)}, ["1"])
    assert not enough[0].suppressed and enough[0].median == 2.0


def test_round_status_is_open_over_closed_over_none(world):
    version = make_framework_version()
    assert round_status([]).status == NO_ROUND
    closed = make_round(world.municipality, version, status=Round.Status.CLOSED)
    assert round_status([closed]) == RoundStatus(Round.Status.CLOSED, closed)
    opened = make_round(world.municipality, version)
    status = round_status([closed, opened])
    assert status == RoundStatus(Round.Status.OPEN, opened)


# --- the page ----------------------------------------------------------------------------------------------


def test_regional_officer_sees_round_status_of_every_municipality_in_the_region(world):
    version = make_framework_version(areas=2, items=2)
    make_round(world.municipality, version)  # open
    closing = make_municipality(world.region, name="Östby kommun")
    closed_round(closing, version, [2], shared=False)
    make_municipality(world.region, name="Västby kommun")  # no round
    closed_round(world.other_municipality, version, [4])  # another region
    body = overview(client_for(world.people["regional_officer"]), world.region).content.decode()
    status_table = body.split('id="status-heading"', 1)[1].split("</table>", 1)[0]
    rows = {
        name: row
        for row in re.findall(r"<tr>.*?</tr>", status_table, re.S)
        for name in re.findall(r'<th scope="row">([^<]+)</th>', row)
    }
    assert "Open" in rows["Norrby kommun"]
    assert "Closed" in rows["Östby kommun"]
    assert "No round" in rows["Västby kommun"]
    assert "Sydby kommun" not in body


def test_heat_map_shows_shared_levels_in_coloured_cells_with_the_number_written(world):
    version = make_framework_version(areas=2, items=2)
    closed_round(world.municipality, version, [1, 2, 3, 4])  # area 1: 1.5, area 2: 3.5
    private = make_municipality(world.region, name="Östby kommun")
    closed_round(private, version, [0], shared=False)
    body = overview(client_for(world.people["regional_officer"]), world.region).content.decode()
    assert "<caption>Level per municipality and area, Test framework</caption>" in body
    norrby = row_of(body, "Norrby kommun")
    assert re.search(r'class="kedja-heat kedja-heat-2">1.5<', norrby)
    assert re.search(r'class="kedja-heat kedja-heat-4">3.5<', norrby)
    unshared = next(
        r for r in re.findall(r"<tr>.*?</tr>", body, re.S) if "Östby kommun" in r and "Not shared" in r
    )
    assert "kedja-heat-0" not in unshared and re.search(r'colspan="2"', unshared)
    assert '<th scope="col"><span class="kedja-code">1</span> Area 1</th>' in body
    # one municipality shared: the region median is not shown
    footer = body.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    assert footer.count("..<span") == 2


def test_heat_map_uses_only_the_latest_closed_shared_round(world):
    version = make_framework_version(areas=1, items=1)
    old = closed_round(world.municipality, version, [0])
    Round.objects.filter(pk=old.pk).update(opened_at=timezone.now() - timezone.timedelta(days=400))
    closed_round(world.municipality, version, [3])
    still_open = make_round(world.municipality, version)
    answer_all(add_respondent(still_open, make_user()), [1])
    body = overview(client_for(world.people["regional_officer"]), world.region).content.decode()
    assert re.search(r'class="kedja-heat kedja-heat-3">3<', row_of(body, "Norrby kommun"))


def test_region_median_appears_once_enough_municipalities_shared(world, settings):
    settings.KEDJA_SUPPRESSION_THRESHOLD = 3
    version = make_framework_version(areas=1, items=1)
    closed_round(world.municipality, version, [1])
    closed_round(make_municipality(world.region), version, [2])
    client = client_for(world.people["regional_officer"])
    footer = overview(client, world.region).content.decode().split("<tfoot>", 1)[1]
    assert "..<span" in footer
    closed_round(make_municipality(world.region), version, [4])
    footer = overview(client, world.region).content.decode().split("<tfoot>", 1)[1].split("</tfoot>")[0]
    assert "..<span" not in footer and '<td class="kedja-heat-median">2</td>' in footer


def test_never_another_regions_municipalities(world):
    version = make_framework_version(areas=1, items=1)
    closed_round(world.other_municipality, version, [4])
    body = overview(client_for(world.people["regional_officer"]), world.region).content.decode()
    assert "Sydby kommun" not in body and 'class="kedja-heat kedja-heat-' not in body
    assert "No round" in row_of(body, "Norrby kommun")  # the only municipality of the region: no round


def test_framework_choice_defaults_to_one_with_rounds_and_lists_offered_frameworks(world):
    make_framework_version(key="aaa-unused")
    used = make_framework_version(key="zzz-used")
    own = make_framework_version(owner=world.region, key="region-own")
    offered = make_framework_version(owner=world.other_region, key="offered-elsewhere")
    make_round(world.municipality, used)
    client = client_for(world.people["regional_officer"])
    body = overview(client, world.region).content.decode()
    assert re.search(rf'<option value="{used.framework_id}" selected>', body)
    assert f'<option value="{own.framework_id}"' in body
    assert f'<option value="{offered.framework_id}"' not in body
    assert overview(client, world.region, framework=offered.framework_id).status_code == 404
    assert overview(client, world.region, framework="x").status_code == 404
    chosen = overview(client, world.region, framework=own.framework_id).content.decode()
    assert re.search(rf'<option value="{own.framework_id}" selected>', chosen)
    # a framework the region offered is listed too
    framework_actions.publish_to_region(offered, world.region)
    assert f'<option value="{offered.framework_id}"' in overview(client, world.region).content.decode()


def test_who_may_see_the_regions_view(world):
    reader = make_member(world.region, Role.READER)
    assert overview(client_for(reader), world.region).status_code == 200
    for persona in ("coordinator", "admin", "head_of_schools", "principal", "partner", "outsider"):
        assert overview(client_for(world.people[persona]), world.region).status_code == 404, persona
    # the other region's officer is turned away from this region, and a municipality is not a region
    other_officer = make_member(world.other_region, Role.REGIONAL_OFFICER)
    assert overview(client_for(other_officer), world.region).status_code == 404
    assert overview(client_for(world.people["regional_officer"]), world.municipality).status_code == 404


def test_query_count_grows_slowly_with_municipalities_that_shared(world, django_assert_max_num_queries):
    version = make_framework_version(areas=3, items=3)
    client = client_for(world.people["regional_officer"])
    overview(client, world.region)  # warm the session

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            response = overview(client, world.region)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        closed_round(make_municipality(world.region), version, [1, 2, 3])
    three = measure()
    for _ in range(3):
        closed_round(make_municipality(world.region), version, [1, 2, 3])
        make_municipality(world.region)  # and some that never shared
    six = measure()
    per_municipality = (six - three) / 3
    assert per_municipality <= 6, f"{per_municipality} queries per shared municipality"
    with django_assert_max_num_queries(15 + 6 * 7):
        overview(client, world.region)


def test_the_page_opens_on_the_steam_framework_and_says_no_round_where_there_is_none(world):
    framework_actions.load_shipped_frameworks()
    steam = Framework.objects.get(owner=None, key="steam-municipal").latest_published()
    capacity = Framework.objects.get(owner=None, key="improvement-capacity").latest_published()
    make_round(world.municipality, capacity)  # a round of another framework: the page still opens on STEAM
    closed_round(world.municipality, steam, [2], shared=False)
    make_municipality(world.region, name="Västby kommun")
    client = client_for(world.people["regional_officer"])
    body = overview(client, world.region).content.decode()
    assert re.search(rf'<option value="{steam.framework_id}" selected>', body)
    assert "Not shared" in row_of(body, "Norrby kommun")
    assert "No round" in row_of(body, "Västby kommun") and "Not shared" not in row_of(body, "Västby kommun")
