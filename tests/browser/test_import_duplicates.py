"""Importing the same initiative file twice in a real browser: the second preview lists the rows already
registered and asks what to do with them (axe-core checked), and leaving them out imports only the new."""

import pytest
from openpyxl import Workbook

from kedja.frameworks.actions import load_shipped_frameworks
from kedja.initiatives.fileformat import COLUMNS
from kedja.initiatives.models import Initiative
from tests.browser.test_journeys import sign_in, t
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)


def sheet(path, names, owner):
    workbook = Workbook()
    workbook.active.append([c.header for c in COLUMNS])
    by_header = {"Namn": None, "Ägare (organisation)": owner, "Stadier": "y7_9", "Målgrupper": "all"}
    for name in names:
        by_header["Namn"] = name
        workbook.active.append([by_header.get(c.header) for c in COLUMNS])
    workbook.save(path)
    return path


def test_the_same_file_twice_asks_before_importing_duplicates(page, tmp_path, assert_accessible):
    load_shipped_frameworks()
    w = build_world()
    first = sheet(tmp_path / "insatser.xlsx", ["Teknikdagar", "Mattecirkel"], w.municipality.name)
    again = sheet(
        tmp_path / "insatser-igen.xlsx", ["Teknikdagar", "Mattecirkel", "Kodklubb"], w.municipality.name
    )
    sign_in(page, w.people["coordinator"].email)
    for path in (first, again):
        page.goto("/initiatives/import/")
        page.get_by_label(t("File"), exact=True).set_input_files(path)
        page.get_by_role("button", name=t("Check the file"), exact=True).click()
        if path == first:
            page.locator("form[action$='/import/commit/'] button[type=submit]").click()
    question = page.locator(".kedja-import-duplicates")
    expect(question).to_contain_text("2 rader liknar insatser som redan är registrerade")
    assert_accessible(page, where="import preview with rows already registered")
    page.get_by_label(t("Leave them out: import only the new rows"), exact=True).check()
    page.locator("form[action$='/import/commit/'] button[type=submit]").click()
    expect(page.locator(".kedja-messages")).to_be_visible()
    assert sorted(Initiative.objects.values_list("name", flat=True)) == [
        "Kodklubb",
        "Mattecirkel",
        "Teknikdagar",
    ]
