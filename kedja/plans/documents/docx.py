"""A document as Word (.docx, python-docx) from the same content as the PDF: real Heading 1–3 styles (Word's
navigation pane and the table of contents field use them), a TOC field that Word fills when the file is
opened, tables whose header row repeats on each page, the document language (sv-SE) and title in the file's
properties, and page numbers from a PAGE field in the footer ("Sida 1").

The page is A4 with 20 mm margins; every table has explicit column widths (w:tblGrid, each cell's w:tcW and
a fixed layout) that together fill the text width, shared by the words the columns hold
(blocks.column_widths), so neither Word nor LibreOffice squeezes a word into a narrow column. The table of
contents field is written with its entries (the document's headings), so a reader that does not update
fields (LibreOffice, a phone) shows the contents rather than a request to update; Word adds the page numbers
when it updates the field on opening. Times are Swedish time and the file's created/modified properties the
moment it was made.

Charts: Word cannot show the SVG the screen and the PDF use, so each chart is drawn from that same SVG as a
PNG picture (kedja.core.charts.chart_png) with its title as alt text, followed by its data table."""

import io
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell

from kedja.core.charts import chart_png
from kedja.core.texts import pick

from .blocks import ActionLine, ChartBlock, DocumentContent, Table, actions_table, column_widths

CHART_WIDTH = Cm(8)  # the 280-unit-wide chart then prints its labels at about 12 pt
CHART_PIXELS = 945  # 8 cm at 300 dpi
STOCKHOLM = ZoneInfo("Europe/Stockholm")
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Mm(210), Mm(297), Mm(20)
TEXT_WIDTH_MM = 170  # A4 less two 20 mm margins
TABLE_FONT = Pt(8)  # as the PDF's tables
CELL_MARGIN_TWIPS = 57  # 1 mm left and right in every cell (Word's default is 1.9 mm)
# A font every office suite has or maps to one with the same widths (LibreOffice: Liberation Sans), instead
# of the template's theme fonts (Calibri), which LibreOffice without Microsoft's fonts replaces by a wider one.
FONT = "Arial"
FONT_STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption")
TWIPS_PER_MM = 1440 / 25.4


def _language_tag() -> str:
    return {"sv": "sv-SE", "nb": "nb-NO", "en": "en-GB"}.get((get_language() or "sv").split("-")[0], "sv-SE")


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A complex field (begin · instruction · separate · shown text · end) in `paragraph`."""

    def char(kind):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


def _set_language(document, tag: str) -> None:
    document.core_properties.language = tag
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if rpr is not None:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), tag)
        lang.set(qn("w:eastAsia"), tag)
    update = OxmlElement("w:updateFields")  # Word refreshes the TOC field when the file is opened
    update.set(qn("w:val"), "true")
    document.settings.element.append(update)


def _set_fonts(document) -> None:
    for name in FONT_STYLES:
        rpr = document.styles[name].element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)
        for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attribute), FONT)


def _style(document, name: str):
    """A style by name, looked up once per document (python-docx scans every style on each lookup)."""
    cache = document.__dict__.setdefault("_kedja_styles", {})
    if name not in cache:
        cache[name] = document.styles[name]
    return cache[name]


def table_widths_twips(headers: list[str], rows: list[list[str]]) -> list[int]:
    """Each column's width in twips: shares of the text width by the words the columns hold, adding up to
    the whole text width. Measured as 8.8 pt for the tables' 8 pt: the font a reader's office suite puts in
    place of Arial may be wider (DejaVu Sans), and bold headers more so; the padding is the cells' margins
    (1 mm each side) and a little air."""
    shares = column_widths(headers, rows, font_pt=8.8, padding_mm=2.6, width_mm=TEXT_WIDTH_MM)
    total = round(TEXT_WIDTH_MM * TWIPS_PER_MM)
    widths = [round(total * share / 100) for share in shares]
    widths[-1] += total - sum(widths)
    return widths


# The order Word's schema requires for a table's properties (w:tblPr); an element out of order makes Word
# call the file damaged.
TBL_PR_ORDER = [
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
    "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
    "tblCaption", "tblDescription",
]  # fmt: skip


def _put(tbl_pr, element) -> None:
    """Set `element` in the table properties in its schema position, replacing one of the same name."""
    name = element.tag.split("}")[1]
    old = tbl_pr.find(qn(f"w:{name}"))
    if old is not None:
        tbl_pr.remove(old)
    later = TBL_PR_ORDER[TBL_PR_ORDER.index(name) + 1 :]
    for child in tbl_pr:
        if child.tag.split("}")[1] in later:
            child.addprevious(element)
            return
    tbl_pr.append(element)


def _set_widths(word_table, widths: list[int]) -> None:
    """Explicit widths: the table's (the whole text width), a fixed layout, the cells' margins, the grid
    and every cell's."""
    tbl = word_table._tbl
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(widths)))
    width.set(qn("w:type"), "dxa")
    _put(tbl.tblPr, width)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    _put(tbl.tblPr, layout)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    _put(tbl.tblPr, margins)
    for col, w in zip(tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.set(qn("w:w"), str(w))
    for tr in tbl.tr_lst:
        for tc, w in zip(tr.tc_lst, widths, strict=True):
            tc_w = tc.get_or_add_tcPr().get_or_add_tcW()
            tc_w.set(qn("w:w"), str(w))
            tc_w.set(qn("w:type"), "dxa")


def _table(document, table: Table, empty_text: str = "") -> None:
    document.add_paragraph(table.caption, style=_style(document, "Caption"))
    rows = table.rows or ([[empty_text] + [""] * (len(table.headers) - 1)] if empty_text else [])
    word_table = document.add_table(rows=1 + len(rows), cols=len(table.headers))
    word_table.style = _style(document, "Table Grid")
    word_table.autofit = False
    trs = word_table._tbl.tr_lst
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on each page
    repeat.set(qn("w:val"), "true")
    trs[0].get_or_add_trPr().append(repeat)
    # Cells are filled through their XML elements: python-docx's row.cells recomputes the grid each time.
    for tc, text in zip(trs[0].tc_lst, table.headers, strict=True):
        run = _Cell(tc, word_table).paragraphs[0].add_run(str(text))
        run.bold, run.font.size = True, TABLE_FONT
    for tr, values in zip(trs[1:], rows, strict=True):
        for tc, value in zip(tr.tc_lst, values, strict=True):
            _Cell(tc, word_table).paragraphs[0].add_run(str(value)).font.size = TABLE_FONT
    _set_widths(word_table, table_widths_twips([str(h) for h in table.headers], rows))


def _chart(document, block: ChartBlock) -> None:
    """The chart as a picture drawn from the same SVG as on screen and in the PDF, its title and description
    as the picture's alt text, then its figures in a table (the picture alone says nothing to a screen
    reader, and the table lets a reader copy the numbers)."""
    document.add_picture(io.BytesIO(chart_png(block.chart, pixels_wide=CHART_PIXELS)), width=CHART_WIDTH)
    picture = document.inline_shapes[-1]._inline.docPr
    picture.set("name", block.chart.id)
    picture.set("descr", " ".join(filter(None, [block.chart.title, block.chart.description])))
    caption = document.add_paragraph(style=_style(document, "Caption"))
    caption.add_run(block.chart.title)
    _table(document, block.table)


def _actions(document, caption: str, actions: list[ActionLine]) -> None:
    _table(document, actions_table(_("Actions: %(caption)s") % {"caption": caption}, actions))


def _front(document, content: DocumentContent) -> None:
    if content.logo is not None:
        document.add_picture(io.BytesIO(content.logo.data), width=Cm(4))
        picture = document.inline_shapes[-1]._inline.docPr  # alt text, as on the PDF cover
        picture.set("descr", _("Logo – %(name)s") % {"name": content.organisation.name})
    kicker = document.add_paragraph(f"{content.organisation.name} · Kedja")
    kicker.alignment = WD_ALIGN_PARAGRAPH.LEFT
    document.add_heading(content.title, level=0)  # the Title style
    document.add_paragraph(content.subtitle)
    if content.version:
        version = content.version
        text = _("Version %(number)s, adopted %(date)s by %(body)s") % {
            "number": version.number,
            "date": version.adopted_on.isoformat(),
            "body": version.adopted_by_body,
        }
    else:
        text = _("Not adopted yet (draft)")
    document.add_paragraph(f"{_('Adopted plan')}: {text}")
    made = timezone.localtime(content.generated_at, STOCKHOLM)
    document.add_paragraph(f"{_('Made')}: {made:%Y-%m-%d %H:%M} ({_('Swedish time')})")
    contents = document.add_paragraph()
    contents.add_run(_("Contents")).bold = True
    document.__dict__["_kedja_toc"] = document.add_paragraph()  # filled once every heading is written
    document.add_page_break()


def _write_contents(document) -> None:
    """The TOC field with its entries written as its result: one paragraph per Heading 1 and 2 (indented
    by level), the field's begin in the first and its end in the last, as Word itself writes a TOC."""
    place = document.__dict__.pop("_kedja_toc", None)
    if place is None:
        return
    entries = [
        (p.text, 1 if p.style.name == "Heading 1" else 2)
        for p in document.paragraphs
        if p.style.name in ("Heading 1", "Heading 2") and p.text.strip()
    ]
    if not entries:
        _field(place, 'TOC \\o "1-3" \\h \\z \\u', _("Update the field to show the contents."))
        return

    def char(paragraph, kind):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    # Each new paragraph goes right above `place`, so they stand in the order made, `place` last.
    ordered = [place.insert_paragraph_before("") for _entry in entries[1:]] + [place]
    for index, (paragraph, (text, level)) in enumerate(zip(ordered, entries, strict=True)):
        paragraph.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        paragraph.paragraph_format.space_after = Pt(2)
        if index == 0:
            char(paragraph, "begin")
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = ' TOC \\o "1-2" \\h \\z \\u '
            paragraph.add_run()._r.append(instruction)
            char(paragraph, "separate")
        paragraph.add_run(text)
        if index == len(entries) - 1:
            char(paragraph, "end")


def _strategy(document, content: DocumentContent) -> None:
    headings = dict(content.sections)
    document.add_heading(headings["current-state"], level=1)
    document.add_heading(_("Self-assessment"), level=2)
    if content.round is not None:
        result = content.assessment.result
        document.add_paragraph(
            _(
                "The latest self-assessment, %(title)s: %(answered)s of %(total)s respondents answered. The "
                "level of each area is the median of its items on the scale 0–4."
            )
            % {"title": content.round.title, "answered": result.answered, "total": result.respondents}
        )
        _chart(document, content.charts[0])
        document.add_heading(_("Priorities"), level=3)
        for p in content.assessment.priorities:
            document.add_paragraph(f"{p.node.code} {pick(p.node.title)}" + (f" – {p.note}" if p.note else ""))
        if not content.assessment.priorities:
            document.add_paragraph(_("No item is marked as a priority yet."))
    else:
        document.add_paragraph(_("No self-assessment has been made yet."))
    document.add_heading(_("Map of initiatives"), level=2)
    document.add_paragraph(
        _("The municipality has registered %(count)s initiatives.") % {"count": content.initiatives}
    )
    if content.map_table is not None:
        _table(document, content.map_table)
        document.add_paragraph(" · ".join(f"{a.code} {pick(a.title)}" for a in content.gaps.areas))
        document.add_heading(_("Ranked gaps"), level=2)
        _table(document, content.gaps_table, _("No gap or fragile cell."))

    document.add_heading(headings["direction"], level=1)
    for section in content.goals:
        if section.goal is None:
            continue
        document.add_heading(
            f"{section.goal.get_kind_display()}: {section.title}", level=3 if section.depth else 2
        )
        if section.goal.description:
            document.add_paragraph(section.goal.description)
        document.add_paragraph(
            f"{_('Responsible')}: {section.goal.owner_function or '–'} · "
            f"{_('Status')}: {section.goal.get_status_display()}"
        )
        if section.indicators:
            _table(
                document,
                Table(
                    "",
                    _("Indicators of %(goal)s") % {"goal": section.title},
                    [_("Indicator"), _("Unit"), _("Baseline"), _("Latest value"), _("Target"), _("Status")],
                    [
                        [
                            i.indicator.name,
                            i.unit_label,
                            i.baseline,
                            f"{i.latest} ({i.latest_year})" if i.latest_year else i.latest,
                            i.target,
                            i.status_label,
                        ]
                        for i in section.indicators
                    ],
                ),
            )

    document.add_heading(headings["actions"], level=1)
    _chart(document, content.charts[-1])
    for section in content.goals:
        if section.actions:
            document.add_heading(section.title, level=2)
            _actions(document, section.title, section.actions)

    document.add_heading(headings["responsibilities"], level=1)
    _table(document, content.responsibilities, _("The plan has no actions yet."))
    _table(document, content.resources, _("The plan has no actions yet."))

    document.add_heading(headings["follow-up"], level=1)
    document.add_paragraph(
        _(
            "The plan is followed up against its adopted version: the actions' status and progress, and the "
            "indicators' values against their targets."
        )
    )
    _table(document, content.follow_up_plan, _("No follow-up date yet."))


def _follow_up(document, content: DocumentContent) -> None:
    headings = dict(content.sections)
    document.add_heading(headings["summary"], level=1)
    document.add_paragraph(
        _("This report follows up the action plan for the period %(start)s – %(end)s.")
        % {"start": content.period_start.isoformat(), "end": content.period_end.isoformat()}
    )
    _table(document, content.action_summary)
    _table(document, content.status_counts)
    document.add_heading(headings["actions"], level=1)
    _chart(document, content.charts[0])
    for section in content.goals:
        if section.actions:
            document.add_heading(section.title, level=2)
            _actions(document, section.title, section.actions)
    _table(document, content.resources, _("The plan has no actions yet."))
    document.add_heading(headings["indicators"], level=1)
    _table(
        document,
        Table(
            "",
            _("The indicators' status and their values in the period"),
            [_("Indicator"), _("Goal"), _("Values in the period"), _("Target"), _("Status")],
            [
                [
                    line.indicator.name,
                    line.indicator.goal.title if line.indicator.goal_id else "–",
                    "; ".join(f"{year}: {value}" for year, value in values) or "–",
                    line.target,
                    line.status_label,
                ]
                for line, values in content.period_lines
            ],
        ),
        _("No indicators yet."),
    )
    document.add_heading(headings["changes"], level=1)
    if content.changes:
        _table(
            document,
            Table(
                "",
                _("Changes since version %(number)s") % {"number": content.version.number},
                [_("Action"), _("Change"), _("Before"), _("Now")],
                [[c.action, c.what, c.before or "–", c.after or "–"] for c in content.changes],
            ),
        )
    else:
        document.add_paragraph(content.changes_note)


def render_docx(content: DocumentContent) -> bytes:
    document = WordDocument()
    properties = document.core_properties
    properties.title = f"{content.title} – {content.organisation.name}"
    properties.author = content.organisation.name
    properties.last_modified_by = content.organisation.name
    properties.subject = content.subtitle
    properties.created = properties.modified = content.generated_at  # not the template's 2013
    properties.revision = 1
    _set_language(document, _language_tag())
    document.styles["Normal"].font.size = Pt(10)
    _set_fonts(document)
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run(f"{content.title} · {_('Page')} ")
    _field(footer, "PAGE", "1")
    _front(document, content)
    (_strategy if content.kind == "strategy" else _follow_up)(document, content)
    _write_contents(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
