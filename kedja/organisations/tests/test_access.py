"""Who sees what, straight from the access engine (organisations.access; the roles are in docs/domain.md)."""

import pytest

from kedja.organisations import access as policy
from kedja.organisations.factories import make_member, make_user
from kedja.organisations.models import Membership
from kedja.organisations.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # db: the access layer's querysets


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_region_sees_its_municipalities_and_never_another_regions(world):
    seen = names(policy.visible_organisations(world.people["regional_officer"]))
    assert {"Region Norr", "Norrby kommun", "Norrbyskolan", "Granskolan"} <= seen
    assert not seen & {"Region Syd", "Sydby kommun", "Sydbyskolan", "Teknikföretaget AB"}


def test_municipality_sees_its_own_units_only(world):
    seen = names(policy.visible_organisations(world.people["coordinator"]))
    assert seen == {"Norrby kommun", "Norrby utbildningsförvaltning", "Norrbyskolan", "Granskolan"}


def test_teacher_sees_only_their_own_school(world):
    assert names(policy.visible_organisations(world.people["teacher"])) == {"Norrbyskolan"}
    assert not policy.can_view_organisation(world.people["teacher"], world.other_school)
    assert not policy.can_view_members(world.people["teacher"], world.school)


def test_principal_sees_the_people_of_their_school_but_cannot_manage_them(world):
    principal = world.people["principal"]
    assert policy.can_view_members(principal, world.school)
    assert not policy.can_manage_members(principal, world.school)
    assert not policy.can_view_members(principal, world.other_school)


def test_partner_contact_sees_and_keeps_only_their_own_partner(world):
    partner = world.people["partner"]
    assert names(policy.visible_organisations(partner)) == {"Teknikföretaget AB"}
    assert policy.can_change_organisation(partner, world.partner)
    assert not policy.can_view_members(partner, world.partner)


def test_admin_of_another_region_sees_nothing_here(world):
    outsider = world.people["outsider"]
    for org in (world.region, world.municipality, world.school, world.partner):
        assert not policy.can_view_organisation(outsider, org)
        assert not policy.can_manage_members(outsider, org)


def test_ended_membership_and_deactivated_person_grant_nothing(world):
    teacher = world.people["teacher"]
    Membership.objects.filter(user=teacher).update(is_active=False)
    policy.forget(teacher)
    assert not policy.visible_organisations(teacher).exists()
    principal = world.people["principal"]
    principal.is_active = False
    assert policy.memberships(principal) == []


def test_visibility_is_one_query_however_many_memberships(world, django_assert_max_num_queries):
    person = make_user()
    for org in (world.school, world.other_school, world.municipality, world.partner):
        make_member(org, Role.READER if org != world.partner else Role.PARTNER_CONTACT, person)
    with django_assert_max_num_queries(2):
        list(policy.visible_organisations(person))


def test_active_membership_follows_the_switcher_and_ignores_foreign_ids(world):
    person = make_user()
    make_member(world.school, Role.TEACHER, person)
    make_member(world.municipality, Role.READER, person)
    mine = policy.memberships(person)
    assert policy.active_membership(person, {}) == mine[0]
    assert policy.active_membership(person, {"kedja_active_membership": mine[1].pk}) == mine[1]
    foreign = world.membership("admin").pk
    assert policy.active_membership(person, {"kedja_active_membership": foreign}) == mine[0]
