"""The result page in headless Chromium: accessible (axe-core, WCAG 2.1 A/AA), no CSP violations, no
sideways scrolling at 320 px, and marking a priority with htmx updates the item and the list at the top.
Uses the browser fixtures of tests/browser/conftest.py (skipped locally without Chromium, failing in CI)."""

import pytest
from django.urls import reverse

from kedja.assessments.factories import add_respondent, answer_all, make_round
from kedja.assessments.models import Answer, Priority, RespondentGroup
from kedja.frameworks.factories import make_framework_version
from tests.browser.test_journeys import assert_no_sideways_scrolling, sign_in, t
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_result_page_at_320_px_and_marking_a_priority(
    strict_page,
    new_page,
    live_server,
    assert_accessible,
    assert_no_csp_violations,
):
    w = build_world()
    version = make_framework_version(areas=3, items=3)
    round_ = make_round(
        w.municipality, version, title="Självskattning 2026 med en lång titel för radbrytning"
    )
    first = add_respondent(round_, w.people["coordinator"], RespondentGroup.EDUCATION)
    second = add_respondent(round_, w.people["head_of_schools"], RespondentGroup.LABOUR)
    answer_all(first, [0, 4, 2, 1])
    answer_all(second, [3, 4, None, 1])
    Answer.objects.filter(respondent=first, node__code="1.a").update(
        evidence="Ett långt underlag " * 20,
        links="https://kommun.example/en/mycket/lang/adress/som/maste/brytas/for/att/rymmas/pa/en/telefon",
    )
    page = strict_page
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, w.people["coordinator"].email)
    page.goto(reverse("assessments:result", args=[round_.pk]))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(
        page.get_by_role("img", name=t("Area profile: the level of each area on the scale 0–4"))
    ).to_be_visible()
    assert_no_sideways_scrolling(page, "result page")
    assert_no_csp_violations(page, where="result page")

    item = page.locator("#item-1\\.b")
    item.get_by_text(t("Mark as a priority"), exact=False).first.click()
    item.get_by_label(t("Why it is a priority")).fill("Vi börjar här")
    item.get_by_role("button", name=t("Save as a priority"), exact=True).click()
    expect(item.get_by_role("status")).to_have_text(t("%(item)s is marked as a priority.", item="1.b"))
    expect(item.get_by_role("status")).to_be_focused()  # keyboard users stay at the item
    expect(page.locator("#priorities").get_by_role("link", name="1.b", exact=False)).to_be_visible()
    assert Priority.objects.get(round=round_).note == "Vi börjar här"
    assert page.url.endswith(reverse("assessments:result", args=[round_.pk]))  # htmx: no navigation
    assert_no_csp_violations(page, where="result page after htmx")
    assert_no_sideways_scrolling(page, "result page after marking")

    # axe-core is injected as an inline script, so it runs in a page that bypasses the CSP.
    checked = new_page()
    checked.set_viewport_size({"width": 320, "height": 800})
    sign_in(checked, w.people["coordinator"].email)
    checked.goto(reverse("assessments:result", args=[round_.pk]))
    checked.locator("#item-1\\.a summary").click()  # the priority form open, too
    assert_accessible(checked, where="result page at 320 px")
