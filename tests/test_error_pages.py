"""Kedja's own 400, 403, 404, CSRF and 500 pages: in the person's language, with an <h1>, what happened and
where to go — never Django's bare English pages."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from kedja.core.views_errors import server_error
from kedja.organisations.factories import make_user

pytestmark = pytest.mark.django_db


def speaking(language: str, **kwargs) -> Client:
    """A browser whose language cookie says `language`, as the language switch sets it."""
    client = Client(**kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_a_missing_page_is_a_swedish_page_with_the_way_back():
    client = speaking("sv")
    client.force_login(make_user())
    response = client.get("/finns-inte/")
    body = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="sv"' in body
    assert "<h1" in body and "Sidan hittades inte" in body
    assert reverse("home:start") in body and "Din startsida" in body
    assert "Not Found" not in body


def test_a_refused_page_says_so_in_swedish_and_keeps_the_navigation(world):
    client = speaking("sv")
    client.force_login(world.people["reader"])
    school = world.school
    response = client.get(reverse("organisations:edit", args=[school.pk]))
    body = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="sv"' in body
    assert "Du har inte behörighet till den här sidan" in body
    assert 'class="kedja-nav"' in body  # the navigation is there
    assert "403 Forbidden" not in body


def test_an_expired_form_is_explained_and_nothing_is_saved():
    client = speaking("sv", enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a@b.se", "password": "x"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "Formuläret hade gått ut" in body and "Ingenting sparades" in body


def test_the_server_error_page_needs_no_database_and_speaks_the_language():
    request = RequestFactory().get("/")
    with translation.override("sv"):
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="sv"' in body and "Något gick fel hos oss" in body and "<h1" in body


def test_bokmal_and_english_get_their_own_words():
    assert "Siden ble ikke funnet" in speaking("nb").get("/x/").content.decode()
    assert "The page was not found" in speaking("en").get("/x/").content.decode()
