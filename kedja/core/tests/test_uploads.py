"""The shared guard every upload parser calls first: declared sizes of a zip archive, the sheets' declared
dimensions and a text upload's size, refused before anything is unpacked."""

import io
import time
import zipfile

import pytest
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
