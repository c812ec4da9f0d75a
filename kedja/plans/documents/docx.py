"""A document as Word (.docx, python-docx) from the same content as the PDF: real Heading 1–3 styles (Word's
navigation pane and the table of contents field use them), a TOC field that Word fills when the file is
opened, tables whose header row repeats on each page, the document language (sv-SE) and title in the file's
properties, and page numbers from a PAGE field in the footer.

Charts: Word cannot show the SVG the screen and the PDF use, so each chart is drawn from that same SVG as a
PNG picture (kedja.core.charts.chart_png) with its title as alt text, followed by its data table."""

import io

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from kedja.core.charts import chart_png
from kedja.core.texts import pick

from .content import ActionLine, ChartBlock, DocumentContent, Table, actions_table

CHART_WIDTH = Cm(8)  # the 280-unit-wide chart then prints its labels at about 12 pt
CHART_PIXELS = 945  # 8 cm at 300 dpi


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


def _style(document, name: str):
    """A style by name, looked up once per document (python-docx scans every style on each lookup)."""
    cache = document.__dict__.setdefault("_kedja_styles", {})
    if name not in cache:
        cache[name] = document.styles[name]
    return cache[name]


def _table(document, table: Table, empty_text: str = "") -> None:
    document.add_paragraph(table.caption, style=_style(document, "Caption"))
    rows = table.rows or ([[empty_text] + [""] * (len(table.headers) - 1)] if empty_text else [])
    word_table = document.add_table(rows=1 + len(rows), cols=len(table.headers))
    word_table.style = _style(document, "Table Grid")
    trs = word_table._tbl.tr_lst
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on each page
    repeat.set(qn("w:val"), "true")
    trs[0].get_or_add_trPr().append(repeat)
    # Cells are filled through their XML elements: python-docx's row.cells recomputes the grid each time.
    for tc, text in zip(trs[0].tc_lst, table.headers, strict=True):
        _Cell(tc, word_table).paragraphs[0].add_run(str(text)).bold = True
    for tr, values in zip(trs[1:], rows, strict=True):
        for tc, value in zip(tr.tc_lst, values, strict=True):
            _Cell(tc, word_table).paragraphs[0].add_run(str(value))


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
    document.add_paragraph(f"{_('Made')}: {content.generated_at:%Y-%m-%d %H:%M}")
    contents = document.add_paragraph()
    contents.add_run(_("Contents")).bold = True
    _field(document.add_paragraph(), 'TOC \\o "1-3" \\h \\z \\u', _("Update the field to show the contents."))
    document.add_page_break()


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
    _table(document, content.status_counts)
    document.add_heading(headings["actions"], level=1)
    _chart(document, content.charts[0])
    for section in content.goals:
        if section.actions:
            document.add_heading(section.title, level=2)
            _actions(document, section.title, section.actions)
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
    document.core_properties.title = f"{content.title} – {content.organisation.name}"
    document.core_properties.author = content.organisation.name
    document.core_properties.subject = content.subtitle
    _set_language(document, _language_tag())
    document.styles["Normal"].font.size = Pt(10)
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run(f"{content.title} · {_('Page')} ")
    _field(footer, "PAGE", "1")
    _front(document, content)
    (_strategy if content.kind == "strategy" else _follow_up)(document, content)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
