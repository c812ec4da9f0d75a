"""Every PDF Kedja makes (assessment report, call receipt and review, plan documents) goes through here:
WeasyPrint with the report styles of core/kedja.css and a URL fetcher that reads embedded data only.

WeasyPrint is imported inside the functions: it loads Pango through cffi, which takes a noticeable moment,
and only the requests that make a PDF should pay for it."""

from pathlib import Path

from django.contrib.staticfiles import finders

REPORT_CSS_START = "/* == report (PDF) start"
REPORT_CSS_END = "/* == report (PDF) end"


def report_css() -> str:
    """The reports' print styles: the marked section of core/kedja.css (styles live in one file; WeasyPrint
    gets only its own part, so it does not log warnings about screen rules it does not know)."""
    path = finders.find("core/kedja.css")
    text = Path(path).read_text(encoding="utf-8") if path else ""
    start, end = text.find(REPORT_CSS_START), text.find(REPORT_CSS_END)
    if start == -1 or end == -1:
        return text
    return text[text.index("*/", start) + 2 : end]


def local_only_fetcher():
    """WeasyPrint may read embedded data: URLs only — never the network or the file system, whatever a
    text in the report might contain."""
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, timeout=1)


def html_to_pdf(html: str, *, extra_css: tuple[str, ...] = (), **options) -> bytes:
    """The HTML as an A4 PDF with the report styles, then `extra_css` (a document's own rules); `options`
    go to WeasyPrint's write_pdf (e.g. pdf_variant="pdf/ua-1", pdf_tags=True)."""
    from weasyprint import CSS, HTML

    fetcher = local_only_fetcher()
    stylesheets = [CSS(string=css, url_fetcher=fetcher) for css in (report_css(), *extra_css)]
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=stylesheets, **options)
