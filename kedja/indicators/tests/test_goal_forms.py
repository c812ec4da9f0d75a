"""Building the goal tree in the UI (kedja/indicators/views_goals.py): create, edit, move and delete goals,
create and edit indicators; bad input keeps what was typed, a stale save shows the conflict, the region's
vision uses the same forms, and the goal page shows everything with a flat number of queries."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kedja.frameworks.actions import load_shipped_frameworks
from kedja.frameworks.factories import make_framework_version
from kedja.frameworks.models import Publication
from kedja.indicators.actions import save_goal
from kedja.indicators.factories import make_goal, make_indicator
from kedja.indicators.models import Goal, GoalKind, Indicator
from kedja.kolada.models import Kpi
from kedja.organisations.factories import make_member, make_user
from kedja.organisations.models import AuditEvent
from kedja.organisations.roles import Role

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def login(client, world, persona):
    client.force_login(world.people[persona])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def steam():
    """A published STEAM framework (shipped: no owner) with areas 1, 2 and items 1.a … 2.c."""
    return make_framework_version(key="steam-municipal")


def item(version, code):
    return version.nodes.get(code=code)


def goal_post(**overrides) -> dict:
    data = {
        "kind": "main_goal",
        "title": "Fler väljer NA/TE",
        "description": "Andelen som väljer NA/TE ska öka.",
        "owner_function": "Utbildningsförvaltningen",
        "starts": "2025-01-01",
        "ends": "2030-12-31",
        "status": "in_progress",
    }
    data.update(overrides)
    return data


# --- creating goals -------------------------------------------------------------------------------------


def test_coordinator_creates_main_goal_with_items_and_gaps(client, world, steam):
    login(client, world, "coordinator")
    url = reverse("indicators:goal_create", args=[world.municipality.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Stages × framework areas" in text and 'value="y7_9|area|2"' in text
    assert f'value="{item(steam, "1.a").pk}"' in text
    response = client.post(
        url,
        goal_post(items=[item(steam, "1.a").pk], gaps=["y7_9|area|2", "f3|group|girls_women"]),
    )
    goal = Goal.objects.get(organisation=world.municipality)
    assert response.status_code == 302 and response["Location"].endswith(f"#goal-{goal.pk}")
    assert goal.kind == GoalKind.MAIN_GOAL and goal.owner_function == "Utbildningsförvaltningen"
    assert list(goal.items.all()) == [item(steam, "1.a")]
    assert goal.gaps == [{"stage": "y7_9", "area": "2"}, {"stage": "f3", "target_group": "girls_women"}]
    assert AuditEvent.objects.filter(verb="goal.created", detail__goal=goal.pk).exists()


def test_add_sub_goal_button_prefills_the_parent_and_kind(client, world, steam):
    main = make_goal(world.municipality, title="Huvudmål")
    login(client, world, "coordinator")
    url = reverse("indicators:goal_create", args=[world.municipality.pk])
    page = client.get(f"{url}?parent={main.pk}&kind=action").content.decode()
    assert f'<option value="{main.pk}" selected>' in page
    assert re.search(r'<input[^>]*value="action"[^>]*checked', page)
    response = client.post(f"{url}?parent={main.pk}", goal_post(parent=main.pk, kind="action", title="Besök"))
    assert response.status_code == 302
    action = Goal.objects.get(title="Besök")
    assert action.parent == main and action.kind == GoalKind.ACTION


def test_parent_of_another_organisation_is_404(client, world, steam):
    far = make_goal(world.other_municipality)
    login(client, world, "coordinator")
    url = reverse("indicators:goal_create", args=[world.municipality.pk])
    assert client.get(f"{url}?parent={far.pk}").status_code == 404


def test_bad_input_keeps_what_was_typed_with_messages_beside_the_fields(client, world, steam):
    main = make_goal(world.municipality, title="Huvudmål")
    login(client, world, "coordinator")
    url = reverse("indicators:goal_create", args=[world.municipality.pk])
    response = client.post(
        url,
        goal_post(
            parent=main.pk,
            kind="main_goal",
            title="Mitt skrivna mål",
            description="Lång text som inte får försvinna",
            starts="2030-01-01",
            ends="2025-01-01",
            items=[item(steam, "2.b").pk],
            gaps=["adult|area|1"],
        ),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="id_parent_error"' in text and "A main goal is not part of another goal." in text
    assert 'id="id_ends_error"' in text and "The end date is before the start date." in text
    assert 'value="Mitt skrivna mål"' in text and "Lång text som inte får försvinna" in text
    assert f'value="{item(steam, "2.b").pk}" checked' in text
    assert 'value="adult|area|1" checked' in text
    assert not Goal.objects.filter(title="Mitt skrivna mål").exists()


def test_only_municipalities_name_gaps_and_the_region_builds_its_vision(client, world, steam):
    login(client, world, "regional_officer")
    url = reverse("indicators:goal_create", args=[world.region.pk])
    page = client.get(url).content.decode()
    assert "Stages × framework areas" not in page and f'value="{item(steam, "1.a").pk}"' in page
    assert client.post(url, goal_post(title="Regionens STEAM-vision", gaps=["f3|area|1"])).status_code == 302
    vision = Goal.objects.get(organisation=world.region)
    assert vision.gaps == []  # no gap field for a region: a posted gap is ignored
    response = client.post(
        f"{url}?parent={vision.pk}", goal_post(parent=vision.pk, kind="sub_goal", title="Alla kommuner")
    )
    assert response.status_code == 302
    assert Goal.objects.get(title="Alla kommuner").parent == vision
    page = client.get(reverse("indicators:goals", args=[world.region.pk])).content.decode()
    assert "Regionens STEAM-vision" in page and "Alla kommuner" in page and "New main goal" in page


def test_region_offered_framework_items_are_offered(client, world, steam):
    own = make_framework_version(owner=world.region)
    Publication.objects.create(version=own, region=world.region)
    login(client, world, "coordinator")
    page = client.get(reverse("indicators:goal_create", args=[world.municipality.pk])).content.decode()
    assert f'value="{own.nodes.filter(kind="item").first().pk}"' in page
    elsewhere = make_framework_version(owner=world.other_region)
    assert f'value="{elsewhere.nodes.filter(kind="item").first().pk}"' not in page


# --- editing, conflicts ---------------------------------------------------------------------------------


def test_edit_goal_and_stale_save_shows_conflict_keeping_what_was_typed(client, world, steam):
    goal = make_goal(world.municipality, title="Gammal titel", items=[item(steam, "1.a")])
    login(client, world, "coordinator")
    url = reverse("indicators:goal_edit", args=[goal.pk])
    page = client.get(url).content.decode()
    assert 'value="Gammal titel"' in page and f'name="version" value="{goal.version}"' in page
    # Someone else saves first.
    save_goal(goal, data={"title": "Någon annans titel"}, by=None)
    response = client.post(
        url, goal_post(title="Min titel", version=0, items=[item(steam, "2.a").pk], gaps=["f3|area|1"])
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone else saved this goal while you were editing" in text
    assert "Någon annans titel" in text and 'value="Min titel"' in text
    assert f'value="{item(steam, "2.a").pk}" checked' in text
    assert 'name="version" value="1"' in text
    goal.refresh_from_db()
    assert goal.title == "Någon annans titel"
    # Saving again, knowingly, replaces it.
    again = client.post(url, goal_post(title="Min titel", version=1, items=[item(steam, "2.a").pk]))
    assert again.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Min titel" and list(goal.items.all()) == [item(steam, "2.a")]


def test_edit_keeps_a_gap_the_grid_does_not_show(client, world, steam):
    goal = make_goal(world.municipality, gaps=[{"stage": "f3", "area": "9"}])
    login(client, world, "coordinator")
    client.post(reverse("indicators:goal_edit", args=[goal.pk]), goal_post(version=0, gaps=["y7_9|area|1"]))
    goal.refresh_from_db()
    assert goal.gaps == [{"stage": "y7_9", "area": "1"}, {"stage": "f3", "area": "9"}]


def test_goal_with_parts_cannot_become_an_action(client, world, steam):
    main = make_goal(world.municipality)
    sub = make_goal(world.municipality, parent=main)
    make_goal(world.municipality, parent=sub, kind=GoalKind.ACTION)
    login(client, world, "coordinator")
    response = client.post(
        reverse("indicators:goal_edit", args=[sub.pk]), goal_post(kind="action", version=sub.version)
    )
    assert response.status_code == 400
    assert "A goal with parts cannot become an action." in response.content.decode()


# --- moving and deleting --------------------------------------------------------------------------------


def test_move_under_own_descendant_is_refused_beside_the_field(client, world, steam):
    main = make_goal(world.municipality)
    sub = make_goal(world.municipality, parent=main)
    subsub = make_goal(world.municipality, parent=sub)
    login(client, world, "coordinator")
    url = reverse("indicators:goal_move", args=[main.pk])
    page = client.get(url).content.decode()
    assert f'<option value="{sub.pk}"' not in page  # its own parts are not offered
    response = client.post(url, {"parent": subsub.pk, "version": main.version})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="id_parent_error"' in text
    assert "A goal cannot be moved under itself or one of its own parts." in text
    main.refresh_from_db()
    assert main.parent is None


def test_move_sub_goal_to_the_top_makes_it_a_main_goal_at_the_chosen_place(client, world, steam):
    first, second = make_goal(world.municipality), make_goal(world.municipality)
    sub = make_goal(world.municipality, parent=first)
    login(client, world, "coordinator")
    response = client.post(
        reverse("indicators:goal_move", args=[sub.pk]), {"parent": "", "place": "1", "version": sub.version}
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert sub.parent is None and sub.kind == GoalKind.MAIN_GOAL
    roots = list(Goal.objects.filter(organisation=world.municipality, parent=None).order_by("position", "pk"))
    assert roots == [sub, first, second]
    assert AuditEvent.objects.filter(verb="goal.moved", detail__goal=sub.pk).exists()


def test_stale_move_shows_the_conflict(client, world, steam):
    first, second = make_goal(world.municipality), make_goal(world.municipality)
    sub = make_goal(world.municipality, parent=first)
    save_goal(sub, data={"title": "Ändrad"}, by=None)
    login(client, world, "coordinator")
    response = client.post(
        reverse("indicators:goal_move", args=[sub.pk]), {"parent": second.pk, "version": 0}
    )
    assert response.status_code == 409
    assert "Someone else saved this goal while you were moving it" in response.content.decode()
    sub.refresh_from_db()
    assert sub.parent == first


def test_delete_is_refused_while_the_goal_has_parts_or_indicators(client, world, steam):
    main = make_goal(world.municipality, title="Huvudmål")
    sub = make_goal(world.municipality, parent=main, title="Delmål")
    make_indicator(world.municipality, goal=sub)
    login(client, world, "coordinator")
    response = client.post(reverse("indicators:goal_delete", args=[main.pk]), follow=True)
    assert "The goal has sub-goals or actions. Move or delete them first." in response.content.decode()
    response = client.post(reverse("indicators:goal_delete", args=[sub.pk]), follow=True)
    assert "The goal has indicators." in response.content.decode()
    assert Goal.objects.count() == 2
    lone = make_goal(world.municipality, title="Ensamt mål")
    response = client.post(reverse("indicators:goal_delete", args=[lone.pk]))
    assert response.status_code == 302 and not Goal.objects.filter(pk=lone.pk).exists()
    assert AuditEvent.objects.filter(verb="goal.deleted", detail__goal=lone.pk).exists()


# --- indicators -----------------------------------------------------------------------------------------


def indicator_post(**overrides) -> dict:
    data = {
        "name": "Andel som väljer NA/TE",
        "definition": "Andel av eleverna i åk 9 som söker NA eller TE i första hand.",
        "unit": "percent",
        "direction": "higher_better",
        "source": "manual",
        "baseline_value": "21.5",
        "baseline_year": str(YEAR - 2),
    }
    data.update(overrides)
    return data


def test_create_indicator_under_a_goal(client, world, steam):
    sub = make_goal(world.municipality, parent=make_goal(world.municipality), title="Delmål")
    login(client, world, "coordinator")
    url = reverse("indicators:indicator_create", args=[world.municipality.pk])
    page = client.get(f"{url}?goal={sub.pk}").content.decode()
    assert f'<option value="{sub.pk}" selected>' in page
    response = client.post(url, indicator_post(goal=sub.pk))
    indicator = Indicator.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "indicators:indicator", args=[indicator.pk]
    )
    assert indicator.goal == sub and indicator.baseline_value == 21.5 and indicator.baseline_year == YEAR - 2
    assert AuditEvent.objects.filter(verb="indicator.created", detail__indicator=indicator.pk).exists()


def test_kolada_source_needs_a_kpi_from_the_catalogue(client, world, steam):
    Kpi.objects.create(id="N15419", title="Elever i åk 9 som är behöriga till NA")
    login(client, world, "coordinator")
    url = reverse("indicators:indicator_create", args=[world.municipality.pk])
    missing = client.post(url, indicator_post(source="kolada", kolada_kpi=""))
    assert missing.status_code == 400
    assert "An indicator from Kolada needs its KPI id." in missing.content.decode()
    unknown = client.post(url, indicator_post(source="kolada", kolada_kpi="N99999"))
    text = unknown.content.decode()
    assert unknown.status_code == 400 and 'id="id_kolada_kpi_error"' in text
    assert "There is no Kolada KPI N99999 in the catalogue." in text
    assert 'value="Andel som väljer NA/TE"' in text  # what was typed is kept
    assert not Indicator.objects.exists()
    known = client.post(url, indicator_post(source="kolada", kolada_kpi="n15419"))
    assert known.status_code == 302 and Indicator.objects.get().kolada_kpi == "N15419"


def test_indicator_bad_range_and_baseline_are_refused_beside_the_fields(client, world, steam):
    login(client, world, "coordinator")
    url = reverse("indicators:indicator_create", args=[world.municipality.pk])
    response = client.post(
        url,
        indicator_post(
            unit="score", unit_min="10", unit_max="5", baseline_value="120", baseline_year=YEAR + 1
        ),
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "The highest possible value is below the lowest." in text
    assert "The baseline year cannot be in the future." in text
    percent = client.post(url, indicator_post(baseline_value="120"))
    assert "The value is outside the unit&#x27;s range." in percent.content.decode()
    assert not Indicator.objects.exists()


def test_edit_indicator_and_conflict(client, world, steam):
    indicator = make_indicator(world.municipality, name="Gammalt namn")
    login(client, world, "coordinator")
    url = reverse("indicators:indicator_edit", args=[indicator.pk])
    assert 'value="Gammalt namn"' in client.get(url).content.decode()
    assert client.post(url, indicator_post(name="Nytt namn", version=0)).status_code == 302
    indicator.refresh_from_db()
    assert indicator.name == "Nytt namn" and indicator.version == 1
    stale = client.post(url, indicator_post(name="Mitt namn", version=0))
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "Someone else saved this indicator while you were editing" in text and 'value="Mitt namn"' in text
    indicator.refresh_from_db()
    assert indicator.name == "Nytt namn"


def test_indicator_of_another_organisation_cannot_be_chosen_as_goal(client, world, steam):
    far = make_goal(world.other_municipality)
    login(client, world, "coordinator")
    url = reverse("indicators:indicator_create", args=[world.municipality.pk])
    response = client.post(url, indicator_post(goal=far.pk))
    assert response.status_code == 400 and not Indicator.objects.exists()


# --- the goal page --------------------------------------------------------------------------------------


def test_goal_page_shows_items_gaps_and_buttons_only_for_editors(client, world, steam):
    main = make_goal(
        world.municipality,
        title="Huvudmål",
        items=[item(steam, "1.b")],
        gaps=[{"stage": "y7_9", "area": "2"}, {"stage": "f3", "target_group": "girls_women"}],
    )
    make_indicator(world.municipality, goal=main, name="Andel NA/TE")
    url = reverse("indicators:goals", args=[world.municipality.pk])
    text = login(client, world, "coordinator").get(url).content.decode()
    assert "1.b" in text and "Item 1b" in text
    assert "School years 7–9 – 2 Area 2" in text and "School years F–3 – Girls/women" in text
    assert reverse("indicators:goal_edit", args=[main.pk]) in text
    assert f"?parent={main.pk}&amp;kind=sub_goal" in text
    assert reverse("indicators:goal_delete", args=[main.pk]) in text
    assert reverse("indicators:indicator_create", args=[world.municipality.pk]) in text
    reader = login(client, world, "reader").get(url).content.decode()
    assert "Huvudmål" in reader and "Andel NA/TE" in reader
    assert reverse("indicators:goal_edit", args=[main.pk]) not in reader
    assert reverse("indicators:goal_delete", args=[main.pk]) not in reader
    assert "New main goal" not in reader


def test_goal_page_query_count_is_flat_with_items_and_gaps(
    client, world, steam, django_assert_max_num_queries
):
    main = make_goal(world.municipality, items=[item(steam, "1.a")], gaps=[{"stage": "f3", "area": "1"}])
    url = reverse("indicators:goals", args=[world.municipality.pk])
    login(client, world, "coordinator").get(url)
    for n in range(8):
        goal = make_goal(
            world.municipality,
            parent=main,
            title=f"Delmål {n}",
            items=[item(steam, "1.a"), item(steam, "2.c")],
            gaps=[{"stage": "y4_6", "area": "2"}],
        )
        make_indicator(world.municipality, goal=goal, values={YEAR - 1: 5.0})
    with django_assert_max_num_queries(18):
        assert client.get(url).status_code == 200


def test_goals_link_in_the_main_navigation(client, world):
    text = login(client, world, "coordinator").get(reverse("home:start")).content.decode()
    assert f'href="{reverse("indicators:goals", args=[world.municipality.pk])}"' in text


def test_school_member_editing_municipality_goals_is_refused(client, world, steam):
    teacher = make_member(world.school, Role.TEACHER, make_user())
    client.force_login(teacher)
    assert client.get(reverse("indicators:goal_create", args=[world.municipality.pk])).status_code == 403


def test_the_gap_grid_offers_only_cells_that_exist(client, world):
    load_shipped_frameworks()
    login(client, world, "coordinator")
    url = reverse("indicators:goal_create", args=[world.municipality.pk])
    page = client.get(url).content.decode()
    assert 'value="whole|area|1"' in page and 'value="whole|area|7"' in page  # municipality-wide: once
    assert 'value="f3|area|1"' not in page and 'value="preschool|area|4"' not in page
    assert 'value="preschool|group|neet"' not in page and 'value="adult|group|neet"' in page
    assert "not a cell here" in page
    response = client.post(url, goal_post(gaps=["whole|area|1", "y7_9|area|3"]))
    assert response.status_code == 302
    goal = Goal.objects.get(organisation=world.municipality)
    assert goal.gaps == [{"stage": "whole", "area": "1"}, {"stage": "y7_9", "area": "3"}]
