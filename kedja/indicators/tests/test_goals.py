"""The goal tree (actions.save_goal, move_goal; docs/indicators.md): a tree per organisation, for a
municipality, a region's vision and a national initiative alike."""

import pytest
from django.core.exceptions import ValidationError

from kedja.core.concurrency import EditConflict
from kedja.frameworks.factories import make_framework_version
from kedja.indicators.actions import move_goal, save_goal
from kedja.indicators.factories import make_goal
from kedja.indicators.models import Goal, GoalKind
from kedja.organisations.factories import make_municipality, make_partner, make_region, make_user
from kedja.organisations.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality():
    return make_municipality(name="Norrby kommun")


def test_main_goal_sub_goal_and_action_form_a_tree(municipality):
    main = make_goal(municipality, title="Fler väljer NA/TE")
    sub = make_goal(municipality, parent=main, title="Fler flickor väljer TE")
    action = make_goal(municipality, parent=sub, kind=GoalKind.ACTION, title="Studiebesök åk 8")
    assert list(main.children.all()) == [sub]
    assert action.parent == sub and action.kind == GoalKind.ACTION


def test_creating_a_goal_is_audited(municipality):
    by = make_user()
    goal = make_goal(municipality, by=by, title="Fler väljer NA/TE")
    event = AuditEvent.objects.get(verb="goal.created")
    assert event.actor == by and event.organisation == municipality and event.detail["goal"] == goal.pk


def test_region_vision_and_national_initiative_use_the_same_tree():
    region = make_region(name="Region Norr")
    vision = make_goal(region, title="Regionens STEAM-vision")
    make_goal(region, parent=vision, title="Alla kommuner har en STEAM-strategi")
    national = make_partner(name="Nationellt STEAM-initiativ")
    national_goal = make_goal(national, title="Fördubbla antalet ingenjörer")
    assert Goal.objects.filter(organisation=region).count() == 2
    assert national_goal.organisation == national and national_goal.kind == GoalKind.MAIN_GOAL


def test_sub_goal_without_parent_and_main_goal_with_parent_are_refused(municipality):
    main = make_goal(municipality)
    with pytest.raises(ValidationError) as e:
        make_goal(municipality, kind=GoalKind.SUB_GOAL, parent=None)
    assert "parent" in e.value.message_dict
    with pytest.raises(ValidationError):
        make_goal(municipality, kind=GoalKind.MAIN_GOAL, parent=main)


def test_nothing_hangs_under_an_action(municipality):
    action = make_goal(municipality, parent=make_goal(municipality), kind=GoalKind.ACTION)
    with pytest.raises(ValidationError):
        make_goal(municipality, parent=action)


def test_parent_from_another_organisation_is_refused(municipality):
    elsewhere = make_goal(make_municipality())
    with pytest.raises(ValidationError):
        make_goal(municipality, parent=elsewhere)


def test_gaps_are_stage_and_area_or_target_group_pairs(municipality):
    gaps = [{"stage": "y7_9", "area": "3"}, {"stage": "f3", "target_group": "girls_women"}]
    assert make_goal(municipality, gaps=gaps).gaps == gaps
    for bad in (
        [{"stage": "nowhere", "area": "3"}],
        [{"stage": "f3"}],
        [{"stage": "f3", "target_group": "cats"}],
    ):
        with pytest.raises(ValidationError) as e:
            make_goal(municipality, gaps=bad)
        assert "gaps" in e.value.message_dict


def test_framework_items_are_linked(municipality):
    version = make_framework_version()
    items = list(version.nodes.filter(kind="item")[:2])
    goal = make_goal(municipality, items=items + [version.nodes.filter(kind="area").first()])
    assert set(goal.items.all()) == set(items)


def test_update_with_stale_version_is_refused(municipality):
    goal = make_goal(municipality, title="Fler väljer NA/TE")
    save_goal(goal, data={"status": "done"}, by=None)
    stale = Goal.objects.get(pk=goal.pk)
    stale.version = 0
    with pytest.raises(EditConflict):
        save_goal(stale, data={"title": "Något annat"}, by=None)
    assert Goal.objects.get(pk=goal.pk).title == "Fler väljer NA/TE"


def test_period_end_before_start_is_refused(municipality):
    from datetime import date

    with pytest.raises(ValidationError):
        make_goal(municipality, starts=date(2027, 1, 1), ends=date(2026, 12, 31))


# --- moving -------------------------------------------------------------------------------------------


def test_goal_cannot_be_moved_under_itself(municipality):
    main = make_goal(municipality)
    with pytest.raises(ValidationError) as e:
        move_goal(main, parent=main, by=None)
    assert "parent" in e.value.message_dict


def test_goal_cannot_be_moved_under_its_own_descendant(municipality):
    main = make_goal(municipality)
    sub = make_goal(municipality, parent=main)
    deeper = make_goal(municipality, parent=sub)
    with pytest.raises(ValidationError):
        move_goal(main, parent=deeper, by=None)
    main.refresh_from_db()
    assert main.parent is None and main.kind == GoalKind.MAIN_GOAL


def test_moving_a_sub_goal_to_another_main_goal(municipality):
    first, second = make_goal(municipality), make_goal(municipality)
    sub = make_goal(municipality, parent=first)
    move_goal(sub, parent=second, by=None, position=3)
    sub.refresh_from_db()
    assert sub.parent == second and sub.position == 3 and sub.version == 1
    assert AuditEvent.objects.filter(verb="goal.moved", detail__parent=second.pk).exists()


def test_moving_to_the_root_makes_a_main_goal_and_back_a_sub_goal(municipality):
    first, second = make_goal(municipality), make_goal(municipality)
    sub = make_goal(municipality, parent=first)
    move_goal(sub, parent=None, by=None)
    assert sub.kind == GoalKind.MAIN_GOAL and sub.parent is None
    move_goal(second, parent=sub, by=None)
    assert second.kind == GoalKind.SUB_GOAL
