"""The call builder (docs/calls.md) in headless Chromium: the regional officer builds the reference call and
publishes it.

From the main navigation she opens Calls, creates a call from the shipped template (docs/domain.md, "Calls"),
moves the closing time forward (typed as Swedish local time) and names herself reviewer, moves a field up on
the form page with the keyboard-accessible buttons, checks the criteria, previews the form as applicants will
see it, and publishes. axe-core (WCAG 2.1 A/AA) checks every page on the way; labels come from gettext in the
page's language (`t`) or from the template's own text."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kedja.calls.models import Call
from tests.browser.test_journeys import sign_in, t, url_of
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_builds_the_reference_call_and_publishes(page, live_server, assert_accessible):
    w = build_world()
    officer = w.people["regional_officer"]
    sign_in(page, officer.email)
    expect(page).to_have_url(url_of(live_server, "home:start"))

    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=t("Calls"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "calls:list"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Calls"))
    assert_accessible(page, where="calls list")

    page.get_by_role("link", name=t("New call from %(org)s", org=w.region.name)).click()
    expect(page).to_have_url(url_of(live_server, "calls:create", w.region.pk))
    template_title = "Strategiskt stöd för utveckling av matematikundervisningen i grundskolan"
    expect(page.get_by_label(template_title)).to_be_checked()
    assert_accessible(page, where="new call")
    page.get_by_role("button", name=t("Create the draft")).click()

    call = Call.objects.get(organiser=w.region)
    expect(page).to_have_url(url_of(live_server, "calls:edit", call.pk))
    expect(page.get_by_label(t("Number of places"))).to_have_value("8")
    # The template's dates are never in the past: its year, or the next one once that has begun.
    year = timezone.localtime(call.opens_at).year
    assert call.opens_at > timezone.now()
    expect(page.get_by_label(t("Closes (Swedish time)"))).to_have_value(f"{year}-08-03T23:59")
    assert_accessible(page, where="call details")
    opens_now = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label(t("Opens (Swedish time)")).fill(opens_now)  # open at once
    page.get_by_label(t("Closes (Swedish time)")).fill("2030-08-03T23:59")
    page.get_by_label(t("Decision announced by")).fill("2030-08-07")
    page.get_by_label(f"{officer.full_name} ({officer.email})").check()
    page.get_by_role("button", name=t("Save details")).click()
    expect(page.get_by_role("status")).to_contain_text(t("The call's details have been saved."))
    expect(page.get_by_label(t("Closes (Swedish time)"))).to_have_value("2030-08-03T23:59")
    call.refresh_from_db()
    assert call.closes_at.isoformat() == "2030-08-03T21:59:00+00:00"  # summer time, UTC+2

    page.get_by_role("navigation", name=t("Call builder")).get_by_role("link", name=t("Form")).click()
    expect(page).to_have_url(url_of(live_server, "calls:fields", call.pk))
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(21)  # the header and 20 items
    assert_accessible(page, where="form fields")
    move = page.get_by_role("button", name=f"{t('Move up')} Organisationsnummer", exact=True)
    move.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Organisationsnummer")
    expect(rows.nth(2).get_by_role("rowheader")).to_have_text("Organisationsnummer")
    expect(rows.nth(3).get_by_role("rowheader")).to_have_text("Kommun")
    assert list(call.fields.order_by("position").values_list("key", flat=True))[1:3] == [
        "org_number",
        "municipality",
    ]

    page.get_by_role("navigation", name=t("Call builder")).get_by_role("link", name=t("Criteria")).click()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(4)
    assert_accessible(page, where="criteria")

    page.get_by_role("navigation", name=t("Call builder")).get_by_role(
        "link", name=t("Preview and publish")
    ).click()
    expect(page).to_have_url(url_of(live_server, "calls:preview", call.pk))
    expect(page.get_by_label("Fråga 1: Varför vill kommunen delta?")).to_be_visible()
    resource_person = page.get_by_role("group", name="Resursperson 1")
    expect(resource_person.get_by_label(t("Name"), exact=True)).to_be_visible()
    expect(resource_person.get_by_label(t("Title"), exact=True)).to_be_visible()
    assert_accessible(page, where="preview")
    page.get_by_role("button", name=t("Publish the call")).click()

    expect(page).to_have_url(url_of(live_server, "calls:detail", call.pk))
    expect(page.get_by_role("status")).to_contain_text(
        t("The call has been published. Eligible organisations can now apply.")
    )
    expect(page.get_by_text(t("Open for applications"))).to_be_visible()
    expect(page.get_by_text("3 augusti 2030 23:59").first).to_be_visible()
    # The description's dates are the call's fields: what the applicant reads is what the server does.
    expect(page.locator(".kedja-call-description")).to_contain_text(
        "Ansök senast 3 augusti 2030 23:59. Urvalet meddelas senast 7 augusti 2030."
    )
    assert_accessible(page, where="published call")
    call.refresh_from_db()
    assert call.status == Call.Status.PUBLISHED
    assert reverse("calls:detail", args=[call.pk]) in page.url
