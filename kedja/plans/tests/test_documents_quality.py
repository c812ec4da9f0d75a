"""What the organiser and the politician read in the strategy and the follow-up report: chart labels whole
(never "yrkeshögsko…"), the region's median in the chart's data table, Word on A4 with Swedish time, a
written table of contents, the file's created property the moment it was made, explicit table widths
filling the page, a Swedish footer, resources and responsible people in both documents, and a follow-up
summary of the actions that does not leave pages nearly empty."""

import io
import re
import subprocess
from datetime import date, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from docx import Document as WordDocument
from docx.oxml.ns import qn
from docx.shared import Mm

from bench.reports import make_plan_data
from kedja.core.charts import BarGroupData, bar_chart
from kedja.indicators.models import Goal
from kedja.plans.documents import docx, pdf
from kedja.plans.documents.content import _area_chart_block, follow_up_content, strategy_content
from kedja.plans.factories import make_action, make_plan_version
from tests.tools import require_tools

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LONG_GOAL = "Fler elever väljer yrkeshögskoleutbildningar inom teknik och naturvetenskap efter gymnasiet"


@pytest.fixture
def plan(world):
    org = world.municipality
    org.name = "Örebro kommun"
    org.save()
    make_plan_data(org, initiatives=6, goals=4, actions=5)
    action = make_action(
        org,
        title="Öppen teknikverkstad på förskolan",
        progress=45,
        status="in_progress",
        responsible_function="Utbildningsförvaltningen",
        resource_hours=120,
        resource_money=50000,
        resource_note="Lokal i Navet",
    )
    action.responsible_people.add(world.people["coordinator"])
    main = Goal.objects.filter(organisation=org, parent=None).order_by("position", "pk").first()
    main.title = LONG_GOAL  # a main goal's title is a label of the actions' progress chart
    main.save()
    make_plan_version(org, adopted_on=date(2026, 3, 1))
    make_action(org, title="Ny åtgärd efter antagandet", responsible_function="Förskolan")
    return world


def content_of(kind, org):
    with translation.override("sv"):
        if kind == "strategy":
            return strategy_content(org)
        return follow_up_content(org, date(2024, 1, 1), date(2026, 12, 31))


def text_of(data: bytes) -> str:
    require_tools("pdftotext")
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return " ".join(out.split())


# --- the charts -----------------------------------------------------------------------------------------


def test_every_chart_label_is_whole_in_the_pdf(plan):
    content = content_of("strategy", plan.municipality)
    with translation.override("sv"):
        text = text_of(pdf.render_pdf(content))
    labels = [g for block in content.charts for g in block.chart.groups]
    assert any(g.label.startswith(LONG_GOAL[:20]) for g in labels)
    for group in labels:
        assert " ".join(line.text for line in group.label_lines) == group.label  # never shortened
        assert "…" not in group.short_label
        assert all(line.text in text for line in group.label_lines), group.label
    # The organisation's name on the cover is whole, and the time it was made is Swedish time.
    cover = text.split("Innehåll")[0]
    made = timezone.localtime(content.generated_at, STOCKHOLM)
    assert "Örebro kommun" in cover and f"{made:%Y-%m-%d %H:%M} (svensk tid)" in cover


def test_the_regions_median_is_in_the_area_charts_data_table():
    def row(code, level, median):
        area = SimpleNamespace(
            node=SimpleNamespace(code=code, title={"sv": f"Område {code}"}),
            region=None if median is None else SimpleNamespace(median=median, suppressed=False),
            disagreements=0,
        )
        return SimpleNamespace(area=area, level_text=str(level), region_text=str(median))

    chart = bar_chart([BarGroupData("1 Område 1", [2], marker=3)], chart_id="a", title="t", described_by="x")
    with translation.override("sv"):
        block = _area_chart_block(SimpleNamespace(area_chart=chart, area_rows=[row("1", 2, 3)]))
        assert block.table.headers == ["Område", "Nivå", "Regionens median", "Punkter med oenighet"]
        assert block.table.rows == [["1 Område 1", "2", "3", "0"]]
        plain = _area_chart_block(SimpleNamespace(area_chart=chart, area_rows=[row("1", 2, None)]))
        assert "Regionens median" not in plain.table.headers


# --- Word -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["strategy", "follow_up"])
def test_word_is_a4_in_swedish_time_with_written_contents_and_full_width_tables(plan, kind):
    content = content_of(kind, plan.municipality)
    with translation.override("sv"):
        data = docx.render_docx(content)
    document = WordDocument(io.BytesIO(data))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(0.1)
    made = timezone.localtime(content.generated_at, STOCKHOLM)
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"Skapad: {made:%Y-%m-%d %H:%M} (svensk tid)" in text
    created = document.core_properties.created
    assert abs(created.replace(tzinfo=created.tzinfo or timezone.UTC) - timezone.now()) < timedelta(minutes=5)
    # The contents are written: each chapter heading is an entry of the TOC field's result.
    paragraphs = document.paragraphs
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    start = next(i for i, p in enumerate(paragraphs) if p.text == "Innehåll")
    end = next(i for i, p in enumerate(paragraphs) if p.style.name == "Heading 1")
    entries = [p.text for p in paragraphs[start + 1 : end] if p.text]
    assert all(h in entries for h in headings), entries
    assert "Uppdatera fältet" not in text
    assert "Sida" in section.footer.paragraphs[0].text and "Page" not in section.footer.paragraphs[0].text
    # Every table: a fixed layout and column widths that add up to the text width (170 mm).
    full = round(170 * 1440 / 25.4)
    for table in document.tables:
        grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.gridCol_lst]
        assert abs(sum(grid) - full) <= 2, grid
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("kind", ["strategy", "follow_up"])
def test_resources_and_responsible_people_are_in_both_documents(plan, kind, fmt):
    content = content_of(kind, plan.municipality)
    with translation.override("sv"):
        data = (pdf.render_pdf if fmt == "pdf" else docx.render_docx)(content)
    if fmt == "pdf":
        text = text_of(data)
    else:
        document = WordDocument(io.BytesIO(data))
        text = " ".join(
            [p.text for p in document.paragraphs]
            + [c.text for t in document.tables for row in t.rows for c in row.cells]
        )
    coordinator = plan.people["coordinator"].full_name
    assert "Resurser och ansvariga personer för varje aktivitet" in text
    assert "Lokal i Navet" in text, text
    assert coordinator in text or coordinator.split()[-1] in text, text
    assert re.search(r"120\b", text) and re.search(r"50\s000", text)


def test_follow_up_summarises_the_actions_and_leaves_no_page_nearly_empty(plan):
    content = content_of("follow_up", plan.municipality)
    rows = dict(content.action_summary.rows)
    with translation.override("sv"):
        assert rows["Alla aktiviteter"] == str(len(content.actions))
        in_progress = sum(1 for a in content.actions if a.action.status == "in_progress")
        changed = str(len({c.action for c in content.changes}))
        assert rows["Pågår"] == str(in_progress) and changed != "0"
        assert rows["Tillagda, borttagna eller ändrade sedan den antagna planen"] == changed
        assert "Försenade (sista datum passerat, inte klara)" in rows
        data = pdf.render_pdf(content)
    require_tools("pdftotext", "pdfinfo")
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()).group(1))  # fmt: skip
    words = []
    for page in range(1, pages + 1):
        out = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-", "-"],
            input=data,
            capture_output=True,
            check=True,
        ).stdout.decode()
        words.append(len(out.split()))
    # The cover holds the contents too, and every page between it and the last carries a real share of
    # the report (a page with only a heading and a 4-row table has about 40 words with its footer).
    cover = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-", "-"], input=data, capture_output=True)
    assert "Innehåll" in cover.stdout.decode()
    assert all(n >= 60 for n in words[1:-1]), words
