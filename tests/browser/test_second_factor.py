"""The second factor in headless Chromium: a teacher sets up an authenticator from the account page (the
code is computed from the key the page shows, as an app would), signs out, signs in again and confirms the
session with a new code. axe-core (WCAG 2.1 A/AA) checks every page; the set-up page with its inline SVG QR
code is also opened under the real Content-Security-Policy."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from kedja.accounts.factories import code_for, current_code, key_from_secret
from kedja.organisations.factories import make_member, make_unit, make_user
from kedja.organisations.roles import Role
from tests.browser.test_journeys import sign_in, t, url_of

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)


def test_teacher_sets_up_and_then_uses_the_second_factor(page, live_server, assert_accessible):
    teacher = make_member(
        make_unit(name="Norrbyskolan"),
        Role.TEACHER,
        user=make_user("lena@kedja.example", full_name="Lena Lärare"),
    )
    sign_in(page, teacher.email, check=assert_accessible)
    page.goto(reverse("accounts:account"))
    status = page.locator("#second-factor-status")
    expect(status).to_contain_text(t("Not set up"))
    assert_accessible(page, where="account page, no second factor")

    page.get_by_role("link", name=t("Set up a second factor"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "accounts:second_factor_setup"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Set up a second factor"))
    expect(page.locator("svg.kedja-qr")).to_be_visible()
    assert_accessible(page, where="set-up page")

    secret = page.locator("#totp-secret").inner_text()
    code = page.get_by_label(t("Code from your authenticator app"))
    code.fill("12ab56")
    page.get_by_role("button", name=t("Confirm and turn on"), exact=True).click()
    expect(page.locator(".ds-validation-message")).to_contain_text(t("The code is six digits, like 123456."))
    expect(page.locator("#totp-secret")).to_have_text(secret)  # the same key after a mistake
    assert_accessible(page, where="set-up page with an error")

    code.fill(code_for(key_from_secret(secret)))
    page.get_by_role("button", name=t("Confirm and turn on"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "accounts:account"))
    expect(page.get_by_role("status")).to_contain_text(
        t("Your second factor is set up. Kedja will ask for a code when needed.")
    )
    expect(status).to_contain_text(t("Set up"))
    expect(status).to_contain_text(t("confirmed in this session"))
    assert_accessible(page, where="account page with a second factor")
    device = TOTPDevice.objects.get(user=teacher, confirmed=True)

    page.get_by_role("button", name=t("Sign out"), exact=True).click()
    sign_in(page, teacher.email)
    page.goto(reverse("accounts:second_factor_verify") + "?next=" + reverse("accounts:account"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Enter your code"))
    assert_accessible(page, where="verify page")
    page.get_by_label(t("Code from your authenticator app")).fill(current_code(device))
    page.get_by_role("button", name=t("Continue"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "accounts:account"))
    expect(page.locator("#second-factor-status")).to_contain_text(t("confirmed in this session"))


def test_setup_page_keeps_the_content_security_policy(strict_page, live_server, assert_no_csp_violations):
    principal = make_member(make_unit(), Role.PRINCIPAL, user=make_user("rebecka@kedja.example"))
    sign_in(strict_page, principal.email)
    expect(strict_page).to_have_url(re.compile(re.escape(live_server.url)))
    strict_page.goto(reverse("accounts:second_factor_setup"))
    expect(strict_page.locator("svg.kedja-qr")).to_be_visible()
    assert strict_page.locator("svg.kedja-qr").bounding_box()["width"] >= 100
    assert_no_csp_violations(strict_page, where="set-up page")
