"""The follow-up above the unit (docs/followup.md) in headless Chromium: the head of schools opens the
follow-up figures of her administration.

Norrbyskolan has 30 students in a filled round, Granskolan only 3: Granskolan's row reads ".." with the
text alternative "fewer than 10 students" (a screen reader hears it; the ".." itself is hidden from it), and
no student's name is anywhere on the page. axe-core (WCAG 2.1 A/AA) checks the page; the Excel link
answers with a file."""

import pytest
from django.urls import reverse

from kedja.followup.factories import fill_round, make_group, make_round
from kedja.followup.models import Student
from tests.browser.test_journeys import sign_in, t, tn
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)


def test_head_of_schools_sees_suppressed_counts_and_no_names(page, assert_accessible):
    w = build_world()
    make_group(w.school, name="7A", students=30)
    make_group(w.other_school, name="8A", students=3)
    fill_round(make_round(w.school), seed=1)
    fill_round(make_round(w.other_school), seed=2)

    sign_in(page, w.people["head_of_schools"].email)
    page.goto(reverse("followup:overview", args=[w.administration.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text(w.administration.name)

    small = page.locator("#fu-units tbody tr", has=page.get_by_role("rowheader", name="Granskolan"))
    expect(small).to_have_count(1)
    hidden = small.locator("td.fu-hidden")
    expect(hidden).to_have_count(6)  # four levels, "not fully assessed" and the unit's total
    expect(hidden.first.locator("[aria-hidden=true]")).to_have_text("..")
    expect(hidden.first.locator(".ds-sr-only")).to_have_text(
        tn("fewer than %(n)d student", "fewer than %(n)d students", 10)
    )
    big = page.locator("#fu-units tbody tr", has=page.get_by_role("rowheader", name="Norrbyskolan"))
    expect(big).to_have_count(1)

    body = page.locator("body").inner_text()
    for family in Student.objects.values_list("family_name", flat=True):
        assert family not in body
    assert_accessible(page, where="follow-up overview")

    with page.expect_download() as download:
        page.get_by_role("link", name=t("Download as Excel")).click()
    assert download.value.suggested_filename.endswith(".xlsx")
