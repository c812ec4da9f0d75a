"""Who sees and edits goals and indicators (kedja/indicators/access.py), with the named personas."""

import pytest

from kedja.indicators.access import can_edit_goals, can_view_goal, visible_goals, visible_indicators
from kedja.indicators.factories import make_goal, make_indicator
from kedja.organisations.factories import make_member, make_user
from kedja.organisations.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def goals(world):
    return {
        "vision": make_goal(world.region, title="Regionens vision"),
        "municipal": make_goal(world.municipality, title="Norrbys mål"),
        "school": make_goal(world.school, title="Norrbyskolans mål"),
        "other_school": make_goal(world.other_school, title="Granskolans mål"),
        "far": make_goal(world.other_municipality, title="Sydbys mål"),
        "far_region": make_goal(world.other_region, title="Region Syds vision"),
    }


def titles(qs):
    return set(qs.values_list("title", flat=True))


def test_region_sees_its_own_and_its_municipalities_goals_and_nothing_of_another_region(world, goals):
    seen = titles(visible_goals(world.people["regional_officer"]))
    assert seen == {"Regionens vision", "Norrbys mål", "Norrbyskolans mål", "Granskolans mål"}


def test_municipality_sees_its_goals_its_units_and_the_regions_vision(world, goals):
    for persona in ("coordinator", "head_of_schools", "reader", "admin"):
        seen = titles(visible_goals(world.people[persona]))
        assert {"Regionens vision", "Norrbys mål", "Norrbyskolans mål"} <= seen, persona
        assert not seen & {"Sydbys mål", "Region Syds vision"}, persona


def test_teacher_sees_goals_above_their_school_but_not_the_neighbour_schools(world, goals):
    seen = titles(visible_goals(world.people["teacher"]))
    assert seen == {"Regionens vision", "Norrbys mål", "Norrbyskolans mål"}


def test_outsider_and_partner_see_nothing_here(world, goals):
    assert titles(visible_goals(world.people["outsider"])) == {"Sydbys mål", "Region Syds vision"}
    assert not visible_goals(world.people["partner"]).exists()
    assert not can_view_goal(world.people["outsider"], goals["municipal"])
    assert not visible_goals(make_user()).exists()


def test_indicators_follow_the_same_visibility(world, goals):
    make_indicator(world.municipality, goal=goals["municipal"], name="Andel behöriga")
    make_indicator(world.other_municipality, name="Sydbys andel")
    teacher = world.people["teacher"]
    assert set(visible_indicators(teacher).values_list("name", flat=True)) == {"Andel behöriga"}
    assert not visible_indicators(world.people["outsider"]).filter(name="Andel behöriga").exists()


def test_municipal_leadership_edits_the_municipality_and_its_units(world):
    for persona in ("coordinator", "head_of_schools", "admin"):
        user = world.people[persona]
        assert can_edit_goals(user, world.municipality), persona
        assert can_edit_goals(user, world.school), persona
        assert not can_edit_goals(user, world.region), persona
        assert not can_edit_goals(user, world.other_municipality), persona


def test_quality_developer_edits_but_reader_teacher_and_principal_do_not(world):
    developer = make_member(world.municipality, Role.QUALITY_DEVELOPER)
    assert can_edit_goals(developer, world.municipality)
    for persona in ("reader", "teacher", "principal", "partner", "outsider"):
        assert not can_edit_goals(world.people[persona], world.municipality), persona


def test_region_officer_and_admin_edit_the_region_only(world):
    officer = world.people["regional_officer"]
    region_admin = make_member(world.region, Role.ORG_ADMIN)
    region_reader = make_member(world.region, Role.READER)
    assert can_edit_goals(officer, world.region) and can_edit_goals(region_admin, world.region)
    assert not can_edit_goals(region_reader, world.region)
    assert not can_edit_goals(officer, world.municipality)
    assert not can_edit_goals(region_admin, world.municipality)


def test_school_admin_edits_their_school_only(world):
    school_admin = make_member(world.school, Role.ORG_ADMIN)
    assert can_edit_goals(school_admin, world.school)
    assert not can_edit_goals(school_admin, world.municipality)
    assert not can_edit_goals(school_admin, world.other_school)


def test_inactive_organisation_is_edited_by_nobody(world):
    world.municipality.is_active = False
    world.municipality.save(update_fields=["is_active"])
    assert not can_edit_goals(world.people["coordinator"], world.municipality)
