"""An initiative's page: every field of docs/domain.md, "Mapping and gaps", the risks with a sentence each,
and who sees it."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kedja.frameworks.factories import make_framework_version
from kedja.initiatives.factories import make_initiative
from kedja.organisations.factories import make_member, make_municipality
from kedja.organisations.roles import Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def get(client, world, persona, initiative):
    client.force_login(world.people[persona] if isinstance(persona, str) else persona)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.get(reverse("initiatives:detail", args=[initiative.pk]))


def section(body: str, heading_id: str) -> str:
    start = body.index(f'id="{heading_id}"')
    return body[start : body.index("</section>", start)]


@pytest.fixture
def full(world):
    version = make_framework_version(areas=2, items=3)
    items = list(version.items().filter(code__in=["1.a", "1.c", "2.b"]))
    return make_initiative(
        world.school,
        name="Teknikcollege Norrby",
        description="Samarbete mellan skola och industri.",
        responsible_function="",
        named_people="Anna Andersson",
        stages=["y7_9", "upper_secondary"],
        target_groups=["girls_women", "no_study_tradition"],
        items=items,
        partners="Teknikföretaget AB\nNorrby science center",
        funding="grant",
        funding_ends=TODAY + datetime.timedelta(days=120),
        starts=datetime.date(2025, 8, 1),
        ends=datetime.date(2030, 6, 30),
        reach_total=120,
        reach_girls=50,
        reach_boys=60,
        evidence_base="none",
        follow_up="",
        sharing="region",
    )


def test_the_page_shows_every_field(client, world, full):
    body = get(client, world, "coordinator", full).content.decode()
    assert '<h1 class="ds-heading" data-size="lg">Teknikcollege Norrby</h1>' in body
    assert "Owned by Norrbyskolan (Norrby kommun)" in body
    assert "Samarbete mellan skola och industri." in body
    facts = section(body, "facts-heading")
    assert "<li>Anna Andersson</li>" in facts
    assert "Girls/women, Students from homes without study tradition" in facts
    assert "<li>Teknikföretaget AB</li><li>Norrby science center</li>" in facts
    assert "External grant, ends" in facts
    assert "None yet" in facts  # evidence base
    assert "My municipality and the region" in facts
    reach = section(body, "reach-heading")
    assert "<dt>Participants in all</dt><dd>120</dd>" in reach
    assert "<dt>Girls/women</dt><dd>50</dd>" in reach
    assert "<dt>Boys/men</dt><dd>60</dd>" in reach
    assert "<dt>Gender not known</dt><dd>10</dd>" in reach


def test_the_stages_are_the_chain_left_to_right_with_the_served_ones_highlighted(client, world, full):
    chain = section(get(client, world, "coordinator", full).content.decode(), "chain-heading")
    assert chain.index("Preschool") < chain.index("School years 7–9") < chain.index("Working life")
    served = [part for part in chain.split("<li ")[1:] if "kedja-chain-served" in part]
    assert len(served) == 2
    assert "School years 7–9" in served[0] and "Upper secondary" in served[1]
    assert chain.count(": not served") == 8  # said in words too, not only by colour


def test_framework_items_are_grouped_by_area_with_code_and_title(client, world, full):
    items = section(get(client, world, "coordinator", full).content.decode(), "items-heading")
    assert '<span class="kedja-code">1</span> Area 1' in items
    assert '<span class="kedja-code">2</span> Area 2' in items
    assert items.index("1.a") < items.index("1.c") < items.index("Area 2") < items.index("2.b")
    assert "Item 1a" in items and "Item 2b" in items and "Item 1b" not in items


def test_each_risk_comes_with_a_sentence_on_why(client, world, full):
    risks = section(get(client, world, "coordinator", full).content.decode(), "risks-heading")
    assert "Only one person is named (Anna Andersson) and no responsible function" in risks
    assert "The funding (External grant) ends on" in risks and "within a year" in risks
    assert "neither on research nor on proven experience" in risks
    assert "No indicator or way of following up the effect" in risks


def test_person_dependence_is_explained_beside_the_named_people(client, world, full):
    facts = section(get(client, world, "coordinator", full).content.decode(), "facts-heading")
    assert "Person-dependent" in facts
    assert "A single named person, or nobody, without a responsible function" in facts


def test_funding_that_has_ended_says_so(client, world):
    initiative = make_initiative(
        world.municipality, funding="project", funding_ends=TODAY - datetime.timedelta(days=3)
    )
    risks = section(get(client, world, "coordinator", initiative).content.decode(), "risks-heading")
    assert "The funding (Project money) ended on" in risks


def test_nobody_named_and_no_function_says_nobody_carries_it(client, world):
    initiative = make_initiative(world.municipality, responsible_function="", named_people="")
    risks = section(get(client, world, "coordinator", initiative).content.decode(), "risks-heading")
    assert "Nobody is named and no responsible function carries the initiative." in risks


def test_a_well_carried_initiative_has_no_risk_flags(client, world):
    initiative = make_initiative(world.municipality, reach_total=None)
    body = get(client, world, "coordinator", initiative).content.decode()
    assert "No risk flags" in section(body, "risks-heading")
    assert "The number of participants is not registered." in body
    assert "No framework items chosen" in body


# --- who sees it, and who may change it -------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, can_edit",
    [
        ("coordinator", True),
        ("head_of_schools", True),
        ("admin", True),
        ("principal", True),  # their own school owns it
        ("teacher", False),
        ("reader", False),
        ("regional_officer", False),
    ],
)
def test_edit_link_sharing_and_delete_only_for_those_who_may_change_it(
    client, world, full, persona, can_edit
):
    response = get(client, world, persona, full)
    assert response.status_code == 200
    body = response.content.decode()
    assert (reverse("initiatives:edit", args=[full.pk]) in body) is can_edit
    assert (reverse("initiatives:sharing", args=[full.pk]) in body) is can_edit
    assert (reverse("initiatives:delete", args=[full.pk]) in body) is can_edit


def test_principal_does_not_edit_what_the_municipality_owns(client, world):
    initiative = make_initiative(world.municipality)
    body = get(client, world, "principal", initiative).content.decode()
    assert reverse("initiatives:edit", args=[initiative.pk]) not in body


def test_regional_officer_gets_404_for_what_is_not_shared_with_the_region(client, world):
    initiative = make_initiative(world.municipality, sharing="municipality")
    assert get(client, world, "regional_officer", initiative).status_code == 404


@pytest.mark.parametrize("sharing, status", [("municipality", 404), ("region", 404), ("all", 200)])
def test_another_municipality_of_the_region_sees_only_what_is_shared_with_all(client, world, sharing, status):
    neighbour = make_member(make_municipality(world.region, code="0298"), Role.MUNICIPAL_COORDINATOR)
    initiative = make_initiative(world.school, sharing=sharing)
    response = get(client, world, neighbour, initiative)
    assert response.status_code == status
    if status == 200:  # seeing is not changing
        assert reverse("initiatives:edit", args=[initiative.pk]) not in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "partner"])
def test_outsiders_get_404_even_for_what_is_shared_with_all(client, world, persona):
    initiative = make_initiative(world.school, sharing="all")
    response = get(client, world, persona, initiative)
    assert response.status_code == 404
    assert "Norrbyskolan" not in response.content.decode()


def test_an_initiative_that_does_not_exist_is_404(client, world):
    client.force_login(world.people["coordinator"])
    assert client.get(reverse("initiatives:detail", args=[999999])).status_code == 404


def test_reach_by_gender_counts_another_gender_and_leaves_the_rest_unknown():
    from types import SimpleNamespace

    from kedja.initiatives.views_initiatives import reach

    shown = reach(SimpleNamespace(reach_total=40, reach_girls=20, reach_boys=15, reach_other=2))
    assert shown == {"total": 40, "girls": 20, "boys": 15, "other": 2, "unknown": 3}
    assert (
        reach(SimpleNamespace(reach_total=None, reach_girls=None, reach_boys=None, reach_other=None)) is None
    )
