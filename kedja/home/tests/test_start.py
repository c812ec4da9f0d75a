import pytest
from django.test import Client
from django.urls import reverse

from kedja.home import attention
from kedja.organisations.factories import make_member, make_municipality, make_user
from kedja.organisations.models import Invitation
from kedja.organisations.roles import Role

pytestmark = pytest.mark.django_db


def start_page(user):
    client = Client()
    client.force_login(user)
    return client, client.get(reverse("home:start"))


def test_regional_officer_sees_the_regions_municipalities(world):
    _, response = start_page(world.people["regional_officer"])
    body = response.content.decode()
    assert "Norrby kommun" in body and "Sydby kommun" not in body


def test_coordinator_sees_units_and_the_schools_nobody_runs_yet(world):
    items = attention.for_membership(world.people["coordinator"], world.membership("coordinator"))
    titles = " ".join(i.title for i in items)
    links = {label for i in items for label, _ in i.links}
    assert "Norrbyskolan" in links and "Granskolan" in links
    # Granskolan has nobody in Kedja: it is flagged
    flagged = [i for i in items if i.tone == "warning"]
    assert flagged and {"Granskolan"} == {label for label, _ in flagged[0].links}
    assert titles


def test_admin_is_told_about_missing_organisation_number_and_open_invitations(world):
    items = attention.for_membership(world.people["admin"], world.membership("admin"))
    assert any(i.url.endswith(f"/{world.municipality.pk}/edit/") for i in items)
    Invitation.objects.create(
        organisation=world.school,
        email="x@kedja.example",
        full_name="X",
        role=Role.TEACHER,
        token_hash="h" * 64,
        expires_at="2000-01-01T00:00:00Z",
    )
    items = attention.for_membership(world.people["admin"], world.membership("admin"))
    assert any(i.tone == "warning" and i.url.endswith(f"/{world.municipality.pk}/people/") for i in items)


def test_teacher_and_partner_see_their_own_place(world):
    _, response = start_page(world.people["teacher"])
    assert "Norrbyskolan" in response.content.decode()
    _, response = start_page(world.people["partner"])
    body = response.content.decode()
    assert "Teknikföretaget AB" in body and "Norrbyskolan" not in body


def test_person_without_role_is_told_how_to_get_one(db):
    _, response = start_page(make_user())
    assert response.status_code == 200
    assert 'data-color="info"' in response.content.decode()


def test_switching_organisation_changes_the_start_page(world):
    person = make_user()
    make_member(world.school, Role.PRINCIPAL, person)
    make_member(world.partner, Role.PARTNER_CONTACT, person)
    client, first = start_page(person)
    assert "Norrbyskolan" in first.content.decode()
    partner_membership = person.memberships.get(role=Role.PARTNER_CONTACT)
    client.post(reverse("home:switch"), {"membership": partner_membership.pk, "next": reverse("home:start")})
    second = client.get(reverse("home:start")).content.decode()
    assert "Teknikföretaget AB" in second


def test_switching_to_someone_elses_membership_is_refused(world):
    client, _ = start_page(world.people["teacher"])
    response = client.post(reverse("home:switch"), {"membership": world.membership("admin").pk})
    assert response.status_code == 404


def test_switch_refuses_to_redirect_off_site(world):
    client, _ = start_page(world.people["teacher"])
    response = client.post(
        reverse("home:switch"),
        {"membership": world.membership("teacher").pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home:start")


def test_start_page_query_count_does_not_grow_with_the_region(world, django_assert_max_num_queries):
    client = Client()
    client.force_login(world.people["regional_officer"])
    # the region's municipalities, rounds, calls, next meeting, Kolada fetch and coordinators: grouped
    with django_assert_max_num_queries(20):
        assert client.get(reverse("home:start")).status_code == 200
    for n in range(3):
        make_municipality(world.region, name=f"Ny kommun {n}")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("home:start")).status_code == 200


def test_a_reader_is_not_asked_to_get_principals_invited(world):
    items = attention.for_membership(world.people["reader"], world.membership("reader"))
    titles = " ".join(i.title for i in items)
    assert "nobody in Kedja" not in titles
    coordinator = attention.for_membership(world.people["coordinator"], world.membership("coordinator"))
    assert "nobody in Kedja" in " ".join(i.title for i in coordinator)
