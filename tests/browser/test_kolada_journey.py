"""Kolada (docs/indicators.md) in headless Chromium: a coordinator follows a Kolada KPI and sees its figures.

She opens her municipality's Kolada catalogue, searches all of Kolada (Swedish letters, any case), follows
a KPI, fetches its values (the task runs in the live server's process, with the client swapped for recorded
responses — never the network), watches the run finish, opens the indicator page with its chart and table,
sets a target and reads the status as text. axe-core (WCAG 2.1 A/AA) checks every page on the way.

Norrby kommun takes Malmö's code (1280) because the recorded responses cover Malmö: N00945, 2000–2020.
Labels come from gettext in the page's language (`t`), so the test holds while the catalogs change."""

import pytest
from django.urls import reverse

from kedja.indicators import tasks
from kedja.indicators.factories import make_goal
from kedja.indicators.models import Indicator
from kedja.kolada.client import FakeTransport, KoladaClient
from kedja.kolada.models import FetchRun
from kedja.kolada.store import load_catalogues
from kedja.kolada.tests.recorded import DATA
from kedja.organisations.models import Organisation
from tests.browser.test_journeys import sign_in, t, url_of
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

KPI = "N00945"


def test_coordinator_follows_a_kolada_kpi_fetches_it_and_sets_a_target(
    page, live_server, monkeypatch, assert_accessible
):
    w = build_world()
    Organisation.objects.filter(pk=w.municipality.pk).update(code="1280")
    load_catalogues()
    transport = FakeTransport(directory=DATA)
    monkeypatch.setattr(tasks, "make_client", lambda: KoladaClient(transport=transport))

    sign_in(page, w.people["coordinator"].email)
    expect(page).to_have_url(url_of(live_server, "home:start"))
    page.goto(reverse("indicators:kolada_catalogue", args=[w.municipality.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Kolada KPIs for %(org)s", org=w.municipality.name)
    )
    assert_accessible(page, where="Kolada catalogue")

    # Search all of Kolada; upper-case Swedish letters still match the lower-case title.
    page.get_by_label(t("Search"), exact=True).fill("FÖRÄLDRAPENNINGDAGAR män")
    page.get_by_label(t("Which KPIs"), exact=True).select_option("all")
    page.get_by_role("search").get_by_role("button", name=t("Search"), exact=True).click()
    row = page.get_by_role("row").filter(has_text=KPI)
    expect(row).to_have_count(1)
    assert_accessible(page, where="catalogue search result")

    row.get_by_role("button", name=t("Follow %(id)s", id=KPI)).click()
    expect(page.get_by_role("status").first).to_contain_text(
        t(
            "%(kpi)s is now followed. Fetch its values from Kolada to see them on the indicator's page.",
            kpi=KPI,
        )
    )
    expect(page.get_by_role("row").filter(has_text=KPI)).to_contain_text(t("Followed"))
    indicator = Indicator.objects.get(organisation=w.municipality, kolada_kpi=KPI)
    assert indicator.area == "1280"
    assert_accessible(page, where="catalogue after following")

    page.get_by_role("button", name=t("Fetch values from Kolada"), exact=True).click()
    run = FetchRun.objects.get()
    expect(page).to_have_url(url_of(live_server, "indicators:kolada_run", run.pk))
    expect(page.locator("#kolada-run-status")).to_contain_text(t("Finished."))
    expect(page.locator("#kolada-progress")).to_have_attribute("value", "100")
    assert any(KPI in url for url, _params in transport.calls)
    assert_accessible(page, where="finished fetch")

    page.get_by_role("link", name=indicator.name).click()
    expect(page).to_have_url(url_of(live_server, "indicators:indicator", indicator.pk))
    expect(page.locator("svg.kedja-chart").first).to_be_visible()
    table = page.locator("table").filter(has=page.get_by_role("rowheader", name="2019", exact=True)).first
    expect(table).to_be_visible()
    expect(table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="2019"))).to_contain_text(
        "35,4"
    )
    expect(page.locator("#indicator-status")).to_contain_text(
        t("The indicator has no target value and year to judge against.")
    )
    assert_accessible(page, where="indicator page")

    page.get_by_label(t("Target value"), exact=True).fill("40")
    page.get_by_label(t("Target year"), exact=True).fill("2030")
    page.get_by_role("button", name=t("Save target"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "indicators:indicator", indicator.pk))
    indicator.refresh_from_db()
    assert (indicator.target_value, indicator.target_year) == (40.0, 2030)
    status = page.locator("#indicator-status")
    expect(status).not_to_contain_text(t("The indicator has no target value and year to judge against."))
    expect(status.locator(".ds-tag")).not_to_be_empty()
    assert_accessible(page, where="indicator page with a target")


def test_coordinator_follows_kolada_kpis_for_a_goal(page, live_server, assert_accessible):
    """From a goal on the goals page to the catalogue with that goal chosen; she picks its sub-goal in the
    goal list instead and follows a KPI: the same search comes back with the sub-goal still chosen, and the
    link back to the goal shows the new indicator listed under it."""
    w = build_world()
    Organisation.objects.filter(pk=w.municipality.pk).update(code="1280")
    load_catalogues()
    main = make_goal(w.municipality, title="Fler elever klarar matematik")
    sub = make_goal(w.municipality, parent=main, title="Åk 9 når målen i matematik")

    sign_in(page, w.people["coordinator"].email)
    expect(page).to_have_url(url_of(live_server, "home:start"))
    page.goto(reverse("indicators:goals", args=[w.municipality.pk]))
    page.locator(f"#goal-{main.pk}").get_by_role("link", name=t("Find a Kolada KPI for this goal")).click()
    goal_list = page.get_by_label(t("Goal for the KPIs you follow"), exact=True)
    expect(goal_list).to_have_value(str(main.pk))
    assert_accessible(page, where="catalogue opened from a goal")

    page.get_by_label(t("Search"), exact=True).fill("FÖRÄLDRAPENNINGDAGAR män")
    page.get_by_label(t("Which KPIs"), exact=True).select_option("all")
    page.get_by_role("search").get_by_role("button", name=t("Search"), exact=True).click()
    expect(goal_list).to_have_value(str(main.pk))  # the search keeps the goal
    goal_list.select_option(label=f"– {sub.title}")
    assert_accessible(page, where="catalogue with a goal chosen")
    page.get_by_role("row").filter(has_text=KPI).get_by_role(
        "button", name=t("Follow %(id)s", id=KPI)
    ).click()

    # Back in the same search with the sub-goal still chosen, ready for the next KPI; the goal's page then
    # lists the new indicator.
    expect(page.locator(".kedja-messages")).to_contain_text(
        t(
            "%(kpi)s is now followed as an indicator of %(goal)s. Fetch its values from Kolada to see them on "
            "the indicator's page.",
            kpi=KPI,
            goal=sub.title,
        )
    )
    expect(goal_list).to_have_value(str(sub.pk))
    indicator = Indicator.objects.get(organisation=w.municipality, kolada_kpi=KPI)
    assert indicator.goal_id == sub.pk
    page.get_by_role("link", name=t("Back to the goal %(title)s", title=sub.title), exact=True).click()
    expect(page.locator(f"#goal-{sub.pk}")).to_contain_text(indicator.name)
    assert_accessible(page, where="goals page after following for a goal")
