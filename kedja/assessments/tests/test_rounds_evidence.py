"""Evidence files: uploads are checked by content, stored under a safe name, and handed out only as
attachments to the respondent who uploaded them and to round staff."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kedja.assessments import actions
from kedja.assessments.actions import MAX_EVIDENCE_BYTES
from kedja.assessments.factories import add_respondent, make_round
from kedja.assessments.models import Answer, EvidenceFile
from kedja.frameworks.factories import make_framework_version

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a plan\n"


@pytest.fixture
def round_(world):
    return make_round(world.municipality, make_framework_version(areas=1, items=2))


@pytest.fixture
def respondent(world, round_):
    return add_respondent(round_, world.people["principal"])


@pytest.fixture
def item(round_):
    return round_.framework_version.items().first()


@pytest.fixture
def principal(client, world, respondent):
    client.force_login(world.people["principal"])
    return client


def upload(client, round_, item, name, content, **extra):
    url = reverse("assessments:evidence_upload", args=[round_.pk, item.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, **extra)


def test_upload_creates_the_answer_and_lists_the_file(principal, round_, respondent, item):
    response = upload(principal, round_, item, "Handlingsplan 2026.pdf", PDF)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{item.code}")
    evidence = EvidenceFile.objects.get()
    assert evidence.answer.respondent == respondent and evidence.answer.node == item
    assert evidence.content_type == "application/pdf" and evidence.name == "Handlingsplan 2026.pdf"
    page = principal.get(response["Location"]).content.decode()
    assert "Handlingsplan 2026.pdf" in page
    assert reverse("assessments:evidence_download", args=[evidence.pk]) in page


def test_upload_with_htmx_answers_with_the_files_partial(principal, round_, item):
    response = upload(principal, round_, item, "plan.pdf", PDF, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and f'id="files-{item.pk}"' in body and "plan.pdf" in body


def test_an_upload_keeps_the_text_already_saved(principal, round_, respondent, item):
    actions.save_answer(respondent, item, data={"evidence": "Mitt utkast"}, expected_version=None)
    upload(principal, round_, item, "plan.pdf", PDF)
    assert Answer.objects.get(respondent=respondent, node=item).evidence == "Mitt utkast"
    assert EvidenceFile.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("stor.pdf", PDF + b"0" * MAX_EVIDENCE_BYTES, "larger than 10 MB"),
        ("plan.docx", PDF, "ends in .docx, but it is really a PDF file"),  # a PDF renamed .docx
        ("program.exe", b"MZ\x90\x00\x03\x00\x00\x00", "Only PDF"),
        ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "not a real PDF file"),  # a program renamed .pdf
        ("sida.pdf", b"<!DOCTYPE html><script>alert(1)</script>", "not a real PDF file"),  # a web page
        ("bild.png", PDF, "ends in .png, but it is really a PDF file"),
    ],
)
def test_refused_uploads_show_the_reason_beside_the_field(
    principal, round_, respondent, item, name, content, message
):
    actions.save_answer(respondent, item, data={"evidence": "Mitt utkast"}, expected_version=None)
    response = upload(principal, round_, item, name, content)
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="item{item.pk}_file_error"' in body and message in body
    assert "Mitt utkast</textarea>" in body  # nothing lost
    assert not EvidenceFile.objects.exists()


def test_refused_upload_with_htmx_answers_with_the_files_partial(principal, round_, item):
    response = upload(principal, round_, item, "x.exe", b"MZ", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    body = response.content.decode()
    assert "<html" not in body and f'id="item{item.pk}_file_error"' in body


def test_a_path_in_the_file_name_is_dropped(principal, round_, item):
    assert upload(principal, round_, item, "../../x.pdf", PDF).status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.name == "x.pdf"
    stored = Path(evidence.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve() / "evidence")
    assert stored.name == "x.pdf" and stored.read_bytes() == PDF


def test_closed_round_refuses_uploads(principal, world, round_, item):
    actions.close_round(round_, by=world.people["coordinator"])
    response = upload(principal, round_, item, "plan.pdf", PDF)
    assert response.status_code == 400
    assert "The round is closed" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_others_cannot_upload(client, world, round_, respondent, item):
    client.force_login(world.people["coordinator"])
    assert upload(client, round_, item, "plan.pdf", PDF).status_code == 404
    assert not EvidenceFile.objects.exists()


def _evidence(world, respondent, item):
    answer = actions.save_answer(respondent, item, data={"level": 2}, expected_version=None)
    upload_ = SimpleUploadedFile("../Plan <v2>.pdf", PDF)
    return actions.attach_evidence(answer, upload_, by=respondent.user)


@pytest.mark.parametrize("persona", ["principal", "coordinator", "reader", "head_of_schools", "admin"])
def test_download_is_an_attachment_with_nosniff(client, world, respondent, item, persona):
    evidence = _evidence(world, respondent, item)
    client.force_login(world.people[persona])
    response = client.get(reverse("assessments:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Plan" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("persona", ["teacher", "outsider", "regional_officer", "partner"])
def test_download_is_404_for_others(client, world, round_, respondent, item, persona):
    evidence = _evidence(world, respondent, item)
    if persona == "teacher":  # even another respondent of the same round
        add_respondent(round_, world.people["teacher"])
    client.force_login(world.people[persona])
    assert client.get(reverse("assessments:evidence_download", args=[evidence.pk])).status_code == 404
