"""The municipality's follow-up scheme in headless Chromium: its quality developer reads the current
version, starts a new one, adds a column and changes the yellow threshold, first with thresholds out of
order (the message next to the field, everything typed kept, nothing saved), then right: version 2 is the
current one and a round opened before keeps version 1. axe-core (WCAG 2.1 A/AA) checks every page."""

import pytest
from django.urls import reverse

from kedja.followup.actions import ensure_scheme, open_round
from kedja.followup.models import Round, SchemeVersion
from kedja.organisations.factories import make_member, make_municipality, make_region, make_unit, make_user
from kedja.organisations.roles import Kind, Role
from tests.browser.test_journeys import sign_in, t

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)


def test_quality_developer_makes_a_new_version_of_the_scheme(page, live_server, assert_accessible):
    municipality = make_municipality(make_region(name="Region Västmanland"), name="Sala")
    school = make_unit(
        make_unit(municipality, kind=Kind.ADMINISTRATION, name="Bildningsförvaltningen"), name="Åbyskolan"
    )
    developer = make_member(
        municipality,
        Role.QUALITY_DEVELOPER,
        user=make_user("kvalitet@sala.example", full_name="Kim Kvalitet"),
    )
    first = ensure_scheme(municipality, by=developer)
    earlier = open_round(school, term="VT", year=2026, by=developer)
    n_columns = sum(len(g["columns"]) for g in first.definition["groups"])
    group = first.definition["groups"][0]["code"]

    sign_in(page, developer.email)
    page.goto(reverse("followup:scheme", args=[municipality.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Follow-up scheme of %(municipality)s", municipality="Sala")
    )
    expect(page.locator("#scheme-number")).to_contain_text("1")
    assert_accessible(page, where="the scheme, version 1")

    page.get_by_role("link", name=t("Make a new version of the scheme"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("New version of the follow-up scheme of %(municipality)s", municipality="Sala")
    )
    assert_accessible(page, where="the scheme editor")

    row = t("column %(n)s", n=n_columns + 1)

    def cell(label: str):
        return page.get_by_label(f"{t(label)}, {row}", exact=True)

    cell("Group code").fill(group)
    cell("Code").fill("teknikintresse")
    cell("Name in Swedish").fill("Intresse för teknik och naturvetenskap")
    cell("Help text in Swedish").fill("Visar eleven nyfikenhet på teknik, även utanför lektionerna?")
    page.get_by_label(t("Yellow from"), exact=True).fill("70")  # above orange (50): refused
    page.get_by_role("button", name=t("Save as a new version"), exact=True).click()

    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#id_orange_from_error")).to_contain_text(t("Orange must start at or above yellow."))
    expect(cell("Name in Swedish")).to_have_value("Intresse för teknik och naturvetenskap")  # nothing lost
    expect(page.get_by_label(t("Yellow from"), exact=True)).to_have_value("70")
    assert SchemeVersion.objects.filter(scheme=first.scheme).count() == 1
    assert_accessible(page, where="the scheme editor with a message")

    page.get_by_label(t("Yellow from"), exact=True).fill("42")
    page.get_by_role("button", name=t("Save as a new version"), exact=True).click()
    expect(page.locator("#scheme-number")).to_contain_text("2")
    expect(page.locator("main")).to_contain_text("Intresse för teknik och naturvetenskap")
    assert_accessible(page, where="the scheme, version 2")

    second = SchemeVersion.objects.get(scheme=first.scheme, number=2)
    assert second.yellow_from == 42 and second.created_by == developer
    assert "teknikintresse" in [c["code"] for g in second.definition["groups"] for c in g["columns"]]
    assert Round.objects.get(pk=earlier.pk).scheme_version_id == first.pk  # a term keeps its version
