"""The Word documents opened by a real client: LibreOffice (Debian's libreoffice-writer-nogui, the free office
suite many public-sector computers have) converts the strategy and the follow-up report to PDF headless, and
the result is checked: every page A4, a sensible number of pages, the contents written (not a request to
update a field), Swedish fixed texts ("Sida 1", Swedish time), and no word of a table cell broken over two
lines ("Stadiu|m", "Utbildnings|förvaltning"): every word the Word file's tables hold appears whole in the
PDF's text at least as often. Skips with the reason without LibreOffice; fails in CI (CI=true)."""

import io
import re
import subprocess
from collections import Counter
from datetime import date

import pytest
from django.utils import translation
from docx import Document as WordDocument

from bench.reports import make_plan_data
from kedja.plans.documents import docx
from kedja.plans.documents.content import follow_up_content, strategy_content
from kedja.plans.factories import make_action, make_plan_version
from tests.tools import require_tools

pytestmark = pytest.mark.django_db

LONG_WORDS = "Utbildningsförvaltningen"


@pytest.fixture
def libreoffice():
    require_tools("soffice", package="libreoffice-writer-nogui")
    require_tools("pdftotext", "pdfinfo")


@pytest.fixture
def plan(world):
    world.municipality.name = "Örebro kommun"
    world.municipality.save()
    make_plan_data(world.municipality, initiatives=6, goals=4, actions=5)
    make_action(
        world.municipality,
        title="Öppen teknikverkstad på förskolan",
        progress=45,
        status="in_progress",
        responsible_function=LONG_WORDS,
    )
    make_plan_version(world.municipality, adopted_on=date(2026, 3, 1))
    make_action(world.municipality, title="Programmering i årskurs 7–9", responsible_function="Förskolan")
    return world


def words(text: str) -> list[str]:
    return [w.strip(".,;:()«»”“\"'") for w in text.split()]


def convert(data: bytes, tmp_path) -> bytes:
    source = tmp_path / "document.docx"
    source.write_bytes(data)
    subprocess.run(
        [
            "soffice", "--headless", "--norestore", "--nolockcheck",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to", "pdf", "--outdir", str(tmp_path), str(source),
        ],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    return (tmp_path / "document.pdf").read_bytes()


def page_sizes(pdf_path) -> list[str]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf_path)], capture_output=True, check=True, text=True
    ).stdout
    return re.findall(r"Page\s+\d+ size:\s+(.*)", info)


@pytest.mark.parametrize("kind", ["strategy", "follow_up"])
def test_word_documents_in_libreoffice_are_a4_swedish_and_break_no_word(libreoffice, plan, tmp_path, kind):
    with translation.override("sv"):
        content = (
            strategy_content(plan.municipality)
            if kind == "strategy"
            else follow_up_content(plan.municipality, date(2024, 1, 1), date(2026, 12, 31))
        )
        data = docx.render_docx(content)
    pdf = convert(data, tmp_path)
    sizes = page_sizes(tmp_path / "document.pdf")
    assert 2 <= len(sizes) <= 30, sizes
    assert all("(A4)" in size for size in sizes), sizes
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()

    assert "Sida 1" in text and "Page" not in text
    assert "(svensk tid)" in text
    assert "Uppdatera fältet" not in text  # the contents are written, not a request to update a field
    document = WordDocument(io.BytesIO(data))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    start = text.index("Innehåll")
    first_entry = text.index(headings[0], start)
    contents = text[start : text.index(headings[0], first_entry + 1)]  # up to the first heading itself
    assert all(h in contents for h in headings), contents

    # No table cell breaks a word: each word of the tables is whole in the PDF at least as often.
    in_tables = Counter(
        w for t in document.tables for row in t.rows for c in row.cells for w in words(c.text) if len(w) > 2
    )
    in_pdf = Counter(words(text))
    broken = {w: (n, in_pdf[w]) for w, n in in_tables.items() if in_pdf[w] < n}
    assert not broken, f"words broken over two lines in a table cell (in tables, whole in the PDF): {broken}"
    assert in_tables[LONG_WORDS] >= 1 or kind == "follow_up"
