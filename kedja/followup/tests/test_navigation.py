"""How people find the follow-up: the main navigation's "Follow-up figures" for those who may see
aggregates of the organisation they work as, the group's analysis from My groups and the group view, and the
principal's links from the unit page to the unit's figures and its access log."""

import pytest
from django.test import Client
from django.urls import reverse

from kedja.accounts.factories import verify_second_factor
from kedja.followup.factories import make_group, make_round

pytestmark = pytest.mark.django_db


def _page(world, persona, url, *, verified=False):
    client = Client()
    if verified:
        verify_second_factor(client, world.people[persona])
    else:
        client.force_login(world.people[persona])
    response = client.get(url)
    assert response.status_code == 200, (persona, url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize(
    ("persona", "org"),
    [("head_of_schools", "administration"), ("reader", "municipality"), ("regional_officer", "region")],
)
def test_people_who_see_aggregates_get_the_overview_in_the_navigation(world, persona, org):
    body = _page(world, persona, reverse("home:start"))
    assert f'href="{reverse("followup:overview", args=[getattr(world, org).pk])}"' in body
    assert "Follow-up figures" in body


@pytest.mark.parametrize("persona", ["coordinator", "admin", "teacher", "partner"])
def test_others_do_not(world, persona):
    body = _page(world, persona, reverse("home:start"))
    assert "Follow-up figures" not in body and "/followup/overview/" not in body


def test_teachers_reach_their_groups_analysis_and_the_principal_the_units_figures_and_log(world):
    group = make_group(world.school, name="7A", students=3, teachers=[world.people["teacher"]])
    round_ = make_round(world.school)
    analysis = reverse("followup:analysis_group", args=[round_.pk, group.pk])
    assert analysis in _page(world, "teacher", reverse("followup:my_groups"))
    view = reverse("followup:group", args=[round_.pk, group.pk])
    assert analysis in _page(world, "teacher", view, verified=True)
    unit = _page(world, "principal", reverse("followup:unit", args=[world.school.pk]), verified=True)
    assert reverse("followup:overview", args=[world.school.pk]) in unit
    assert reverse("followup:log", args=[world.school.pk]) in unit


def test_the_municipalitys_overview_links_its_scheme_and_for_its_editors_the_questions(world):
    from kedja.organisations.factories import make_member, make_user
    from kedja.organisations.roles import Role

    url = reverse("followup:overview", args=[world.municipality.pk])
    scheme = reverse("followup:scheme", args=[world.municipality.pk])
    questions = reverse("followup:questions", args=[world.municipality.pk])
    reader = _page(world, "reader", url)
    assert scheme in reader and questions not in reader  # may read the scheme, not edit the questions
    world.people["developer"] = make_member(world.municipality, Role.QUALITY_DEVELOPER, make_user())
    developer = _page(world, "developer", url)
    assert scheme in developer and questions in developer
    school = _page(world, "principal", reverse("followup:overview", args=[world.school.pk]), verified=True)
    assert scheme not in school  # a unit's figures: the municipality's settings are not linked there


def test_the_start_page_leads_principal_and_teacher_to_the_follow_up(world):
    start = reverse("home:start")
    principal = _page(world, "principal", start)
    assert reverse("followup:unit", args=[world.school.pk]) in principal
    teacher = _page(world, "teacher", start)
    assert "once mid-term follow-up is in use" in teacher  # no round open yet
    round_ = make_round(world.school)
    teacher = _page(world, "teacher", start)
    assert f"Mid-term follow-up: {round_} is open" in teacher
    assert reverse("followup:my_groups") in teacher and "once mid-term follow-up is in use" not in teacher
