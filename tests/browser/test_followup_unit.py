"""The principal's follow-up in headless Chromium: sign in, confirm the second factor with the code an app
would show (computed from the device's key), open a round, import students from a CSV file (first with a
mistake: the row-by-row report, nothing imported), see the unit view's counts and the access log naming
those reads. axe-core (WCAG 2.1 A/AA) checks every page."""

import pytest
from django.urls import reverse

from kedja.accounts.factories import current_code, make_device
from kedja.followup.factories import make_group
from kedja.followup.models import Round, Student, StudentDataAccess
from kedja.organisations.factories import make_member, make_municipality, make_region, make_unit, make_user
from kedja.organisations.roles import Kind, Role
from tests.browser.test_journeys import sign_in, t

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = (
    "Förnamn;Efternamn;Kön;Grupp;Lokal referens\nAda;Ek;flicka;7A;R1\nBo;Lund;pojke;7A;R2\nCy;Holm;;7A;R3\n"
)
BAD = "Förnamn;Efternamn;Kön;Grupp;Lokal referens\nAda;Ek;flicka;7A;R1\n;Lund;drake;9Z;R2\n"


def _csv(text: str, name: str) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}


def test_principal_opens_a_round_imports_students_and_reads_the_log(page, live_server, assert_accessible):
    municipality = make_municipality(make_region(name="Region Örebro län"), name="Lindesberg")
    administration = make_unit(municipality, kind=Kind.ADMINISTRATION, name="Utbildningsförvaltningen")
    school = make_unit(administration, name="Norrbyskolan")
    principal = make_member(
        school, Role.PRINCIPAL, user=make_user("rebecka@kedja.example", full_name="Rebecka Rektor")
    )
    device = make_device(principal)
    make_group(school, name="7A")

    sign_in(page, principal.email)
    page.goto(reverse("followup:unit", args=[school.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Enter your code"))
    page.get_by_label(t("Code from your authenticator app")).fill(current_code(device))
    page.get_by_role("button", name=t("Continue"), exact=True).click()
    heading = t("Follow-up at %(unit)s", unit="Norrbyskolan")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page, where="unit page without rounds")

    page.get_by_label(t("Term"), exact=True).select_option("HT")
    page.get_by_label(t("Year"), exact=True).fill("2026")
    page.get_by_role("button", name=t("Open the round"), exact=True).click()
    expect(page.locator("#fu-round-list")).to_contain_text(t("Autumn term") + " 2026")
    assert Round.objects.filter(school_unit=school, term="HT", year=2026).exists()
    assert_accessible(page, where="unit page with an open round")

    page.get_by_role("link", name=t("Import students"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Import students"))
    assert_accessible(page, where="import page")
    page.get_by_label(t("File with students"), exact=True).set_input_files(_csv(BAD, "elever.csv"))
    page.get_by_role("button", name=t("Check and import the students"), exact=True).click()
    expect(page.locator("#import-errors")).to_contain_text(t("This column must be filled in."))
    assert not Student.objects.filter(school_unit=school).exists()
    assert_accessible(page, where="import page with the error report")

    page.get_by_label(t("File with students"), exact=True).set_input_files(_csv(GOOD, "elever.csv"))
    page.get_by_role("button", name=t("Check and import the students"), exact=True).click()
    expect(page.locator("#fu-students")).to_contain_text("Ada Ek")
    assert Student.objects.filter(school_unit=school).count() == 3
    assert_accessible(page, where="student list")

    page.get_by_role("link", name=t("Overview"), exact=True).click()
    expect(page.locator("#fu-by-group")).to_contain_text("7A")
    expect(page.locator("#fu-by-group tbody tr").first.locator("td").nth(5)).to_have_text(
        "3"
    )  # after 4 levels and "not fully assessed"
    assert "Ada" not in page.locator("main").inner_text()
    assert_accessible(page, where="unit view with counts")

    page.get_by_role("link", name=t("Access log"), exact=True).first.click()
    log = page.locator("#fu-log")
    expect(log).to_contain_text(t("Importing students"))  # "Var" in the reader's language
    expect(log).to_contain_text(t("In the unit view"))
    assert StudentDataAccess.objects.filter(school_unit=school, context="unit view").exists()
    assert_accessible(page, where="access log")
