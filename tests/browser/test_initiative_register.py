"""The initiative register in headless Chromium: the coordinator registers an initiative (forgetting the
stages first: the error appears beside them and nothing typed is lost), filters the list with htmx under
the strict CSP, and the list, the page and the form are accessible (axe-core, WCAG 2.1 A/AA) and fit a
320 px phone without scrolling sideways. Uses the browser fixtures of tests/browser/conftest.py (skipped
without Chromium, failed in CI)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from kedja.frameworks.actions import load_shipped_frameworks
from kedja.frameworks.models import Framework
from kedja.initiatives.factories import make_initiative
from kedja.initiatives.models import Initiative
from tests.browser.test_journeys import assert_no_sideways_scrolling, sign_in, t
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_registers_an_initiative_and_keeps_what_was_typed(page, live_server, assert_accessible):  # noqa: F811
    w = build_world()
    load_shipped_frameworks()
    sign_in(page, w.people["coordinator"].email)
    page.goto(reverse("initiatives:list"))
    assert_accessible(page, where="empty initiative list")
    page.get_by_role("link", name=t("New initiative"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("New initiative"))
    assert_accessible(page, where="new initiative form")

    page.get_by_label(t("Name"), exact=True).fill("Teknikcollege Norrby")
    page.get_by_label(t("Named people")).fill("Anna Andersson")
    page.get_by_role("checkbox", name=t("Girls/women"), exact=True).check()
    page.locator("#id_items fieldset").first.get_by_role("checkbox").first.check()
    page.get_by_role("radio", name=t("Project money"), exact=True).check()
    page.get_by_label(t("Funding ends")).fill("2027-06-30")
    page.get_by_role("button", name=t("Register the initiative"), exact=True).click()

    stages = page.locator("#id_stages")
    expect(stages).to_contain_text(t("Choose at least one stage of the education chain."))
    expect(page.get_by_label(t("Name"), exact=True)).to_have_value("Teknikcollege Norrby")
    expect(page.get_by_label(t("Named people"))).to_have_value("Anna Andersson")
    expect(page.get_by_role("checkbox", name=t("Girls/women"), exact=True)).to_be_checked()
    expect(page.locator("#id_items fieldset").first.get_by_role("checkbox").first).to_be_checked()
    expect(page.get_by_label(t("Funding ends"))).to_have_value("2027-06-30")
    assert_accessible(page, where="form with errors")

    stages.get_by_role("checkbox", name=t("School years 7–9"), exact=True).check()
    page.get_by_role("button", name=t("Register the initiative"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Teknikcollege Norrby")
    expect(page.locator("#risk-person_dependent")).to_contain_text("Anna Andersson")
    assert Initiative.objects.get().stages == ["y7_9"]
    assert_accessible(page, where="initiative page")


def test_filtering_with_htmx_under_the_strict_csp(strict_page, live_server, assert_no_csp_violations):  # noqa: F811
    w = build_world()
    make_initiative(w.municipality, name="Förskolans NO", stages=["preschool"])
    make_initiative(w.school, name="Tjejer kodar", stages=["y7_9"], target_groups=["girls_women"])
    page = strict_page  # noqa: F811
    sign_in(page, w.people["coordinator"].email)
    page.goto(reverse("initiatives:list"))
    page.wait_for_function("() => typeof window.htmx !== 'undefined'")
    table = page.locator("#register-results")
    expect(table).to_contain_text("Förskolans NO")
    page.get_by_label(t("Search"), exact=True).fill("kodar")
    expect(table).not_to_contain_text("Förskolans NO")
    expect(table).to_contain_text("Tjejer kodar")
    assert "q=kodar" in page.url  # the address follows, so the filtered list can be shared or reloaded
    page.get_by_label(t("Search"), exact=True).fill("")
    page.get_by_label(t("Stage"), exact=True).select_option("preschool")
    expect(table).to_contain_text("Förskolans NO")
    expect(table).not_to_contain_text("Tjejer kodar")
    assert_no_csp_violations(page, where="filtered initiative list")


def test_register_pages_fit_320_px(page, live_server, assert_accessible):  # noqa: F811
    w = build_world()
    load_shipped_frameworks()
    version = Framework.objects.get(owner=None, key="steam-municipal").latest_published()
    initiative = make_initiative(
        w.school,
        name="Teknikcollege för elever utan studietradition i hela Norrby kommun",
        stages=["preschool", "f3", "y4_6", "y7_9", "upper_secondary", "adult", "working_life"],
        target_groups=["girls_women", "no_study_tradition", "newly_arrived", "neet"],
        items=list(version.items()[:6]),
        partners="Teknikföretaget AB\nNorrby science center",
        funding="grant",
        funding_ends=timezone.localdate() + datetime.timedelta(days=100),
        responsible_function="",
        named_people="Anna Andersson",
        evidence_base="none",
        follow_up="",
        reach_total=120,
        reach_girls=50,
        reach_boys=60,
    )
    for n in range(3):
        make_initiative(w.municipality, name=f"Insats {n}")
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, w.people["coordinator"].email)
    for where, path in [
        ("initiative list", reverse("initiatives:list")),
        ("initiative page", reverse("initiatives:detail", args=[initiative.pk])),
        ("initiative form", reverse("initiatives:edit", args=[initiative.pk])),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_no_sideways_scrolling(page, where)
        assert_accessible(page, where=f"{where} at 320 px")
