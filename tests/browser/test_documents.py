"""The documents (docs/plans.md) in headless Chromium: a coordinator asks for the STEAM strategy as PDF and
the follow-up report as Word on the documents page, sees them ready in the list, and downloads both (the file
names and content types checked). A document still being made shows its progress, and the list updates itself
by htmx polling when the background task finishes. axe-core (WCAG 2.1 A/AA) checks the page in each state."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from bench.reports import make_plan_data
from kedja.plans.models import Document
from tests.browser.test_journeys import sign_in, t
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

PDF_TYPE = "application/pdf"
# The tests run the task inside the request (ImmediateBackend): the click waits while the document is made.
MAKING = 120_000
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_coordinator_makes_and_downloads_both_documents(page, assert_accessible):
    w = build_world()
    make_plan_data(w.municipality, initiatives=4, goals=3, actions=4)
    coordinator = w.people["coordinator"]
    sign_in(page, coordinator.email)
    expect(page).not_to_have_url(reverse("accounts:login"))
    url = reverse("plans:documents", args=[w.municipality.pk])
    page.goto(url)
    assert_accessible(page, where="documents page, empty")

    # The strategy as PDF (the default choice).
    page.get_by_label(t("STEAM strategy and action plan"), exact=True).check()
    page.get_by_label("PDF", exact=True).check()
    page.get_by_role("button", name=t("Make the document")).click(timeout=MAKING)
    expect(page.locator("#documents-list tbody tr")).to_have_count(1)

    # The follow-up report as Word, for a period.
    page.get_by_label(t("Follow-up report"), exact=True).check()
    page.get_by_label("Word", exact=True).check()
    page.get_by_label(t("Period from")).fill("2025-01-01")
    page.get_by_label(t("Period to")).fill("2025-12-31")
    page.get_by_role("button", name=t("Make the document")).click(timeout=MAKING)
    rows = page.locator("#documents-list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(t("Ready"))
    expect(rows.nth(1)).to_contain_text(t("Ready"))
    assert_accessible(page, where="documents page, two ready")

    for name, content_type, suffix in (
        (t("Follow-up report"), DOCX_TYPE, ".docx"),
        (t("STEAM strategy and action plan"), PDF_TYPE, ".pdf"),
    ):
        link = page.locator("#documents-list a", has_text=name)
        with page.expect_download() as caught:
            link.click()
        download = caught.value
        assert download.suggested_filename.endswith(suffix)
        response = page.request.get(link.get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"] == content_type
        assert len(response.body()) > 1000


def test_the_list_follows_a_document_being_made(page, assert_accessible):
    w = build_world()
    document = Document.objects.create(
        organisation=w.municipality, kind="strategy", format="pdf", status="running", progress=40
    )
    sign_in(page, w.people["coordinator"].email)
    expect(page).not_to_have_url(reverse("accounts:login"))
    page.goto(reverse("plans:documents", args=[w.municipality.pk]))
    expect(page.locator("#documents-list progress")).to_have_attribute("value", "40")
    assert_accessible(page, where="documents page, one being made")
    # The worker finishes: the list shows the download without a reload.
    document.file.save("strategi.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    document.status, document.progress = "ready", 100
    document.save()
    expect(page.locator("#documents-list a", has_text=t("STEAM strategy and action plan"))).to_be_visible()
    expect(page.locator("#documents-list progress")).to_have_count(0)
