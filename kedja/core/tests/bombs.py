"""Files made to explode, for the tests that show every upload parser refuses them quickly: built in memory
by the test itself (nothing large is kept on disk)."""

import functools
import io
import zipfile

ROW = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'


@functools.cache
def xlsx_bomb(rows: int = 6_000_000) -> bytes:
    """An .xlsx of well under 1 MB whose sheet unpacks to ~300 MB (6 million rows), with no <dimension>:
    only the archive's declared sizes can give it away before parsing."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            chunk = ROW * 20_000
            for _ in range(rows // 20_000):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def unpacked_size(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(member.file_size for member in archive.infolist())


def xlsx_declaring(rows: int) -> bytes:
    """A small, honest-looking .xlsx whose sheet declares `rows` rows in its <dimension> (Excel writes one;
    a sheet formatted down to row 1,048,576 declares that many)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0"?><worksheet><dimension ref="A1:C{rows}"/><sheetData>'
            '<row r="1"><c t="inlineStr"><is><t>Namn</t></is></c></row></sheetData></worksheet>',
        )
    return out.getvalue()
