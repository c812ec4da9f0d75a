import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from kedja.organisations.demo import DEMO_PASSWORD, PEOPLE, build_demo
from kedja.organisations.models import Membership, Organisation
from kedja.organisations.roles import Kind, Role

pytestmark = pytest.mark.django_db


def test_demo_builds_two_real_regions_with_one_person_per_role_and_can_run_twice():
    logins = build_demo()
    again = build_demo()
    assert [e for e, _, _ in logins] == [e for e, _, _ in again]
    assert Organisation.objects.filter(kind=Kind.SCHOOL_UNIT).count() == 8
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    orebro = Organisation.objects.get(kind=Kind.MUNICIPALITY, code="1880")
    assert orebro.region().name == "Region Örebro län"
    email = logins[0][0]
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert len(logins) == len(PEOPLE) + 1


def test_demo_is_refused_when_not_allowed(settings):
    settings.DEMO_ALLOWED = False
    with pytest.raises(ImproperlyConfigured):
        build_demo()
