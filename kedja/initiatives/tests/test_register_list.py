"""The initiative register's list: who sees which initiatives, the scopes, filters and search,
pagination, the htmx partial and a bounded number of queries."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kedja.frameworks.actions import publish_to_region
from kedja.frameworks.factories import make_framework_version
from kedja.initiatives.factories import make_initiative
from kedja.organisations.factories import make_member, make_municipality
from kedja.organisations.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # db: search, filters and query counts

LIST = reverse("initiatives:list")
TODAY = timezone.localdate()


def get(client, world, persona, query="", **headers):
    client.force_login(world.people[persona] if isinstance(persona, str) else persona)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # interface strings are asserted in English
    return client.get(LIST + query, **headers)


def names(response) -> list[str]:
    """The initiative names in the list's table, in order."""
    body = response.content.decode()
    return re.findall(r'<th scope="row"><a class="ds-link" href="/initiatives/\d+/">([^<]+)</a>', body)


@pytest.fixture
def register(world):
    """Three initiatives of Norrby kommun, one per sharing level, and one of Sydby (another region)."""
    return {
        "only_municipality": make_initiative(world.municipality, name="Mattelyftet", sharing="municipality"),
        "region": make_initiative(world.school, name="Teknikcollege", sharing="region"),
        "all": make_initiative(world.school, name="Tjejer kodar", sharing="all"),
        "far": make_initiative(world.other_municipality, name="Sydby robotar", sharing="all"),
    }


# --- who sees what ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["coordinator", "head_of_schools", "reader", "principal", "teacher", "admin"]
)
def test_people_of_the_municipality_see_all_its_initiatives(client, world, register, persona):
    response = get(client, world, persona)
    assert response.status_code == 200
    assert names(response) == ["Mattelyftet", "Teknikcollege", "Tjejer kodar"]
    assert "Sydby robotar" not in response.content.decode()


def test_the_list_is_scoped_to_the_municipality_of_the_active_membership(client, world, register):
    body = get(client, world, "coordinator").content.decode()
    assert "Initiatives: Norrby kommun" in body
    assert f'href="/initiatives/?municipality={world.municipality.pk}" aria-current="page"' in body


def test_regional_officer_sees_only_what_is_shared_with_the_region(client, world, register):
    response = get(client, world, "regional_officer")
    assert names(response) == ["Teknikcollege", "Tjejer kodar"]
    assert "Mattelyftet" not in response.content.decode()


def test_regional_officer_cannot_ask_for_a_municipality_list(client, world, register):
    assert get(client, world, "regional_officer", f"?municipality={world.municipality.pk}").status_code == 404


def test_another_municipality_of_the_region_sees_only_what_is_shared_with_all(client, world, register):
    neighbour = make_municipality(world.region, name="Grannby kommun", code="0298")
    coordinator = make_member(neighbour, Role.MUNICIPAL_COORDINATOR)
    make_initiative(neighbour, name="Grannby makerspace", sharing="municipality")
    own = get(client, world, coordinator)
    assert names(own) == ["Grannby makerspace"]
    shared = get(client, world, coordinator, "?scope=shared")
    assert names(shared) == ["Tjejer kodar"]
    assert "Shared by other municipalities" in shared.content.decode()


def test_outsider_sees_nothing_of_another_region(client, world, register):
    assert names(get(client, world, "outsider")) == ["Sydby robotar"]
    assert names(get(client, world, "outsider", "?scope=shared")) == []
    assert get(client, world, "outsider", f"?municipality={world.municipality.pk}").status_code == 404


def test_partner_gets_an_empty_list(client, world, register):
    response = get(client, world, "partner")
    assert response.status_code == 200
    assert names(response) == []
    assert "No other municipality shares initiatives with you yet." in response.content.decode()


@pytest.mark.parametrize(
    "persona, shown",
    [
        ("coordinator", True),
        ("principal", True),
        ("head_of_schools", True),
        ("reader", False),
        ("teacher", False),
    ],
)
def test_new_initiative_button_only_for_those_who_may_register(client, world, persona, shown):
    body = get(client, world, persona).content.decode()
    assert (reverse("initiatives:new") in body) is shown


# --- what a row shows -------------------------------------------------------------------------------


def test_a_row_shows_owner_stages_groups_funding_risks_and_sharing(client, world):
    make_initiative(
        world.school,
        name="Sommarskola i teknik",
        stages=["y4_6", "f3", "y7_9"],
        target_groups=["girls_women", "newly_arrived"],
        funding="project",
        funding_ends=TODAY + datetime.timedelta(days=90),
        responsible_function="",
        named_people="Anna Andersson",
        sharing="all",
    )
    body = get(client, world, "coordinator").content.decode()
    row = body[body.index("Sommarskola i teknik") : body.index("</tr>", body.index("Sommarskola i teknik"))]
    assert "Norrbyskolan" in row
    assert "F–3, 4–6, 7–9" in row  # short, along the chain whatever order they were stored in
    assert "Girls/women, Newly arrived" in row
    assert "Project money" in row and "ends " in row
    assert '<span class="ds-tag" data-color="warning" data-size="sm">Person-dependent</span>' in row
    assert "Funding ending" in row
    assert "No follow-up" not in row
    assert "The region and its other municipalities" in row


# --- filters and search -----------------------------------------------------------------------------


@pytest.fixture
def varied(world):
    version = make_framework_version(owner=world.region, key="region-fw", areas=2, items=2)
    publish_to_region(version, world.region)
    area1, area2 = (list(version.items().filter(code__startswith=f"{a}.")) for a in (1, 2))
    make_initiative(
        world.municipality,
        name="Förskolans NO",
        stages=["preschool"],
        target_groups=["all"],
        items=area1,
        evidence_base="research",
        description="Utforskande naturvetenskap med de yngsta",
    )
    make_initiative(
        world.school,
        name="Tjejer kodar",
        stages=["y7_9"],
        target_groups=["girls_women"],
        items=area2,
        funding="grant",
        funding_ends=TODAY + datetime.timedelta(days=200),
        follow_up="",
        partners="Teknikföretaget AB",
    )
    make_initiative(
        world.school,
        name="Komvux matte",
        stages=["adult"],
        target_groups=["newly_arrived"],
        funding="project",
        funding_ends=TODAY + datetime.timedelta(days=900),
        responsible_function="",
        named_people="Bo Berg",
        evidence_base="none",
        ends=TODAY - datetime.timedelta(days=1),
        starts=TODAY - datetime.timedelta(days=400),
    )
    return version


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["Förskolans NO", "Komvux matte", "Tjejer kodar"]),
        ("?stage=y7_9", ["Tjejer kodar"]),
        ("?stage=preschool", ["Förskolans NO"]),
        ("?target_group=newly_arrived", ["Komvux matte"]),
        ("?funding=grant", ["Tjejer kodar"]),
        ("?funding=ordinary", ["Förskolans NO"]),
        ("?status=active", ["Förskolans NO", "Tjejer kodar"]),
        ("?status=ended", ["Komvux matte"]),
        ("?status=any_risk", ["Komvux matte", "Tjejer kodar"]),
        ("?status=person_dependent", ["Komvux matte"]),
        ("?status=funding_ending", ["Tjejer kodar"]),
        ("?status=no_evidence", ["Komvux matte"]),
        ("?status=no_follow_up", ["Tjejer kodar"]),
        ("?q=kodar", ["Tjejer kodar"]),  # name
        ("?q=naturvetenskap", ["Förskolans NO"]),  # description
        ("?q=teknikföretaget", ["Tjejer kodar"]),  # partners
        ("?q=utbildningsförvaltningen", ["Förskolans NO", "Tjejer kodar"]),  # responsible function
        ("?stage=y7_9&funding=ordinary", []),
        ("?stage=nonsense", ["Förskolans NO", "Komvux matte", "Tjejer kodar"]),  # ignored, not an error
    ],
)
def test_filters_and_search_return_the_right_initiatives(client, world, varied, query, expected):
    response = get(client, world, "coordinator", query)
    assert response.status_code == 200
    assert names(response) == expected
    if not expected:
        assert "No initiatives match the filters." in response.content.decode()


def test_framework_area_filter_offers_the_areas_served_and_filters_by_them(client, world, varied):
    body = get(client, world, "coordinator").content.decode()
    assert f'<option value="{varied.framework_id}:1">1 Area 1</option>' in body
    assert names(get(client, world, "coordinator", f"?area={varied.framework_id}:2")) == ["Tjejer kodar"]
    assert names(get(client, world, "coordinator", f"?area={varied.framework_id}:1")) == ["Förskolans NO"]


def test_chosen_filters_stay_chosen_in_the_form(client, world, varied):
    body = get(client, world, "coordinator", "?stage=y7_9&q=kodar&status=any_risk").content.decode()
    assert '<option value="y7_9" selected>' in body
    assert '<option value="any_risk" selected>' in body
    assert 'value="kodar"' in body
    assert "Clear filters" in body


def test_filter_form_works_without_javascript_and_with_htmx(client, world, varied):
    page = get(client, world, "coordinator").content.decode()
    assert '<form method="get" action="/initiatives/"' in page
    assert 'hx-get="/initiatives/" hx-target="#register-results"' in page
    partial = get(client, world, "coordinator", "?stage=adult", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and "<form" not in body
    assert body.strip().startswith('<div id="register-results"')
    assert names(partial) == ["Komvux matte"]


def test_the_shared_scope_has_its_own_filters(client, world, varied):
    make_initiative(world.other_school, name="Delat med alla", sharing="all", stages=["y7_9"])
    neighbour = make_municipality(world.region, name="Grannby kommun", code="0298")
    coordinator = make_member(neighbour, Role.MUNICIPAL_COORDINATOR)
    assert names(get(client, world, coordinator, "?scope=shared&stage=y7_9")) == ["Delat med alla"]
    body = get(client, world, coordinator, "?scope=shared&stage=y7_9").content.decode()
    assert '<input type="hidden" name="scope" value="shared">' in body


# --- links to the other parts ------------------------------------------------------------------------


def test_the_list_links_to_the_gap_analysis_of_the_municipality(client, world):
    gaps = reverse("initiatives:gaps", args=[world.municipality.pk])
    assert f'href="{gaps}"' in get(client, world, "coordinator").content.decode()


def test_the_export_link_carries_the_scope_and_the_filters(client, world, varied):
    export = reverse("initiatives:export")
    body = get(client, world, "coordinator", "?stage=y7_9&q=kodar").content.decode()
    assert f"{export}?municipality={world.municipality.pk}&amp;q=kodar&amp;stage=y7_9" in body


# --- pages and queries ------------------------------------------------------------------------------


def test_the_list_is_paginated_and_page_links_keep_the_filters(client, world):
    for n in range(52):
        make_initiative(world.municipality, name=f"Insats {n:03d}", stages=["y7_9"])
    first = get(client, world, "coordinator", "?stage=y7_9")
    assert len(names(first)) == 50
    body = first.content.decode()
    assert "52 initiatives" in body and "Page 1 of 2" in body
    assert 'href="/initiatives/?stage=y7_9&amp;page=2"' in body
    second = get(client, world, "coordinator", "?stage=y7_9&page=2")
    assert names(second) == ["Insats 050", "Insats 051"]


def _many(world, n, version):
    items = list(version.items())
    for i in range(n):
        make_initiative(
            world.school if i % 2 else world.municipality,
            name=f"Insats {i:03d}",
            stages=["f3", "y7_9"],
            target_groups=["all", "girls_women"],
            items=items[: 1 + i % 3],
            funding="project" if i % 3 else "ordinary",
            funding_ends=TODAY + datetime.timedelta(days=100) if i % 3 else None,
        )


@pytest.mark.parametrize("rows", [3, 45])
@pytest.mark.parametrize("query", ["", "?status=any_risk&q=insats"])
def test_list_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries, rows, query):
    version = make_framework_version(owner=world.region, key="region-fw", areas=2, items=3)
    publish_to_region(version, world.region)
    _many(world, rows, version)
    client.force_login(world.people["coordinator"])
    with django_assert_max_num_queries(15):
        response = client.get(LIST + query)
    expected = rows if not query else len([i for i in range(rows) if i % 3])  # project money, ending soon
    assert len(names(response)) == expected


def test_going_back_in_history_gets_the_whole_page_not_the_fragment(client, world, varied):
    response = get(
        client,
        world,
        "coordinator",
        "?stage=adult",
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    body = response.content.decode()
    assert "<html" in body and '<form method="get" action="/initiatives/"' in body
    assert names(response) == ["Komvux matte"]
