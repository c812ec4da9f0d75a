"""The transitions view (framework area 7b) in headless Chromium.

A coordinator opens her municipality's transitions from stored Kolada values (her municipality, the two
other municipalities of the county and Sweden): the page names the largest drop, between eligibility for
the natural-science and technology programmes and programme choice. She chooses another KPI for the
eligibility step — first a mistyped id, which is refused next to the field with what she typed kept — and
the page then finds the largest drop at the first step instead. axe-core (WCAG 2.1 A/AA) checks each page.

Labels come from gettext in the page's language (`t`) or from the chain's own Swedish labels."""

import pytest
from django.utils import timezone

from kedja.indicators.transitions import default_steps
from kedja.kolada.models import KpiValue
from kedja.kolada.store import load_curated_catalogue
from tests.browser.test_journeys import sign_in, t, url_of
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2024
CHAIN = {  # total values per step for the municipality (0299), its neighbours (0201, 0202) and Sweden
    "0299": [80, 70, 40, 35, 30],
    "0201": [80, 70, 70, 65, 60],
    "0202": [80, 70, 70, 65, 60],
    "0000": [75, 65, 55, 50, 45],
}
OTHER_ELIGIBILITY = "N15421"  # eligibility for NA/TE by the schools' municipality instead of the home one


def store(kpi, code, value):
    for gender in ("T", "K", "M"):
        KpiValue.objects.create(
            kpi_id=kpi,
            area_type=KpiValue.AreaType.MUNICIPALITY,
            area_code=code,
            period=YEAR,
            gender=gender,
            value=value,
            fetched_at=timezone.now(),
        )


def label(key):
    return next(s.label["sv"] for s in default_steps() if s.key == key)


def test_coordinator_finds_the_largest_drop_and_changes_a_step(page, live_server, assert_accessible):
    w = build_world()
    load_curated_catalogue()
    for code, values in CHAIN.items():
        for step, value in zip(default_steps(), values, strict=True):
            store(step.kpi, code, value)
    store(OTHER_ELIGIBILITY, "0299", 45)  # with it the chain drops 35 points at the first step
    for code in ("0201", "0202", "0000"):
        store(OTHER_ELIGIBILITY, code, 70)

    sign_in(page, w.people["coordinator"].email)
    page.goto(f"/goals/{w.municipality.pk}/transitions/")
    expect(page).to_have_url(url_of(live_server, "indicators:transitions", w.municipality.pk))
    largest = page.locator("#transitions-T-largest")
    expect(largest).to_contain_text(label("eligible_na_te"))
    expect(largest).to_contain_text(label("programme_choice"))
    expect(largest).to_contain_text("30")
    expect(page.locator("#transitions-T-worse")).to_be_visible()
    expect(page.locator("#transitions-T-chart")).to_be_visible()
    expect(page.locator("#kolada-attribution")).to_have_text("Källa: Kolada")
    assert_accessible(page, where="transitions view")

    page.get_by_role("link", name=t("Choose the chain's KPIs")).click()
    expect(page).to_have_url(url_of(live_server, "indicators:transitions_chain", w.municipality.pk))
    assert_accessible(page, where="choose the chain")
    field = page.get_by_label(label("eligible_na_te"), exact=True)
    field.fill("N1542")
    page.get_by_role("button", name=t("Save the chain"), exact=True).click()
    expect(page.locator("#id_kpi_eligible_na_te_error")).to_contain_text("N1542")
    expect(page.get_by_label(label("eligible_na_te"), exact=True)).to_have_value("N1542")
    assert_accessible(page, where="choose the chain, refused id")

    page.get_by_label(label("eligible_na_te"), exact=True).fill(OTHER_ELIGIBILITY)
    page.get_by_role("button", name=t("Save the chain"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "indicators:transitions", w.municipality.pk))
    expect(page.locator("#transitions-T-table")).to_contain_text(OTHER_ELIGIBILITY)
    largest = page.locator("#transitions-T-largest")
    expect(largest).to_contain_text(label("year9_maths"))
    expect(largest).to_contain_text(label("eligible_na_te"))
    expect(largest).to_contain_text("35")
    assert_accessible(page, where="transitions view after the change")
