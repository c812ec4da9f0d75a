import io
import subprocess
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kedja.assessments import actions
from kedja.assessments.exports import cell_text, export_filename, result_report
from kedja.assessments.factories import add_respondent, answer_all, make_round
from kedja.assessments.models import Answer, RespondentGroup, Round
from kedja.frameworks.factories import make_framework_version
from kedja.organisations.factories import make_municipality, make_user
from tests.tools import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(world):
    """Areas 1–2 with items a–c; three respondents (one has not answered anything)."""
    version = make_framework_version(areas=2, items=3)
    round_ = make_round(world.municipality, version, title="Självskattning 2026")
    first = add_respondent(round_, world.people["coordinator"], RespondentGroup.EDUCATION)
    second = add_respondent(round_, world.people["head_of_schools"], RespondentGroup.BUSINESS)
    add_respondent(round_, make_user(full_name="Ulla Utan Svar"), RespondentGroup.CULTURE)
    answer_all(first, [0, 4, 2])
    answer_all(second, [2, 4, None])
    Answer.objects.filter(respondent=first, node__code="1.a").update(
        evidence='=HYPERLINK("http://evil.example","klicka")',
        links="https://kommun.example/plan",
        responsible_function="@Kultur- och fritidsförvaltningen",
        next_step="-Ta fram en plan för årskurs 7–9 på Ängsskolan",
    )
    actions.mark_priority(
        round_, version.nodes.get(code="1.a"), note="Börja här: ökad måluppfyllelse", by=None
    )
    return round_


def download(client, user, name, round_):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    return client.get(reverse(name, args=[round_.pk]))


def test_pdf_report_is_an_a4_attachment_with_the_result_in_swedish(client, world, round_, settings):
    settings.KEDJA_SUPPRESSION_THRESHOLD = 2
    neighbour = make_municipality(world.region, name="Grannby kommun", code="0298")
    shared = make_round(
        neighbour, round_.framework_version, shares_with_region=True, status=Round.Status.CLOSED
    )
    answer_all(add_respondent(shared, make_user(full_name="Nils Grannbo")), [3])
    response = download(client, world.people["reader"], "assessments:export_pdf", round_)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate().isoformat()
    assert (
        response["Content-Disposition"] == f'attachment; filename="sjalvskattning-norrby-kommun-{today}.pdf"'
    )
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, layout=True)
    assert "Självskattning 2026" in text and "Norrby kommun" in text
    assert "Område 1" in text and "Område 2" in text and "Punkt 1a" in text  # åäö intact
    assert "Ta fram en plan för årskurs 7–9 på Ängsskolan" in text
    assert "Börja här: ökad måluppfyllelse" in text
    assert "Sara Samordnare" in text and "Stina Skolchef" in text
    assert "Grannby" not in text and "Nils Grannbo" not in text
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "(A4)" in info  # pdfinfo comes with pdftotext (poppler-utils), which pdf_text required


def test_excel_has_one_row_per_item_and_respondent(client, world, round_):
    response = download(client, world.people["coordinator"], "assessments:export_xlsx", round_)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    today = timezone.localdate().isoformat()
    assert (
        response["Content-Disposition"] == f'attachment; filename="sjalvskattning-norrby-kommun-{today}.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Svar", "Sammanställning"]
    sheet = book["Svar"]
    assert sheet.freeze_panes == "A2" and all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["H"].width == 60
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6 * 3  # 6 items × 3 respondents
    by_key = {(r[2], r[4]): r for r in rows}
    first = by_key[("1.a", "Sara Samordnare")]
    assert first[0] == "1" and first[1] == "Område 1" and first[3] == "Punkt 1a"
    assert first[5] == "Utbildning" or first[5] == "Education"
    assert first[6] == 0
    assert first[8] == "https://kommun.example/plan"
    assert first[12] is not None  # updated at, as a spreadsheet date
    # Formula injection: text a spreadsheet would run gets a leading apostrophe.
    assert first[7] == '\'=HYPERLINK("http://evil.example","klicka")'
    assert first[10] == "'@Kultur- och fritidsförvaltningen"
    assert first[11] == "'-Ta fram en plan för årskurs 7–9 på Ängsskolan"
    dont_know = by_key[("1.c", "Stina Skolchef")]
    assert dont_know[6] in ("Vet inte", "Don't know")
    silent = by_key[("1.a", "Ulla Utan Svar")]
    assert silent[6] is None and silent[7] is None  # not answered: empty cells
    for row in rows:
        for value in row:
            assert not (isinstance(value, str) and value[:1] in "=+-@"), value


def test_excel_summary_per_item(client, world, round_):
    response = download(client, world.people["reader"], "assessments:export_xlsx", round_)
    sheet = load_workbook(io.BytesIO(response.content))["Sammanställning"]
    assert sheet.freeze_panes == "A2" and all(cell.font.bold for cell in sheet[1])
    rows = {r[2]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 6
    # 1.a: levels 0 and 2 → median 1, spread 2: disagreement; marked as priority with its note.
    a = rows["1.a"]
    assert a[4:10] == (1, 0, 2, 2, 2, 0)
    assert a[10] in ("ja", "yes") and a[11] in ("ja", "yes") and a[12] == "Börja här: ökad måluppfyllelse"
    c = rows["1.c"]
    assert c[4:10] == (2, 2, 2, 0, 1, 1) and c[10] in ("nej", "no") and c[11] in ("nej", "no")


def test_cell_text_guards_formulas_and_keeps_other_values():
    assert cell_text("=1+1") == "'=1+1"
    assert cell_text("+46 70 123 45 67") == "'+46 70 123 45 67"
    assert cell_text("-5") == "'-5"
    assert cell_text("@SUM(A1)") == "'@SUM(A1)"
    assert cell_text("\t=cmd") == "'\t=cmd"
    assert cell_text("Vanlig text = ok") == "Vanlig text = ok"
    assert cell_text("bell\x07 och vertikal\x0btab") == "bell och vertikaltab"
    assert cell_text(3) == 3 and cell_text(None) is None and cell_text(-1) == -1


def test_file_names_are_plain_ascii(world):
    municipality = make_municipality(world.region, name="Örkelljunga kommun", code="1257")
    round_ = make_round(municipality)
    assert (
        export_filename(round_, "pdf", today=date(2026, 3, 1))
        == "sjalvskattning-orkelljunga-kommun-2026-03-01.pdf"
    )


def test_report_content_marks_priorities_on_items(world, round_):
    report = result_report(round_)
    marked = [i.node.code for i in report.result.items() if i.priority]
    assert marked == ["1.a"] and [p.node.code for p in report.priorities] == ["1.a"]
    assert [r.level_text for r in report.area_rows] == ["2", "2"]


@pytest.mark.parametrize("name", ["assessments:export_pdf", "assessments:export_xlsx"])
def test_exports_follow_the_result_permission(client, world, round_, name):
    assert download(client, world.people["teacher"], name, round_).status_code == 404
    assert download(client, world.people["outsider"], name, round_).status_code == 404
    assert download(client, world.people["regional_officer"], name, round_).status_code == 404
    add_respondent(round_, world.people["principal"])
    assert download(client, world.people["principal"], name, round_).status_code == 404
