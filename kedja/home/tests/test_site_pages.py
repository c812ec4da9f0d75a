import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from kedja.home.models import SitePage
from kedja.home.sitepages import page_content, shipped_text

pytestmark = pytest.mark.django_db


def speaking(language: str, **kwargs) -> Client:
    """A browser whose language cookie says `language`, as the language switch sets it."""
    client = Client(**kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("key", SitePage.Key.values)
@pytest.mark.parametrize("language", ["sv", "nb", "en"])
def test_every_page_ships_in_every_language_with_a_title_and_the_contact_address(key, language):
    with override_settings(KEDJA_CONTACT_EMAIL="tillganglighet@orebro.example"):
        title, body = shipped_text(key, language)
    assert title and not title.startswith("#")
    assert "tillganglighet@orebro.example" in body and "{contact}" not in body


def test_the_swedish_statement_says_what_the_law_and_its_model_ask_for():
    title, body = shipped_text("accessibility", "sv")
    assert title == "Tillgänglighetsredogörelse för Kedja"
    for part in (
        "2018:1937",
        "WCAG 2.1",
        "Innehåll som inte är tillgängligt",
        "Tillsyn",
        "Digg",
        "Rapportera",
    ):
        assert part in body


def test_the_organisations_own_version_replaces_the_shipped_text_in_its_language_only():
    SitePage.objects.create(
        key="privacy", language="sv", title="Personuppgifter i Örebro kommun", body="## Fråga\n\nRing oss."
    )
    own = page_content("privacy", "sv")
    assert own.title == "Personuppgifter i Örebro kommun" and "<h2>Fråga</h2>" in own.html and own.updated
    shipped = page_content("privacy", "en")
    assert shipped.title == "How Kedja handles personal data" and shipped.updated is None


def test_markup_in_the_organisations_text_is_not_run():
    SitePage.objects.create(
        key="accessibility",
        language="sv",
        title="T",
        body="<script>alert(1)</script> [x](javascript:alert(1))",
    )
    html = page_content("accessibility", "sv").html
    assert "<script" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as the text it is


def test_the_pages_open_for_anyone_and_every_page_links_them_in_its_footer():
    client = speaking("sv")
    response = client.get(reverse("home:site_page", args=["privacy"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in body and "Så behandlar Kedja personuppgifter" in body
    login = client.get(reverse("accounts:login")).content.decode()
    assert reverse("home:site_page", args=["accessibility"]) in login
    assert reverse("home:site_page", args=["privacy"]) in login
    assert client.get(reverse("home:site_page", args=["cookies"])).status_code == 404


def test_the_statements_long_title_breaks_between_its_parts_on_a_phone():
    client = speaking("sv")
    body = client.get(reverse("home:site_page", args=["accessibility"])).content.decode()
    assert "Tillgänglighets\u00adredogörelse för Kedja</h1>" in body
