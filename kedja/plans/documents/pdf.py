"""A document as an accessible A4 PDF: WeasyPrint with the PDF/UA-1 variant (tagged structure, document
language from <html lang>, title from <title>), the shared report styles plus the documents' own
(document.css), the charts as the same inline SVG as on screen, page numbers from CSS page counters and a
table of contents whose page numbers come from target-counter()."""

from pathlib import Path

from django.template.loader import render_to_string

from kedja.core.pdf import html_to_pdf

from .blocks import DocumentContent

TEMPLATES = {"strategy": "plans/doc_strategy.html", "follow_up": "plans/doc_follow_up.html"}
DOCUMENT_CSS = Path(__file__).with_name("document.css")
PDF_VARIANT = "pdf/ua-1"


def render_html(content: DocumentContent) -> str:
    return render_to_string(TEMPLATES[content.kind], {"doc": content})


def render_pdf(content: DocumentContent) -> bytes:
    return html_to_pdf(
        render_html(content),
        extra_css=(DOCUMENT_CSS.read_text(encoding="utf-8"),),
        pdf_variant=PDF_VARIANT,
        pdf_tags=True,
        presentational_hints=True,  # <col width="…%">: the tables' column widths
    )
