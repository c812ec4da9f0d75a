"""Inviting people, granting roles, ending memberships and deactivating people."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from kedja.accounts.models import User
from kedja.core.concurrency import EditConflict
from kedja.organisations import access as policy
from kedja.organisations import actions
from kedja.organisations.models import AuditEvent, Invitation, Membership
from kedja.organisations.roles import Role
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db


def _invite(w, email="ny@kedja.example", role=Role.TEACHER, org=None, by="admin"):
    org = org or w.school
    user = w.people[by]
    return actions.invite_person(
        org,
        email=email,
        full_name="Ny Person",
        role=role,
        grantable=policy.grantable_roles(user, org),
        by=user,
        accept_url=lambda token: f"http://testserver/organisations/invitations/{token}/",
    )


def test_admin_can_grant_only_roles_that_belong_at_the_organisation(world):
    admin = world.people["admin"]
    assert set(policy.grantable_roles(admin, world.school)) == {Role.PRINCIPAL, Role.TEACHER, Role.ORG_ADMIN}
    assert Role.REGIONAL_OFFICER not in policy.grantable_roles(admin, world.municipality)
    # nothing above or beside what they administer
    assert policy.grantable_roles(admin, world.region) == ()
    assert policy.grantable_roles(admin, world.other_municipality) == ()
    # a principal administers nobody
    assert policy.grantable_roles(world.people["principal"], world.school) == ()


def test_nobody_can_grant_more_than_they_have(world):
    with pytest.raises(PermissionDenied):
        _invite(world, org=world.region, role=Role.REGIONAL_OFFICER)
    with pytest.raises(ValidationError):
        _invite(world, org=world.school, role=Role.REGIONAL_OFFICER)
    with pytest.raises(PermissionDenied):
        _invite(world, org=world.school, role=Role.TEACHER, by="principal")
    assert not Invitation.objects.exists()


def test_invitation_is_emailed_and_accepting_creates_the_person_and_role(world):
    invitation = _invite(world)
    assert len(mail.outbox) == 1
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert invitation.token_hash != token  # only the hash is stored
    found = actions.find_open_invitation(token)
    user, membership = actions.accept_invitation(found, password="Granskolan-lärare-1", full_name="Nina Ny")
    assert user.check_password("Granskolan-lärare-1")
    assert (membership.organisation, membership.role) == (world.school, Role.TEACHER)
    assert actions.find_open_invitation(token) is None  # used once
    assert AuditEvent.objects.filter(verb="invitation.accepted", organisation=world.school).exists()


def test_invitation_page_creates_account_signs_in_and_keeps_input_on_error(world):
    _invite(world)
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    client = Client()
    url = reverse("organisations:accept_invitation", args=[token])
    bad = client.post(url, {"full_name": "Nina Ny", "password1": "password123", "password2": "password123"})
    assert bad.status_code == 400
    assert 'value="Nina Ny"' in bad.content.decode()
    assert 'id="id_password1_error"' in bad.content.decode()
    ok = client.post(
        url, {"full_name": "Nina Ny", "password1": "Granskolan-lärare-1", "password2": "Granskolan-lärare-1"}
    )
    assert ok.status_code == 302
    assert client.get(reverse("home:start")).status_code == 200
    assert User.objects.get(email="ny@kedja.example").full_name == "Nina Ny"


def test_existing_person_accepts_by_signing_in_as_the_invited_address(world):
    teacher = world.people["teacher"]
    _invite(world, email=teacher.email, role=Role.PRINCIPAL)
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    invitation = actions.find_open_invitation(token)
    with pytest.raises(PermissionDenied):
        actions.accept_invitation(invitation, user=world.people["reader"])
    actions.accept_invitation(invitation, user=teacher)
    assert Membership.objects.filter(user=teacher, role=Role.PRINCIPAL, organisation=world.school).exists()


def test_expired_or_revoked_invitation_cannot_be_used(world):
    invitation = _invite(world)
    actions.revoke_invitation(invitation, by=world.people["admin"])
    with pytest.raises(ValidationError):
        actions.accept_invitation(invitation, password="Granskolan-lärare-1")
    assert Client().get(reverse("organisations:accept_invitation", args=["no-such-token"])).status_code == 404


def test_invite_form_errors_are_shown_beside_fields(world):
    client = Client()
    client.force_login(world.people["admin"])
    url = reverse("organisations:members", args=[world.school.pk])
    response = client.post(url, {"full_name": "Ny", "email": "inte-en-adress", "role": Role.TEACHER})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_email_error"' in body and 'value="inte-en-adress"' in body
    response = client.post(
        url, {"full_name": "Ny", "email": "ny@kedja.example", "role": Role.REGIONAL_OFFICER}
    )
    assert response.status_code == 400 and 'id="id_role_error"' in response.content.decode()


def test_two_admins_changing_one_membership_cannot_overwrite_each_other(world):
    membership = world.membership("teacher")
    admin = world.people["admin"]
    grantable = policy.grantable_roles(admin, world.school)
    actions.change_membership(
        membership, role=Role.PRINCIPAL, title="Biträdande", expected_version=0, grantable=grantable, by=admin
    )
    stale = Membership.objects.get(pk=membership.pk)
    with pytest.raises(EditConflict):
        actions.change_membership(
            stale, role=Role.TEACHER, title="", expected_version=0, grantable=grantable, by=admin
        )
    membership.refresh_from_db()
    assert (membership.role, membership.title) == (Role.PRINCIPAL, "Biträdande")


def test_conflicting_edit_in_the_browser_keeps_what_was_typed(world):
    membership = world.membership("teacher")
    client = Client()
    client.force_login(world.people["admin"])
    url = reverse("organisations:membership_edit", args=[membership.pk])
    client.post(url, {"role": Role.TEACHER, "title": "Mentor 7B", "version": 0})
    response = client.post(url, {"role": Role.TEACHER, "title": "Förstelärare", "version": 0})
    assert response.status_code == 409
    body = response.content.decode()
    assert 'value="Förstelärare"' in body
    membership.refresh_from_db()
    assert membership.title == "Mentor 7B"


def test_organisation_edit_conflict_and_validation(world):
    client = Client()
    client.force_login(world.people["admin"])
    url = reverse("organisations:edit", args=[world.municipality.pk])
    bad = client.post(url, {"name": "Norrby kommun", "org_number": "212000-1919", "version": 0})
    assert bad.status_code == 200
    assert "id_org_number_error" in bad.content.decode() and 'value="212000-1919"' in bad.content.decode()
    ok = client.post(url, {"name": "Norrby kommun", "org_number": "2120001918", "version": 0})
    assert ok.status_code == 302
    world.municipality.refresh_from_db()
    assert world.municipality.org_number == "212000-1918"
    late = client.post(url, {"name": "Norrby kommun (gammal flik)", "org_number": "", "version": 0})
    assert late.status_code == 409
    assert 'value="Norrby kommun (gammal flik)"' in late.content.decode()


def test_admin_can_deactivate_only_people_wholly_in_their_care(world):
    admin = world.people["admin"]
    teacher = world.people["teacher"]
    assert policy.may_deactivate(admin, teacher, teacher.memberships.all())
    # the regional officer belongs to the region, which the municipal admin does not administer
    officer = world.people["regional_officer"]
    assert not policy.may_deactivate(admin, officer, officer.memberships.all())
    assert not policy.may_deactivate(admin, admin, admin.memberships.all())
    client = Client()
    client.login(username=teacher.email, password=PASSWORD)
    actions.deactivate_person(teacher, by=admin)
    teacher.refresh_from_db()
    assert not teacher.is_active and teacher.deactivated_at
    assert client.get(reverse("home:start")).status_code == 302


def test_nobody_removes_their_own_role(world):
    admin = world.people["admin"]
    with pytest.raises(ValidationError):
        actions.end_membership(world.membership("admin"), by=admin)


def test_deactivating_a_person_asks_first_and_says_what_it_does(world):
    client = Client()
    client.force_login(world.people["admin"])
    teacher = world.people["teacher"]
    url = reverse("organisations:person_deactivate", args=[world.membership("teacher").pk])
    asked = client.post(url)
    assert asked.status_code == 200 and 'name="confirm" value="yes"' in asked.content.decode()
    teacher.refresh_from_db()
    assert teacher.is_active  # one click only asked
    done = client.post(url, {"confirm": "yes"})
    assert done.status_code == 302
    teacher.refresh_from_db()
    assert not teacher.is_active


def test_an_admins_own_role_page_offers_no_role_change_or_removal(world):
    client = Client()
    admin = world.people["admin"]
    client.force_login(admin)
    own = world.membership("admin")
    body = client.get(reverse("organisations:membership_edit", args=[own.pk])).content.decode()
    assert reverse("organisations:membership_end", args=[own.pk]) not in body
    assert re.search(r'<select[^>]*name="role"[^>]*disabled', body)
    other = world.membership("teacher")
    body = client.get(reverse("organisations:membership_edit", args=[other.pk])).content.decode()
    assert reverse("organisations:membership_end", args=[other.pk]) in body
