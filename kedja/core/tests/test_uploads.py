"""The shared guard every upload parser calls first: declared sizes of a zip archive, the sheets' declared
dimensions and a text upload's size, refused before anything is unpacked."""

import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from kedja.core import uploads
from kedja.core.tests.bombs import unpacked_size, xlsx_bomb, xlsx_declaring


def test_a_bomb_is_small_on_disk_and_huge_unpacked_and_refused_in_milliseconds():
    bomb = xlsx_bomb()
    assert len(bomb) < 1_500_000 and unpacked_size(bomb) > 250 * uploads.MB
    started = time.perf_counter()
    with pytest.raises(uploads.FileRefused, match="unpacks to 2"):
        uploads.check_workbook(bomb, max_rows=20_000)
    elapsed = time.perf_counter() - started
    print(
        f"bomb {len(bomb)} bytes → {unpacked_size(bomb) // uploads.MB} MB refused in {elapsed * 1000:.1f} ms"
    )
    assert elapsed < 0.1


def test_ratio_alone_refuses_a_member_that_packs_too_well():
    member = xlsx_bomb(rows=100_000)  # ~5 MB unpacked: under the size limit, over the ratio
    assert unpacked_size(member) < uploads.MAX_UNPACKED_BYTES
    with pytest.raises(uploads.FileRefused, match="100 times its size"):
        uploads.check_archive(member)


def test_a_declared_dimension_beyond_the_limit_is_refused():
    with pytest.raises(uploads.FileRefused, match="1048576 rows"):
        uploads.check_workbook(xlsx_declaring(1_048_576), max_rows=20_000)
    uploads.check_workbook(xlsx_declaring(900), max_rows=20_000)


def test_a_real_workbook_passes():
    workbook = Workbook()
    for n in range(1000):
        workbook.active.append([f"Insats {n}", "Norrby kommun", "y7_9", "Lång beskrivning " * 20])
    out = io.BytesIO()
    workbook.save(out)
    uploads.check_workbook(out.getvalue(), max_rows=20_000)


def test_broken_archives_and_text_uploads():
    with pytest.raises(uploads.FileRefused, match="damaged"):
        uploads.check_archive(b"PK\x03\x04 not really")
    with pytest.raises(uploads.FileRefused, match="not an Excel workbook"):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("word/document.xml", "<w/>")
        uploads.check_workbook(out.getvalue(), max_rows=10)
    assert uploads.check_text_data("\ufeffkey: å".encode(), max_bytes=100) == "key: å"
    with pytest.raises(uploads.FileRefused, match="larger than 1 MB"):
        uploads.check_text_data(b"x" * (uploads.MB + 1), max_bytes=uploads.MB)
    with pytest.raises(uploads.FileRefused, match="not a text file"):
        uploads.check_text_data(b"a\x00b", max_bytes=100)
    with pytest.raises(uploads.FileRefused, match="UTF-8"):
        uploads.check_text_data(b"\xff\xfe", max_bytes=100)


# --- the one upload validator ---------------------------------------------------------------------------

PDF = b"%PDF-1.7\n% a real enough PDF\n"


def _upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")  # what a browser may claim


def _check(name, content, extensions=("pdf", "docx", "xlsx", "odt"), max_bytes=10 * uploads.MB):
    return uploads.check_upload(_upload(name, content), extensions=extensions, max_bytes=max_bytes)


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ansokan.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "not a real PDF file"),
        ("ansokan.pdf", b"\n  <html><body onload=x()>", "not a real PDF file"),
        ("ansokan.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00", "not a real PDF file"),  # a Windows program
        ("ansokan.pdf", b"\x7fELF\x02\x01\x01", "not a real PDF file"),
        ("ansokan.pdf", _docx(), "ends in .pdf, but it is really a Word (docx) file"),
        ("ansokan.docx", PDF, "ends in .docx, but it is really a PDF file"),
        ("ansokan.docx", b"PK\x03\x04 no archive behind it", "not a real Word (docx) file"),
        ("ansokan.exe", PDF, "Allowed: .pdf, .docx, .xlsx, .odt"),
        ("ansokan", PDF, "Allowed: .pdf"),
        ("stor.pdf", PDF + b"0" * (10 * uploads.MB), "larger than 10 MB"),
    ],
)
def test_refused_uploads_say_why(name, content, message):
    with pytest.raises(ValidationError) as refused:
        _check(name, content)
    assert message in refused.value.messages[0]


def test_traversal_and_control_characters_leave_a_plain_name():
    assert _check("../../../etc/passwd.pdf", PDF).name == "passwd.pdf"
    assert _check("..\\..\\windows\\plan.pdf", PDF).name == "plan.pdf"
    assert _check("rapport\u202efdp.exe.pdf", PDF).name == "rapportfdp.exe.pdf"  # no right-to-left override
    assert _check('a<b>:"c"|?*.pdf', PDF).name == "a_b___c____.pdf"
    assert _check("  ..  .pdf", PDF).name == "file.pdf"
    assert uploads.safe_name("../..") == "file"


def test_a_300_character_name_is_shortened_and_keeps_its_type():
    checked = _check("a" * 296 + ".pdf", PDF)
    assert checked.name == "a" * 96 + ".pdf" and len(checked.name) == uploads.NAME_MAX
    assert checked.content_type == "application/pdf"


def test_the_content_type_is_kedjas_not_the_browsers():
    assert _check("plan.docx", _docx()).content_type.endswith("wordprocessingml.document")
    text = uploads.check_upload(_upload("a.txt", "åäö".encode()), extensions=("txt",), max_bytes=100)
    assert text.content_type == "text/plain"


def test_an_office_file_that_would_explode_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w/>" + b" " * (150 * uploads.MB))
    started = time.perf_counter()
    with pytest.raises(ValidationError, match="unpacks to"):
        _check("plan.docx", out.getvalue())
    assert time.perf_counter() - started < 1
