"""Registering and editing initiatives (one form), deleting and sharing: errors beside the fields with
everything typed kept, edit conflicts, and who may."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from kedja.frameworks.actions import load_shipped_frameworks, publish_to_region
from kedja.frameworks.factories import make_framework_version
from kedja.frameworks.models import Framework
from kedja.initiatives import actions
from kedja.initiatives.factories import make_initiative
from kedja.initiatives.models import Cell, Initiative
from kedja.organisations.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW = reverse("initiatives:new")


def signed_in(client, world, persona):
    client.force_login(world.people[persona])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def fieldset(body: str, field_id: str) -> str:
    """The HTML of the fieldset with this id (not nested in another with a fieldset of its own)."""
    start = body.index(f'id="{field_id}"')
    return body[start : body.index("</fieldset>", start)]


@pytest.fixture
def offered(world):
    """A framework the region offers its municipalities, so the form has items to choose."""
    version = make_framework_version(owner=world.region, key="region-fw", areas=2, items=3)
    publish_to_region(version, world.region)
    return version


def form_data(world, offered, **overrides):
    items = list(offered.items().filter(code__in=["1.b", "2.a"]))
    data = {
        "owner": world.school.pk,
        "name": "Teknikcollege Norrby",
        "description": "Samarbete mellan skola och industri.",
        "responsible_function": "Gymnasiechef",
        "named_people": "Anna Andersson\nBo Berg",
        "stages": ["y7_9", "upper_secondary"],
        "target_groups": ["girls_women", "no_study_tradition"],
        "items": [n.pk for n in items],
        "partners": "Teknikföretaget AB",
        "funding": "grant",
        "funding_ends": "2027-06-30",
        "starts": "2025-08-01",
        "ends": "2028-06-30",
        "reach_total": "120",
        "reach_girls": "50",
        "reach_boys": "60",
        "evidence_base": "experience",
        "follow_up": "Andel som väljer TE",
        "sharing": "all",
    }
    data.update(overrides)
    return data


# --- registering --------------------------------------------------------------------------------------


def test_coordinator_registers_an_initiative_with_every_field(client, world, offered):
    response = signed_in(client, world, "coordinator").post(NEW, form_data(world, offered))
    initiative = Initiative.objects.get(name="Teknikcollege Norrby")
    assert response.status_code == 302
    assert response["Location"] == reverse("initiatives:detail", args=[initiative.pk])
    assert initiative.owner == world.school and initiative.municipality == world.municipality
    assert initiative.stages == ["y7_9", "upper_secondary"]
    assert initiative.target_groups == ["girls_women", "no_study_tradition"]
    assert sorted(n.code for n in initiative.items.all()) == ["1.b", "2.a"]
    assert initiative.named_people == "Anna Andersson\nBo Berg"
    assert (initiative.funding, initiative.funding_ends) == ("grant", datetime.date(2027, 6, 30))
    assert (initiative.reach_total, initiative.reach_girls, initiative.reach_boys) == (120, 50, 60)
    assert initiative.sharing == "all" and initiative.created_by == world.people["coordinator"]
    assert Cell.objects.filter(initiative=initiative).count() == 2 * 2 + 2 * 2  # stages × (areas + groups)
    assert AuditEvent.objects.filter(verb="initiative.created").exists()
    page = client.get(response["Location"]).content.decode()
    assert "The initiative Teknikcollege Norrby has been registered." in page


def test_the_form_offers_stages_in_chain_order_and_items_grouped_by_area(client, world, offered):
    body = signed_in(client, world, "coordinator").get(NEW).content.decode()
    stages = fieldset(body, "id_stages")
    assert stages.index("Preschool") < stages.index("School years 7–9") < stages.index("Working life")
    assert 'type="checkbox" name="stages"' in stages
    area1 = fieldset(body, f"items-{offered.pk}-1")
    assert '<span class="kedja-code">1</span> Area 1</legend>' in area1
    assert area1.count('name="items"') == 3
    assert 'id="id_sharing_1" required checked' in fieldset(body, "id_sharing")  # default: the region


def test_the_form_offers_the_steam_framework_shipped_with_kedja(client, world):
    load_shipped_frameworks()
    version = Framework.objects.get(owner=None, key="steam-municipal").latest_published()
    body = signed_in(client, world, "coordinator").get(NEW).content.decode()
    assert body.count('name="items"') == version.items().count()
    for area in version.areas():
        assert f'<span class="kedja-code">{area.code}</span> {area.title["en"]}</legend>' in body


@pytest.mark.parametrize("persona, owner", [("coordinator", "municipality"), ("principal", "school")])
def test_the_owner_defaults_to_where_the_person_works(client, world, persona, owner):
    body = signed_in(client, world, persona).get(NEW).content.decode()
    assert f'<option value="{getattr(world, owner).pk}" selected>' in body


def test_a_principal_registers_only_for_their_own_school(client, world, offered):
    body = signed_in(client, world, "principal").get(NEW).content.decode()
    owner = body[body.index('name="owner"') : body.index("</select>", body.index('name="owner"'))]
    assert re.findall(r'<option value="(\d+)"', owner) == [str(world.school.pk)]
    response = client.post(NEW, form_data(world, offered, owner=world.municipality.pk))
    assert response.status_code == 400
    assert "Select a valid choice" in fieldset_or_field(response.content.decode(), "id_owner")
    assert not Initiative.objects.exists()


def fieldset_or_field(body, field_id):
    start = body.index(f'for="{field_id}"')
    return body[start : body.index("</div>\n", body.index(f'id="{field_id}"'))]


@pytest.mark.parametrize("persona", ["reader", "teacher", "regional_officer", "partner"])
def test_those_who_may_not_register_get_403(client, world, offered, persona):
    assert signed_in(client, world, persona).get(NEW).status_code == 403
    assert client.post(NEW, form_data(world, offered)).status_code == 403
    assert not Initiative.objects.exists()


def test_missing_stages_shows_the_error_beside_the_stages_and_keeps_everything_typed(client, world, offered):
    data = form_data(world, offered, stages=[])
    response = signed_in(client, world, "coordinator").post(NEW, data)
    assert response.status_code == 400
    assert not Initiative.objects.exists()
    body = response.content.decode()
    stages = fieldset(body, "id_stages")
    assert "Choose at least one stage of the education chain." in stages
    assert 'aria-describedby="id_stages_help id_stages_error"' in body
    assert 'href="#id_stages"' in body  # the summary at the top links to it
    # everything typed is still there
    assert 'value="Teknikcollege Norrby"' in body
    assert ">\nSamarbete mellan skola och industri.</textarea>" in body
    assert ">\nAnna Andersson\nBo Berg</textarea>" in body
    assert 'value="girls_women" class="ds-input" id="id_target_groups_1" checked' in body
    for pk in data["items"]:
        assert f'value="{pk}" checked' in body
    assert 'value="grant" class="ds-input" id="id_funding_2" required checked' in body
    assert 'value="2027-06-30"' in body and 'value="2025-08-01"' in body
    assert 'name="reach_girls" value="50"' in body
    assert 'value="all" class="ds-input" id="id_sharing_2" required checked' in body
    assert f'<option value="{world.school.pk}" selected>' in body


def test_girls_and_boys_more_than_all_participants_is_refused(client, world, offered):
    response = signed_in(client, world, "coordinator").post(
        NEW, form_data(world, offered, reach_total="100", reach_girls="60", reach_boys="50")
    )
    assert response.status_code == 400
    assert not Initiative.objects.exists()
    body = response.content.decode()
    field = fieldset_or_field(body, "id_reach_total")
    assert "Girls and boys together are more than the participants in all." in field
    assert 'name="reach_total" value="100"' in body


@pytest.mark.parametrize(
    "overrides, field_id, message",
    [
        ({"funding_ends": ""}, "id_funding_ends", "Project money and grants need the date the funding ends."),
        ({"starts": "2026-01-01", "ends": "2025-01-01"}, "id_ends", "The end date is before the start date."),
        ({"reach_boys": "-3"}, "id_reach_boys", "greater than or equal to 0"),
        ({"name": ""}, "id_name", "This field is required."),
        ({"funding_ends": "31 juni"}, "id_funding_ends", "Enter a valid date."),
    ],
)
def test_broken_rules_are_shown_beside_their_field(client, world, offered, overrides, field_id, message):
    response = signed_in(client, world, "coordinator").post(NEW, form_data(world, offered, **overrides))
    assert response.status_code == 400
    assert message in fieldset_or_field(response.content.decode(), field_id)
    assert not Initiative.objects.exists()


def test_an_invalid_date_is_not_also_told_it_is_missing(client, world, offered):
    response = signed_in(client, world, "coordinator").post(
        NEW, form_data(world, offered, funding_ends="31 juni")
    )
    assert "need the date the funding ends" not in response.content.decode()


# --- editing ------------------------------------------------------------------------------------------


@pytest.fixture
def initiative(world, offered):
    return make_initiative(
        world.school, name="Teknikcollege", items=list(offered.items()[:2]), sharing="region"
    )


def edit(client, initiative, data):
    return client.post(reverse("initiatives:edit", args=[initiative.pk]), data)


def test_the_edit_form_shows_what_is_saved(client, world, initiative):
    body = (
        signed_in(client, world, "coordinator")
        .get(reverse("initiatives:edit", args=[initiative.pk]))
        .content.decode()
    )
    assert 'value="Teknikcollege"' in body
    assert 'value="y7_9" class="ds-input" id="id_stages_3" checked' in body
    assert '<input type="hidden" name="version" value="0"' in body
    assert len(re.findall(r'name="items" id="id_items_\d+" value="\d+" checked', body)) == 2


def test_coordinator_edits_an_initiative(client, world, offered, initiative):
    data = form_data(world, offered, name="Teknikcollege 2.0", stages=["adult"], version="0")
    response = edit(signed_in(client, world, "coordinator"), initiative, data)
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.name == "Teknikcollege 2.0" and initiative.stages == ["adult"]
    assert initiative.version == 1
    assert set(Cell.objects.filter(initiative=initiative).values_list("stage", flat=True)) == {"adult"}


def test_an_edit_conflict_answers_409_keeps_the_input_and_shows_what_is_saved(
    client, world, offered, initiative
):
    signed_in(client, world, "coordinator")
    # Someone else saves after the coordinator opened the form (at version 0).
    actions.save_initiative(
        initiative,
        data={
            "owner": world.school,
            "name": "Saved by the principal",
            "stages": ["f3"],
            "target_groups": ["all"],
            "responsible_function": "Rektor",
            "funding": "ordinary",
        },
        items=[],
        by=world.people["principal"],
    )
    response = edit(
        client, initiative, form_data(world, offered, name="Typed by the coordinator", version="0")
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this initiative while you were editing" in body
    saved = body[body.index("kedja-register-saved") : body.index("</dl>", body.index("kedja-register-saved"))]
    assert "Saved by the principal" in saved and "School years F–3" in saved
    assert 'value="Typed by the coordinator"' in body  # the input is kept
    assert '<input type="hidden" name="version" value="1"' in body  # saving again is a knowing choice
    initiative.refresh_from_db()
    assert initiative.name == "Saved by the principal"
    again = edit(client, initiative, form_data(world, offered, name="Typed by the coordinator", version="1"))
    assert again.status_code == 302
    initiative.refresh_from_db()
    assert initiative.name == "Typed by the coordinator"


def test_an_edit_without_the_version_is_refused(client, world, offered, initiative):
    response = edit(signed_in(client, world, "coordinator"), initiative, form_data(world, offered))
    assert response.status_code == 400
    initiative.refresh_from_db()
    assert initiative.name == "Teknikcollege"


@pytest.mark.parametrize("persona", ["reader", "teacher", "regional_officer"])
def test_those_who_only_see_get_403_on_edit_and_nothing_changes(client, world, offered, initiative, persona):
    signed_in(client, world, persona)
    assert client.get(reverse("initiatives:edit", args=[initiative.pk])).status_code == 403
    assert edit(client, initiative, form_data(world, offered, name="Changed", version="0")).status_code == 403
    initiative.refresh_from_db()
    assert initiative.name == "Teknikcollege"


def test_principal_edits_their_schools_initiative_but_not_the_municipalitys(
    client, world, offered, initiative
):
    signed_in(client, world, "principal")
    response = edit(client, initiative, form_data(world, offered, name="Rektorns version", version="0"))
    assert response.status_code == 302
    municipal = make_initiative(world.municipality, name="Kommunens")
    assert client.get(reverse("initiatives:edit", args=[municipal.pk])).status_code == 403
    other_school = make_initiative(world.other_school, name="Granskolans")
    assert client.get(reverse("initiatives:edit", args=[other_school.pk])).status_code == 403


def test_outsider_gets_404_on_edit(client, world, offered, initiative):
    signed_in(client, world, "outsider")
    assert client.get(reverse("initiatives:edit", args=[initiative.pk])).status_code == 404


# --- deleting and sharing -----------------------------------------------------------------------------


def test_coordinator_deletes_an_initiative(client, world, initiative):
    response = signed_in(client, world, "coordinator").post(
        reverse("initiatives:delete", args=[initiative.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('initiatives:list')}?municipality={world.municipality.pk}"
    assert not Initiative.objects.filter(pk=initiative.pk).exists()
    assert not Cell.objects.filter(initiative_id=initiative.pk).exists()
    assert (
        "The initiative Teknikcollege has been deleted." in client.get(response["Location"]).content.decode()
    )


@pytest.mark.parametrize("persona, status", [("reader", 403), ("teacher", 403), ("outsider", 404)])
def test_others_cannot_delete(client, world, initiative, persona, status):
    response = signed_in(client, world, persona).post(reverse("initiatives:delete", args=[initiative.pk]))
    assert response.status_code == status
    assert Initiative.objects.filter(pk=initiative.pk).exists()


def test_sharing_with_the_municipality_only_hides_it_from_the_region(client, world, initiative):
    url = reverse("initiatives:sharing", args=[initiative.pk])
    response = signed_in(client, world, "coordinator").post(url, {"sharing": "municipality"})
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.sharing == "municipality"
    assert set(Cell.objects.filter(initiative=initiative).values_list("sharing", flat=True)) == {
        "municipality"
    }
    assert "Only my municipality" in client.get(response["Location"]).content.decode()
    signed_in(client, world, "regional_officer")
    assert client.get(reverse("initiatives:detail", args=[initiative.pk])).status_code == 404


def test_a_sharing_value_that_does_not_exist_changes_nothing(client, world, initiative):
    url = reverse("initiatives:sharing", args=[initiative.pk])
    response = signed_in(client, world, "coordinator").post(url, {"sharing": "everyone"})
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.sharing == "region"
    assert "Choose who may see the initiative." in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("persona, status", [("teacher", 403), ("regional_officer", 403), ("outsider", 404)])
def test_others_cannot_change_the_sharing(client, world, initiative, persona, status):
    url = reverse("initiatives:sharing", args=[initiative.pk])
    assert signed_in(client, world, persona).post(url, {"sharing": "all"}).status_code == status
    initiative.refresh_from_db()
    assert initiative.sharing == "region"
