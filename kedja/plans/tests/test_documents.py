"""The documents (docs/plans.md, "Documents"): the strategy and the follow-up report as Word (read back with
python-docx) and as PDF (text extracted with pdftotext, metadata with pdfinfo), the background task (queued →
ready, failure recorded), the download and who may ask for what."""

import io
import re
import subprocess
import zlib
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from PIL import Image

from bench.reports import make_plan_data
from kedja.frameworks.actions import load_shipped_frameworks
from kedja.plans import actions, tasks
from kedja.plans.documents import docx, pdf
from kedja.plans.documents.content import follow_up_content, strategy_content
from kedja.plans.factories import make_action, make_plan_version
from kedja.plans.models import Document
from tests.tools import require_tools

pytestmark = pytest.mark.django_db

TITLE = "Öppen teknikverkstad på förskolan"
STRATEGY_HEADINGS = ["Current state", "Direction and goals", "Actions", "Responsibilities", "Follow-up plan"]
FOLLOW_UP_HEADINGS = ["Summary", "Progress of the actions", "Indicators", "Changes since the adopted plan"]


@pytest.fixture
def poppler():
    require_tools("pdftotext", "pdfinfo", "pdfimages")


@pytest.fixture
def plan(world):
    make_plan_data(world.municipality, initiatives=6, goals=4, actions=5)
    make_action(
        world.municipality, title=TITLE, progress=45, status="in_progress", responsible_function="Förskolan"
    )
    return world


def sv(texts):
    with translation.override("sv"):
        return [_(t) for t in texts]


def in_order(text: str, parts: list[str]) -> bool:
    positions = [text.find(p) for p in parts]
    return -1 not in positions and positions == sorted(positions)


def make(kind, fmt, org, **period):
    with translation.override("sv"):
        content = strategy_content(org) if kind == "strategy" else follow_up_content(org, **period)
        return (pdf.render_pdf if fmt == "pdf" else docx.render_docx)(content)


# --- Word ----------------------------------------------------------------------------------------------


def read_docx(data: bytes):
    document = WordDocument(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    return document, headings, text + "\n" + cells


def test_strategy_docx_has_headings_in_order_swedish_text_and_figures(plan):
    document, headings, text = read_docx(make("strategy", "docx", plan.municipality))
    assert headings == sv(STRATEGY_HEADINGS)
    assert TITLE in text and "Förskolan" in text  # å, ä, ö kept
    row = next(r for t in document.tables for r in t.rows if r.cells[0].text == TITLE)
    assert [c.text for c in row.cells][-2:] == [sv(["In progress"])[0], "45"]
    with translation.override("sv"):
        assert _("The municipality has registered %(count)s initiatives.") % {"count": 6} in text
    assert document.core_properties.language == "sv-SE"
    assert document.core_properties.title.endswith(plan.municipality.name)
    # A TOC field, a PAGE field in the footer and every table's header row repeating on each page.
    body = document.element.body.xml
    assert "TOC \\o" in body
    assert " PAGE " in document.sections[0].footer._element.xml
    assert document.tables and all(
        t._tbl.tr_lst[0].trPr is not None and t._tbl.tr_lst[0].trPr.find(qn("w:tblHeader")) is not None
        for t in document.tables
    )
    assert any(p.style.name == "Heading 2" for p in document.paragraphs)


def test_follow_up_docx_shows_changes_since_the_adopted_version(plan):
    action = make_action(plan.municipality, title="Programmering i åk 4", progress=10)
    make_plan_version(plan.municipality, adopted_on=date(2026, 2, 1))
    action.progress = 70
    action.save()
    _doc, headings, text = read_docx(
        make(
            "follow_up",
            "docx",
            plan.municipality,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
        )
    )
    assert headings == sv(FOLLOW_UP_HEADINGS)
    assert "Programmering i åk 4" in text
    change = next(line for line in text.splitlines() if line.startswith("Programmering i åk 4"))
    assert change
    assert re.search(r"\b10\b", text) and re.search(r"\b70\b", text)
    assert "2025:" in text  # the indicators' values of the period


def chart_pictures(document, ids: set[str]) -> list[tuple[str, Image.Image, str, list[str]]]:
    """Each chart picture (named by its chart's id): its alt text, the picture, the caption under it and the
    header of the table that follows."""
    body = list(document.element.body.iterchildren())
    found = []
    for shape in document.inline_shapes:
        docpr = shape._inline.docPr
        if docpr.get("name") not in ids:
            continue
        blob = document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        paragraph = next(p for p in body if shape._inline in p.iter(qn("wp:inline")))
        after = body[body.index(paragraph) + 1 :]
        caption = Paragraph(after[0], None).text
        table = next(e for e in after if e.tag == qn("w:tbl"))
        header = [Paragraph(tc.p_lst[0], None).text for tc in table.tr_lst[0].tc_lst]
        found.append((docpr.get("descr"), Image.open(io.BytesIO(blob)), caption, header))
    return found


def test_word_charts_are_pictures_drawn_from_the_screen_svg_with_their_data_table(plan):
    from kedja.core.charts import SERIES_COLOURS

    with translation.override("sv"):
        content = strategy_content(plan.municipality)
        charts = [block.chart for block in content.charts]
        headers = [block.table.headers for block in content.charts]
    document = read_docx(make("strategy", "docx", plan.municipality))[0]
    pictures = chart_pictures(document, {c.id for c in charts})
    assert len(charts) == 2 and len(pictures) == 2  # the area profile and the actions' progress
    for (alt, image, caption, header), chart, table_headers in zip(pictures, charts, headers, strict=True):
        assert alt.startswith(chart.title) and caption == chart.title
        assert header == [str(h) for h in table_headers]  # the figures follow in a table
        assert image.format == "PNG" and image.width >= 900  # sharp at 8 cm
        rgb = image.convert("RGB")
        colours = {"#{:02X}{:02X}{:02X}".format(*c) for _n, c in rgb.getcolors(maxcolors=1_000_000)}
        assert SERIES_COLOURS[0] in colours  # the bars in the screen's colours


def test_pdf_column_widths_fit_every_word_and_give_the_rest_to_long_text():
    from kedja.plans.documents.blocks import CHAR_EM, PT_MM, TABLE_WIDTH_MM, column_widths

    headers = ["Ansvarig funktion", "Aktiviteter", "Klar", "Genomsnittligt förlopp (%)", "Mål"]
    goals = ", ".join(f"Mål {n}: Fler flickor väljer teknik och naturvetenskap i åk {n}" for n in range(6))
    rows = [
        ["Utbildningsförvaltningen", "15", "5", "45", goals],
        ["Kultur och fritid", "3", "0", "10", goals],
    ]
    widths = column_widths(headers, rows, font_pt=8)
    assert sum(widths) == 100 and len(widths) == 5
    char_mm = 8 * CHAR_EM * PT_MM
    longest = [len("Utbildningsförvaltningen") * 1.1, 8 * 1.1, 4 * 1.1, len("Genomsnittligt") * 1.1, 14]
    for width, chars in zip(widths, longest, strict=True):
        assert width / 100 * TABLE_WIDTH_MM >= chars * char_mm  # no word sticks out of its cell
    assert widths[-1] == max(widths)  # the goals' long text gets the room that is left
    # A table of short values shares the width by what each column holds, still adding up to 100.
    assert sum(column_widths(["År", "Värde"], [["2025", "61,2"]], font_pt=9.5, padding_mm=3)) == 100


# --- PDF -----------------------------------------------------------------------------------------------


def pdf_text(data: bytes, tmp_path) -> tuple[str, str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return " ".join(text.stdout.split()), info.stdout  # wrapped lines joined


def pdf_language(data: bytes) -> str | None:
    """The catalog's /Lang, read from the PDF's (compressed) object streams."""
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            body = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        found = re.search(rb"/Lang \(([^)]*)\)", body)
        if found:
            return found.group(1).decode()
    found = re.search(rb"/Lang \(([^)]*)\)", data)
    return found.group(1).decode() if found else None


@pytest.mark.usefixtures("poppler")
def test_strategy_pdf_text_headings_numbers_page_numbers_and_metadata(plan, tmp_path):
    data = make("strategy", "pdf", plan.municipality)
    text, info = pdf_text(data, tmp_path)
    headings = sv(STRATEGY_HEADINGS)
    body = text.split(sv(["Contents"])[0], 1)[1]
    assert in_order(body, headings)  # the table of contents, in order
    assert in_order(body.split(headings[-1], 1)[1], headings)  # and the chapters after it
    assert TITLE in text and "Förskolan" in text
    # Figures from the data: the action's progress, an indicator's target (pdftotext reads a table column by
    # column, so a row's cells are not next to each other in the text).
    assert re.search(r"\b45\b", text) and re.search(
        r"Andel elever med behörighet, mått 1: 60 \(20\d\d\)", text
    )
    assert re.search(r"\b2 ?/ ?\d+\b", text)  # page numbers "2 / N"
    title = re.search(r"^Title:\s*(.+)$", info, re.M).group(1)
    assert title == f"{sv(['STEAM strategy and action plan'])[0]} – {plan.municipality.name}"
    assert re.search(r"^Tagged:\s*yes$", info, re.M)
    assert pdf_language(data) == "sv"


@pytest.mark.usefixtures("poppler")
def test_follow_up_pdf_has_its_sections(plan, tmp_path):
    data = make(
        "follow_up", "pdf", plan.municipality, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31)
    )
    text, info = pdf_text(data, tmp_path)
    assert in_order(text, sv(FOLLOW_UP_HEADINGS))
    assert "2025-01-01" in text and TITLE in text
    with translation.override("sv"):
        assert (
            _("No version of the plan has been adopted yet, so there is nothing to compare with.")[:30]
            in text
        )
    assert re.search(r"^Tagged:\s*yes$", info, re.M)


# --- the organisation's logo ----------------------------------------------------------------------------


def png_logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 60), (30, 60, 95)).save(out, format="PNG")
    return out.getvalue()


def pdf_image_lines(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True)
    return [line for line in listing.stdout.splitlines()[2:] if line.strip()]  # after the two header lines


def logo_shapes(document) -> list:
    """The document's pictures that are the logo (the charts are pictures too)."""
    logo = sv(["Logo – %(name)s"])[0].split("%")[0]
    return [s for s in document.inline_shapes if s._inline.docPr.get("descr", "").startswith(logo)]


def test_documents_show_the_name_only_without_a_logo(plan):
    document, _headings, text = read_docx(make("strategy", "docx", plan.municipality))
    assert logo_shapes(document) == [] and plan.municipality.name in text
    with translation.override("sv"):
        html = pdf.render_html(follow_up_content(plan.municipality, date(2025, 1, 1), date(2025, 12, 31)))
    assert "doc-logo" not in html and plan.municipality.name in html


def test_word_document_shows_the_logo_on_the_first_page(plan):
    plan.municipality.logo.save("logo.png", ContentFile(png_logo()))
    document, _headings, text = read_docx(make("strategy", "docx", plan.municipality))
    assert len(logo_shapes(document)) == 1
    shape = document.inline_shapes[0]  # the first picture in the document
    assert round(shape.width.cm) == 4
    assert shape._inline.docPr.get("descr") == sv(["Logo – %(name)s"])[0] % {"name": plan.municipality.name}
    first_page = document.element.body.xpath("./w:p[w:r/w:br[@w:type='page']]/preceding-sibling::w:p")
    assert any(p.xpath(".//wp:inline") for p in first_page)  # before the page break, not later
    assert plan.municipality.name in text


@pytest.mark.usefixtures("poppler")
def test_pdf_cover_shows_the_logo_embedded_as_data(plan, tmp_path):
    plan.municipality.logo.save("logo.png", ContentFile(png_logo()))
    with translation.override("sv"):
        content = strategy_content(plan.municipality)
        html = pdf.render_html(content)
    assert 'src="data:image/png;base64,' in html and "logos/" not in html
    assert 'alt="%s"' % (sv(["Logo – %(name)s"])[0] % {"name": plan.municipality.name}) in html
    assert len(pdf_image_lines(make("strategy", "pdf", plan.municipality), tmp_path)) >= 1
    plan.municipality.logo.delete()
    assert pdf_image_lines(make("strategy", "pdf", plan.municipality), tmp_path) == []


def test_a_missing_logo_file_falls_back_to_the_name(plan):
    plan.municipality.logo.save("logo.png", ContentFile(png_logo()))
    plan.municipality.logo.storage.delete(plan.municipality.logo.name)
    document, _headings, text = read_docx(make("strategy", "docx", plan.municipality))
    assert logo_shapes(document) == [] and plan.municipality.name in text


# --- the task, the page and the download ---------------------------------------------------------------


def test_request_runs_the_task_and_the_file_downloads(plan, client):
    client.force_login(plan.people["coordinator"])
    url = reverse("plans:documents", args=[plan.municipality.pk])
    response = client.post(url, {"kind": "strategy", "format": "docx"})
    assert response.status_code == 302
    document = Document.objects.get(organisation=plan.municipality)
    assert document.status == Document.Status.READY and document.progress == 100
    assert document.file.name.endswith(".docx") and document.finished_at
    page = client.get(url)
    file_url = reverse("plans:document_file", args=[document.pk])
    assert file_url in page.content.decode()
    download = client.get(file_url)
    assert download.status_code == 200
    assert download["Content-Type"] == docx_type()
    assert "steam-strategi-norrby-kommun" in download["Content-Disposition"]
    headings = read_docx(b"".join(download.streaming_content))[1]
    assert headings == sv(STRATEGY_HEADINGS)


def docx_type():
    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_failure_is_recorded_with_a_message(plan, monkeypatch):
    def broken(content):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(pdf, "render_pdf", broken)
    document = actions.request_document(plan.municipality, kind="strategy", format="pdf")
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "no fonts" in document.error and not document.file


def test_a_finished_document_is_not_made_twice(plan):
    document = actions.request_document(plan.municipality, kind="strategy", format="docx")
    name = Document.objects.get(pk=document.pk).file.name
    assert tasks.generate_document.call(document.pk) == Document.Status.READY
    assert Document.objects.get(pk=document.pk).file.name == name


def test_pending_documents_make_the_list_poll(plan, client):
    Document.objects.create(organisation=plan.municipality, kind="strategy", format="pdf", progress=40)
    client.force_login(plan.people["reader"])
    response = client.get(reverse("plans:documents", args=[plan.municipality.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html and '<progress max="100" value="40"' in html
    assert "Make the document" not in html  # the partial only, and a reader may not ask for one


def test_follow_up_needs_a_period_and_keeps_the_choice(plan, client):
    client.force_login(plan.people["coordinator"])
    url = reverse("plans:documents", args=[plan.municipality.pk])
    response = client.post(url, {"kind": "follow_up", "format": "pdf", "period_start": "2026-05-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the last day of the period the report follows up." in html
    assert 'value="2026-05-01"' in html and 'value="follow_up" checked' in html
    assert not Document.objects.exists()
    response = client.post(
        url, {"kind": "follow_up", "format": "pdf", "period_start": "2026-05-01", "period_end": "2026-01-01"}
    )
    assert "The period must end on or after its first day." in response.content.decode()


def test_who_may_ask_and_download(plan, client):
    url = reverse("plans:documents", args=[plan.municipality.pk])
    client.force_login(plan.people["reader"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"kind": "strategy", "format": "pdf"}).status_code == 403
    document = actions.request_document(plan.municipality, kind="strategy", format="docx")
    file_url = reverse("plans:document_file", args=[document.pk])
    assert client.get(file_url).status_code == 200
    client.force_login(plan.people["outsider"])
    assert client.get(url).status_code == 404
    assert client.get(file_url).status_code == 404
    queued = Document.objects.create(organisation=plan.municipality, kind="strategy", format="pdf")
    client.force_login(plan.people["reader"])
    assert client.get(reverse("plans:document_file", args=[queued.pk])).status_code == 404


# --- the goal tree as Excel (kedja/indicators/exports.py) -----------------------------------------


def test_goals_export_has_typed_columns(world, client):
    from openpyxl import load_workbook

    from kedja.indicators.factories import make_goal, make_indicator

    goal = make_goal(world.municipality, title="Fler flickor väljer teknik", starts=date(2026, 1, 1))
    make_indicator(
        world.municipality, goal=goal, name="=Andel behöriga", target_value=60.0, target_year=2030,
        values={2024: 41.5},
    )  # fmt: skip
    make_goal(world.municipality, parent=goal, title="Teknikdagar i åk 8")
    client.force_login(world.people["reader"])
    response = client.get(reverse("indicators:goals_xlsx", args=[world.municipality.pk]))
    assert response.status_code == 200 and "mal-norrby-kommun" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Level", "Kind", "Goal")
    first, second = rows[1], rows[2]
    assert first[0] == 1 and first[2] == "Fler flickor väljer teknik"
    assert first[5].date() == date(2026, 1, 1)  # a date, not text
    assert first[8] == "'=Andel behöriga"  # guarded against formula injection
    assert first[12] == 41.5 and first[13] == 2024 and first[14] == 60 and first[15] == 2030
    assert second[0] == 2 and second[3] == "Fler flickor väljer teknik" and second[8] is None


def test_the_map_of_initiatives_writes_municipality_wide_areas_once_and_no_impossible_cells(world):
    load_shipped_frameworks()
    make_plan_data(world.municipality, initiatives=6, goals=2, actions=2)
    with translation.override("en"):
        content = strategy_content(world.municipality)
    table = content.map_table
    first = table.rows[0]
    assert first[0] == "Whole municipality"
    codes = table.headers[1:]
    assert first[codes.index("1") + 1] != "–" and first[codes.index("7") + 1] != "–"
    assert first[codes.index("2") + 1] == "–"
    preschool = next(r for r in table.rows if r[0] == "Preschool")
    assert preschool[codes.index("1") + 1] == "–" and preschool[codes.index("4") + 1] == "–"
    assert all(g.reason_text for g in content.top_gaps)
    assert content.gaps_table.headers[-1] == "Why it ranks here"
    with translation.override("sv"):
        assert docx.render_docx(strategy_content(world.municipality))  # renders with the new rows
