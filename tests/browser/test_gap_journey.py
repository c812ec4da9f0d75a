"""The gap analysis (docs/gap-analysis.md) in headless Chromium: a coordinator maps what the municipality
already does and finds the gaps.

She goes from the main navigation to the import, downloads the template, fills it with 20 initiatives
(openpyxl, by the template's own Swedish headers and the values its sheet "Förklaringar" allows), first
uploads a copy with one bad row (the preview names the row, nothing is imported), then the corrected file
(the preview reads 20 rows without errors) and imports it. From the list she opens the gap analysis: the
picture and the tables, no sideways scrolling at 320 px; a GAP cell opens in the htmx side panel with no
initiative of hers and the suggestion of a neighbour municipality's shared initiative; a COVERED cell lists
one of the imported initiatives. axe-core (WCAG 2.1 A/AA) checks every page and panel on the way.

Labels come from gettext in the page's language (`t`, `tc`), or ids and form actions are used, so the test
holds while the translation catalogs change."""

import re

import pytest
from django.urls import reverse
from django.utils.translation import ngettext, override
from openpyxl import load_workbook

from kedja.core.texts import pick
from kedja.frameworks.actions import load_shipped_frameworks
from kedja.frameworks.selectors import default_framework_version
from kedja.initiatives.factories import make_initiative
from kedja.initiatives.fileformat import DATA_SHEET, HELP_SHEET
from kedja.initiatives.models import Initiative, Stage
from kedja.organisations.factories import make_municipality
from tests.browser.test_journeys import assert_no_sideways_scrolling, sign_in, t, url_of
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

COUNT = 20
BAD_ROW = 8  # the sheet's row number (row 1 holds the column names)
GAP_STAGE, COVERED_STAGE, AREA = "preschool", "y7_9", "2"  # the imported initiatives never reach preschool
OUR_STAGES = ["f3", "y4_6", "y7_9", "upper_secondary"]
FIRST = "Teknikcollege Norrby"  # row 2: school years 7–9, item 2.a, ordinary budget → robust
SHARED = "Teknikdagar i förskolan"  # the neighbour's, shared with the region and its municipalities


def tc(singular: str, plural: str, counter: int, lang: str = "sv", /, **values) -> str:
    """A {% blocktranslate count counter=… %} (or an ngettext with %(count)s) as the page shows it."""
    with override(lang):
        return ngettext(singular, plural, counter) % {"counter": counter, "count": counter, **values}


def stage_label(code: str) -> str:
    with override("sv"):
        return str(Stage(code).label)


def explanations(workbook) -> tuple[dict[str, dict[str, str]], list[str], set[str]]:
    """What the template's sheet "Förklaringar" allows: per coded column its values (code → Swedish
    label), the framework item codes, and the names in its first column (the owners among them)."""
    allowed: dict[str, dict[str, str]] = {}
    items, names = [], set()
    for first, second, third, *_rest in workbook[HELP_SHEET].iter_rows(
        min_col=1, max_col=3, values_only=True
    ):
        names.add(first)
        if first and second and third and first in ("Stadier", "Målgrupper", "Finansiering", "Synlighet"):
            allowed.setdefault(first, {})[second] = third
        elif isinstance(first, str) and re.fullmatch(r"\d+\.[a-z]", first):
            items.append(first)
    return allowed, items, names


def fill_template(template, target, *, owner: str) -> None:
    """The downloaded template with its example row deleted and 20 initiatives in its place."""
    workbook = load_workbook(template)
    allowed, item_codes, names = explanations(workbook)
    assert owner in names, "the coordinator's municipality is listed among the owners"
    assert {"2.a", "2.b", "6.a"} <= set(item_codes), item_codes
    stages, groups, funding = allowed["Stadier"], allowed["Målgrupper"], allowed["Finansiering"]
    assert set(OUR_STAGES) <= set(stages) and GAP_STAGE in stages
    assert {"all", "girls_women"} <= set(groups) and {"ordinary", "project"} <= set(funding)
    sheet = workbook[DATA_SHEET]
    column = {cell.value: cell.column for cell in sheet[1]}
    sheet.delete_rows(2)  # the example row: the import refuses it unchanged
    for n in range(COUNT):
        row_stages = [OUR_STAGES[n % 4], OUR_STAGES[(n + 1) % 4]] if n % 3 else [OUR_STAGES[n % 4]]
        values = {
            "Namn": f"Insats {n + 1:02d} i Norrby",
            "Beskrivning": "Kartlagd från förvaltningens lista.",
            "Ägare (organisation)": owner,
            "Ansvarig funktion": "STEAM-samordnare, utbildningsförvaltningen",
            "Stadier": "; ".join(stages[code] for code in row_stages),  # Swedish labels
            "Målgrupper": "girls_women, all" if n % 2 else "all",  # codes
            "Ramverkspunkter": "; ".join(item_codes[n % len(item_codes) :][:2]),
            "Finansiering": funding["ordinary"] if n % 5 else funding["project"],
            "Finansiering slutar": None if n % 5 else "2027-06-30",
        }
        if n == 0:
            values.update(
                {
                    "Namn": FIRST,
                    "Stadier": stages["y7_9"],
                    "Ramverkspunkter": "2.a",
                    "Finansiering": "ordinary",
                }
            )
        for header, value in values.items():
            sheet.cell(row=n + 2, column=column[header], value=value)
    workbook.save(target)


def break_row(source, target, *, row: int, stage: str) -> None:
    workbook = load_workbook(source)
    sheet = workbook[DATA_SHEET]
    column = {cell.value: cell.column for cell in sheet[1]}
    sheet.cell(row=row, column=column["Stadier"], value=stage)
    workbook.save(target)


def gap_cell(page, *, stage: str, area: str):
    """The picture's link to one (stage, area) cell."""
    return page.locator(
        f'figure[aria-labelledby="areas-picture-caption"] a.kedja-gapcell[href$="stage={stage}&area={area}"]'
    )


def test_coordinator_imports_20_initiatives_and_finds_the_gaps(
    page, live_server, tmp_path, assert_accessible
):
    w = build_world()
    load_shipped_frameworks()
    version = default_framework_version()
    nodes = {n.code: n for n in version.nodes.all()}
    area_label = f"{AREA} {pick(nodes[AREA].title, 'sv')}"
    # A neighbour in the same region shares one initiative with "all" in a cell Norrby leaves empty; one
    # shared with the region only, and one of another region, are never suggested.
    soderby = make_municipality(w.region, name="Söderby kommun", code="0298")
    shared = make_initiative(soderby, name=SHARED, stages=[GAP_STAGE], items=[nodes["2.a"]], sharing="all")
    make_initiative(soderby, name="Byggverkstan (bara regionen)", stages=[GAP_STAGE], items=[nodes["2.b"]])
    make_initiative(
        w.other_municipality,
        name="Sydbys förskoleteknik",
        stages=[GAP_STAGE],
        items=[nodes["2.a"]],
        sharing="all",
    )
    ours = Initiative.objects.filter(municipality=w.municipality)

    # Initiatives (main navigation) → Import; the template comes through its link.
    sign_in(page, w.people["coordinator"].email)
    expect(page).to_have_url(url_of(live_server, "home:start"))
    page.get_by_role("navigation", name=t("Main")).get_by_role(
        "link", name=t("Initiatives"), exact=True
    ).click()
    expect(page).to_have_url(url_of(live_server, "initiatives:list"))
    page.get_by_role("link", name=t("Import from a spreadsheet"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "initiatives:import"))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Import initiatives from a spreadsheet"))
    assert_accessible(page, where="import page")
    with page.expect_download() as download:
        page.get_by_role("link", name=t("Download the template (.xlsx)"), exact=True).click()
    assert download.value.suggested_filename == "insatser-mall.xlsx"
    template = tmp_path / "insatser-mall.xlsx"
    download.value.save_as(template)
    good, bad = tmp_path / "insatser.xlsx", tmp_path / "insatser-fel.xlsx"
    fill_template(template, good, owner=w.municipality.name)
    break_row(good, bad, row=BAD_ROW, stage="Rymdstadiet")

    # A file with one bad row: the preview names the row and the column, and nothing is imported.
    page.get_by_label(t("File"), exact=True).set_input_files(bad)
    page.get_by_role("button", name=t("Check the file"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Check the file before importing"))
    expect(page.get_by_role("alert").get_by_role("heading")).to_have_text(
        tc(
            "%(counter)s of %(total)s rows has errors. Nothing has been imported.",
            "%(counter)s of %(total)s rows have errors. Nothing has been imported.",
            1,
            total=COUNT,
        )
    )
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.locator("td")).to_have_text(
        [
            str(BAD_ROW),
            "Stadier",
            t(
                "Unknown value: %(values)s. See the allowed values on the sheet “%(sheet)s”.",
                values="“Rymdstadiet”",
                sheet=HELP_SHEET,
            ),
        ]
    )
    expect(errors.get_by_role("link", name=str(BAD_ROW), exact=True)).to_have_attribute(
        "href", f"#row-{BAD_ROW}"
    )
    expect(page.locator(f"#row-{BAD_ROW} td.kedja-import-error")).to_have_count(1)
    expect(page.locator(f'form[action="{reverse("initiatives:import_commit")}"]')).to_have_count(0)
    assert_accessible(page, where="import preview with an error")
    assert ours.count() == 0

    # The corrected file, from the preview's own upload form: 20 rows, no errors; import.
    page.get_by_label(t("Corrected file"), exact=True).set_input_files(good)
    page.get_by_role("button", name=t("Check the file"), exact=True).click()
    expect(page.get_by_role("main")).to_contain_text(
        tc(
            "%(file)s: %(counter)s row with an initiative.",
            "%(file)s: %(counter)s rows with initiatives.",
            COUNT,
            file=good.name,
        )
    )
    expect(page.locator(".ds-alert[role=status]")).to_have_text(
        tc(
            "The row can be imported. Check what Kedja read below.",
            "All %(counter)s rows can be imported. Check what Kedja read below.",
            COUNT,
        )
    )
    rows = page.locator(".kedja-import-preview tbody tr")
    expect(rows).to_have_count(COUNT)
    expect(rows.locator(".ds-tag[data-color=success]")).to_have_count(COUNT)
    expect(
        page.locator("#import-errors, .kedja-import-error, .kedja-import-check .ds-tag[data-color=danger]")
    ).to_have_count(0)
    expect(page.locator("#row-2")).to_contain_text(FIRST)
    expect(page.locator("#row-2")).to_contain_text(w.municipality.name)
    assert_accessible(page, where="import preview, 20 rows")
    commit = page.locator(f'form[action="{reverse("initiatives:import_commit")}"] button[type=submit]')
    expect(commit).to_have_text(tc("Import %(counter)s initiative", "Import %(counter)s initiatives", COUNT))
    commit.click()

    expect(page).to_have_url(url_of(live_server, "initiatives:list"))
    expect(page.locator(".kedja-messages")).to_contain_text(
        tc("%(count)s initiative has been imported.", "%(count)s initiatives have been imported.", COUNT)
    )
    expect(page.locator(".kedja-register-count")).to_have_text(
        tc("%(counter)s initiative", "%(counter)s initiatives", COUNT)
    )
    expect(page.locator(".kedja-register-table tbody tr")).to_have_count(COUNT)
    expect(page.get_by_role("link", name=FIRST, exact=True)).to_be_visible()
    assert_accessible(page, where="initiative list after the import")
    assert ours.count() == COUNT
    assert set(ours.values_list("created_by", flat=True)) == {w.people["coordinator"].pk}
    first = ours.get(name=FIRST)
    assert first.stages == [COVERED_STAGE] and first.robust

    # The gap analysis from the list: the picture and, opened, the same figures as tables.
    page.get_by_role("link", name=t("Gaps in the chain"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "initiatives:gaps", w.municipality.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{t('Gaps in the chain')}: {w.municipality.name}"
    )
    gap, covered = gap_cell(page, stage=GAP_STAGE, area=AREA), gap_cell(page, stage=COVERED_STAGE, area=AREA)
    expect(gap).to_have_attribute("data-state", "gap")
    expect(gap).to_contain_text(t("Gap"))
    expect(covered).to_have_attribute("data-state", "covered")
    expect(covered).to_contain_text(t("Covered"))
    for summary in page.get_by_text(t("Show the same figures as a table"), exact=True).all():
        summary.click()
    area_row = page.locator("#areas-table tbody tr").filter(
        has=page.get_by_role("rowheader", name=area_label, exact=True)
    )
    stages = list(Stage.values)
    expect(area_row.locator("td").nth(stages.index(GAP_STAGE))).to_have_text(f"{t('Gap')}: 0")
    expect(area_row.locator("td").nth(stages.index(COVERED_STAGE))).to_contain_text(f"{t('Covered')}: ")
    expect(page.locator("#groups-table")).to_be_visible()
    assert_accessible(page, where="gap analysis with the tables open")

    # A gap cell opens in the side panel (htmx, the page stays): none of ours, the neighbour's suggested.
    panel = page.locator("#gap-panel-areas")
    with page.expect_response(
        lambda r: reverse("initiatives:gap_cell", args=[w.municipality.pk]) in r.url
    ) as got:
        gap.click()
    assert got.value.ok and got.value.request.headers.get("hx-request") == "true"
    heading = panel.get_by_role("heading", level=2)
    expect(heading).to_have_text(f"{stage_label(GAP_STAGE)} · {area_label}")
    expect(heading).to_be_focused()
    expect(page).to_have_url(url_of(live_server, "initiatives:gaps", w.municipality.pk))
    expect(panel).to_contain_text(t("No initiative of the municipality covers this cell."))
    expect(panel.locator(".kedja-gap-initiatives")).to_have_count(0)
    suggestion = panel.locator(".kedja-gap-suggestions li").filter(
        has=page.get_by_role("link", name=SHARED, exact=True)
    )
    expect(suggestion).to_contain_text(f"{SHARED} – {soderby.name}")
    expect(suggestion.get_by_role("link")).to_have_attribute(
        "href", reverse("initiatives:detail", args=[shared.pk])
    )
    expect(panel).not_to_contain_text("Byggverkstan")  # shared with the region only
    expect(panel).not_to_contain_text("Sydbys")  # another region's
    assert page.request.get(reverse("initiatives:detail", args=[shared.pk])).ok  # she may open it
    assert_accessible(page, where="gap analysis, gap cell in the side panel")

    # A covered cell: one of the imported initiatives, robust.
    covered.click()
    expect(heading).to_have_text(f"{stage_label(COVERED_STAGE)} · {area_label}")
    listed = panel.locator(".kedja-gap-initiative").filter(
        has=page.get_by_role("link", name=FIRST, exact=True)
    )
    expect(listed).to_contain_text(f"{FIRST} – {w.municipality.name}")
    expect(listed.locator(".ds-tag")).to_have_text(t("Robust"))
    expect(listed.get_by_role("link")).to_have_attribute(
        "href", reverse("initiatives:detail", args=[first.pk])
    )
    assert_accessible(page, where="gap analysis, covered cell in the side panel")

    # On a 320 px phone nothing scrolls sideways, the side panel open and the tables too.
    page.set_viewport_size({"width": 320, "height": 800})
    assert_no_sideways_scrolling(page, "gap analysis")
