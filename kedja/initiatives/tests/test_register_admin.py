"""The site administration lists initiatives for staff to look at; changes go through the register."""

import datetime

import pytest
from django.urls import reverse

from kedja.initiatives.factories import make_initiative
from kedja.organisations.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def test_staff_see_initiatives_with_municipality_owner_and_filters(staff, world):
    make_initiative(
        world.school, name="Teknikcollege", funding="project", funding_ends=datetime.date(2027, 6, 30)
    )
    body = staff.get(reverse("admin:initiatives_initiative_changelist")).content.decode()
    assert "Teknikcollege" in body and "Norrby kommun" in body and "Norrbyskolan" in body
    assert "?funding__exact=project" in body  # the funding filter
    assert "?sharing__exact=region" in body


def test_the_admin_does_not_add_change_or_delete(staff, world):
    initiative = make_initiative(world.school, name="Teknikcollege")
    assert staff.get(reverse("admin:initiatives_initiative_add")).status_code == 403
    change = staff.get(reverse("admin:initiatives_initiative_change", args=[initiative.pk]))
    assert change.status_code == 200  # view only
    assert 'name="_save"' not in change.content.decode()
    assert (
        staff.post(
            reverse("admin:initiatives_initiative_delete", args=[initiative.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert initiative.__class__.objects.filter(pk=initiative.pk).exists()


def test_members_who_are_not_staff_are_sent_to_the_admin_sign_in(client, world):
    client.force_login(world.people["coordinator"])
    response = client.get(reverse("admin:initiatives_initiative_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
