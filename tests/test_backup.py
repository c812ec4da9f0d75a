"""Backup and restore of the database and the files together (`manage.py backup` / `restore`), and a file
missing behind a download: a Kedja 404 page and an error in the log, never a server error."""

import logging
import shutil
import tarfile
import time

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from kedja.assessments.factories import add_respondent, make_round
from kedja.assessments.models import Answer, EvidenceFile
from kedja.calls.factories import make_call
from kedja.calls.models import Application, ApplicationFile
from kedja.core import backup
from kedja.frameworks.factories import make_framework_version
from kedja.plans.models import Document
from tests.world import build_world

pytestmark = pytest.mark.db  # a file copy of SQLite, a dump of PostgreSQL

PDF_PLAN = b"%PDF-1.7\n% the municipality's STEAM plan\n"
PDF_APPLICATION = b"%PDF-1.4\n% an application attachment\n"
PDF_EVIDENCE = b"%PDF-1.4\n% evidence\n"


def _files(world):
    """A plan document, an application file and an evidence file, each with its bytes in MEDIA_ROOT."""
    document = Document(
        organisation=world.municipality,
        kind="strategy",
        format="pdf",
        status=Document.Status.READY,
        progress=100,
    )
    document.file.save("plan.pdf", ContentFile(PDF_PLAN))
    application = Application.objects.create(call=make_call(world.region), organisation=world.municipality)
    attachment = ApplicationFile(
        application=application, field_key="plan", name="bilaga.pdf", size=len(PDF_APPLICATION)
    )
    attachment.file.save("bilaga.pdf", ContentFile(PDF_APPLICATION))
    round_ = make_round(world.municipality, make_framework_version(areas=1, items=1))
    respondent = add_respondent(round_, world.people["principal"])
    answer = Answer.objects.create(respondent=respondent, node=round_.framework_version.items().first())
    evidence = EvidenceFile(
        answer=answer, name="underlag.pdf", size=len(PDF_EVIDENCE), content_type="application/pdf"
    )
    evidence.file.save("underlag.pdf", ContentFile(PDF_EVIDENCE))
    return {
        ("coordinator", reverse("plans:document_file", args=[document.pk])): PDF_PLAN,
        ("coordinator", reverse("calls:application_file", args=[attachment.pk])): PDF_APPLICATION,
        ("principal", reverse("assessments:evidence_download", args=[evidence.pk])): PDF_EVIDENCE,
    }


def _download(world, persona, url):
    client = Client()
    client.force_login(world.people[persona])
    return client.get(url)


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_and_every_file_downloads_again(tmp_path, capsys):
    world = build_world()
    downloads = _files(world)
    for (persona, url), content in downloads.items():
        response = _download(world, persona, url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == content

    archive = tmp_path / "kedja.tar.gz"
    started = time.perf_counter()
    call_command("backup", str(archive))
    backup_seconds = time.perf_counter() - started
    with tarfile.open(archive) as opened:
        names = opened.getnames()
    assert "kedja-backup.json" in names and ("database.sqlite3" in names or "database.dump" in names)
    assert sum(name.startswith("media/") for name in names) == 3

    # Wipe: every row and every file gone.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert not Document.objects.exists() and not EvidenceFile.objects.exists()

    started = time.perf_counter()
    call_command("restore", str(archive), "--yes")
    restore_seconds = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"backup {backup_seconds:.2f} s, restore {restore_seconds:.2f} s, {archive.stat().st_size} bytes"
        )
    for (persona, url), content in downloads.items():
        response = _download(world, persona, url)
        assert response.status_code == 200, url
        assert b"".join(response.streaming_content) == content
    assert "3 files" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_restore_keeps_the_files_it_replaces_and_refuses_what_is_no_backup(tmp_path):
    world = build_world()
    _files(world)
    archive = tmp_path / "kedja.tar.gz"
    call_command("backup", str(archive))
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(archive))
    stray = settings.MEDIA_ROOT / "stray.txt"
    stray.write_text("made after the backup")
    summary, aside = backup.restore_backup(archive)
    assert summary.files == 3 and (aside / "stray.txt").read_text() == "made after the backup"
    assert not stray.exists()
    not_a_backup = tmp_path / "other.tar.gz"
    with tarfile.open(not_a_backup, "w:gz") as opened:
        opened.add(aside / "stray.txt", arcname="stray.txt")
    with pytest.raises(CommandError, match="not a Kedja backup"):
        call_command("restore", str(not_a_backup), "--yes")


@pytest.mark.django_db
def test_a_missing_file_is_a_404_page_and_an_error_in_the_log(world, caplog):
    downloads = _files(world)
    shutil.rmtree(settings.MEDIA_ROOT)  # the rows stay; the files are gone (a restore without files)
    for persona, url in downloads:
        with caplog.at_level(logging.ERROR, logger="kedja.files"):
            response = _download(world, persona, url)
        assert response.status_code == 404
        body = response.content.decode()
        assert "The file is missing" in body and "could not be found on the server" in body
        assert "<!DOCTYPE html>" in body  # Kedja's page, not a bare error
    errors = [r for r in caplog.records if r.name == "kedja.files" and r.levelno == logging.ERROR]
    assert len(errors) == 3 and all("Stored file missing" in r.getMessage() for r in errors)


@pytest.mark.django_db
def test_an_unknown_address_is_kedjas_404_page(world):
    client = Client()
    client.force_login(world.people["teacher"])
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "The page was not found" in body and "Your start page" in body
