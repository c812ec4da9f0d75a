"""In Chromium: a download whose file is gone is a Kedja page that says so (not a server error), an
unknown address is Kedja's 404 page, and the logo form says what is wrong with a JPEG named .png — each
page checked with axe-core and without sideways scrolling at 320 px."""

import io
import os
import shutil

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from kedja.plans.models import Document
from tests.browser.test_journeys import t
from tests.world import PASSWORD, build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("KEDJA_SCREENSHOTS", "")


def sign_in(page, email):
    page.goto(reverse("accounts:login"))
    page.get_by_label(t("E-mail address"), exact=True).fill(email)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Sign in"), exact=True).click()
    page.wait_for_load_state("load")


def no_sideways_scroll(page):
    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})


def shot(page, name):
    if SHOTS:
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 800})
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 800})


def test_missing_file_404_and_logo_mismatch_pages(page, live_server, assert_accessible):
    w = build_world()
    document = Document(
        organisation=w.municipality, kind="strategy", format="pdf", status=Document.Status.READY, progress=100
    )
    document.file.save("plan.pdf", ContentFile(b"%PDF-1.7 plan"))
    shutil.rmtree(settings.MEDIA_ROOT)  # a restore without the files
    sign_in(page, w.people["coordinator"].email)

    response = page.goto(reverse("plans:document_file", args=[document.pk]))
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(t("The file is missing"))
    assert_accessible(page, where="missing file")
    no_sideways_scroll(page)
    shot(page, "file-missing")

    response = page.goto("/finns/inte/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(t("The page was not found"))
    assert_accessible(page, where="404")
    shot(page, "not-found")

    page.context.clear_cookies()
    sign_in(page, w.people["admin"].email)
    page.goto(reverse("organisations:edit", args=[w.school.pk]))
    jpeg = io.BytesIO()
    Image.new("RGB", (40, 20), (30, 60, 95)).save(jpeg, format="JPEG")
    page.set_input_files(
        'input[name="logo"]', {"name": "logo.png", "mimeType": "image/png", "buffer": jpeg.getvalue()}
    )
    page.get_by_role("button", name=t("Save")).click()
    page.wait_for_load_state("load")
    error = page.locator("#id_logo_error")
    expect(error).to_contain_text("JPEG")
    assert_accessible(page, where="logo refused")
    no_sideways_scroll(page)
    shot(page, "logo-mismatch")
