import pytest

from kedja.core.pdf import html_to_pdf, local_only_fetcher, report_css
from tests.tools import pdf_text


def test_pdf_fetches_nothing_from_the_network_or_the_disk():
    fetcher = local_only_fetcher()
    for url in ("http://example.com/x.png", "https://example.com/x.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,hej").read() == b"hej"


def test_report_styles_are_the_marked_section_of_kedja_css():
    css = report_css()
    assert "@page kedja-report" in css and "size: A4" in css and "DejaVu Sans" in css
    assert ".kedja-header" not in css  # screen rules stay out of WeasyPrint


def test_a_page_that_asks_for_the_disk_or_the_network_still_renders_without_them():
    html = (
        '<html lang="sv"><body class="kedja-report"><p>Åsa öppnar</p>'
        '<img src="file:///etc/passwd" alt="x"><img src="http://example.com/x.png" alt="y"></body></html>'
    )
    text = pdf_text(html_to_pdf(html, extra_css=("p { color: #111; }",)))
    assert "Åsa öppnar" in text
