"""What every uploaded file goes through before Kedja keeps or reads it.

`check_archive` / `check_workbook` read only what a zip archive *declares* (its central directory, and the
`<dimension>` line at the top of each worksheet) and refuse a file that would unpack to too much, or far
more than its size on disk (a "zip bomb"), or whose sheet says it has more rows than an import can take —
in milliseconds, before any parser unpacks anything. Python's zipfile never gives more bytes for a member
than its declared size, so the declared sizes are a true ceiling.

`check_text_data` does the same for a YAML/JSON upload: its size before it is decoded.

Every message is translated and says what to do; the refusal is `FileRefused` (a ValueError), which each
import turns into its own error type.
"""

import io
import re
import zipfile

from django.utils.translation import gettext as _

MB = 1024 * 1024
# An import is at most a few MB on disk; its parts unpacked stay well under this (a 1000-row sheet with long
# texts is ~5 MB of XML). A real workbook packs 5–20 times; above 100 is a file made to explode.
MAX_UNPACKED_BYTES = 20 * MB
MAX_RATIO = 100
RATIO_FROM_BYTES = MB  # small members (styles, themes) may pack very well; only large ones count
MAX_MEMBERS = 1000
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"(?:[A-Z]{1,3}\d+:)?([A-Z]{1,3})(\d+)\"")


class FileRefused(ValueError):
    """A file refused before it was parsed; str(error) is the translated message for the person."""


def open_archive(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise FileRefused(_("The file is damaged: it could not be opened.")) from None


def check_archive(
    data: bytes, *, max_unpacked: int = MAX_UNPACKED_BYTES, max_ratio: int = MAX_RATIO
) -> zipfile.ZipFile:
    """The archive, after checking what it declares: how many parts, how much they unpack to in all and how
    much more that is than their packed size. Raises FileRefused."""
    archive = open_archive(data)
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise FileRefused(
            _("The file holds more than %(count)s parts; it is not a document Kedja can take.")
            % {"count": MAX_MEMBERS}
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_unpacked:
        raise FileRefused(
            _(
                "The file unpacks to %(size)s MB, more than the %(limit)s MB Kedja reads. Delete empty or "
                "unused rows and sheets, or split the file."
            )
            % {"size": unpacked // MB, "limit": max_unpacked // MB}
        )
    for member in members:
        if member.file_size > RATIO_FROM_BYTES and member.file_size > max_ratio * max(
            member.compress_size, 1
        ):
            raise FileRefused(
                _(
                    "The file unpacks to more than %(ratio)s times its size, which a real document never "
                    "does. It is refused; save it again from the program it was made in."
                )
                % {"ratio": max_ratio}
            )
    return archive


def declared_rows(archive: zipfile.ZipFile) -> int:
    """The largest row number the worksheets of an .xlsx declare in their <dimension> (0 if none does)."""
    most = 0
    for member in archive.infolist():
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            with archive.open(member) as sheet:
                head = sheet.read(4096)  # the dimension comes before the rows
            found = _DIMENSION.search(head)
            if found:
                most = max(most, int(found.group(2)[:9]))
    return most


def check_workbook(data: bytes, *, max_rows: int, max_unpacked: int = MAX_UNPACKED_BYTES) -> None:
    """An .xlsx upload before openpyxl opens it: the archive's declared sizes and the sheets' declared
    dimensions. Raises FileRefused."""
    try:
        open_archive(data).close()
    except FileRefused:
        raise FileRefused(_("The file could not be read as an Excel workbook (.xlsx).")) from None
    archive = check_archive(data, max_unpacked=max_unpacked)
    with archive:
        if "xl/workbook.xml" not in archive.namelist():
            raise FileRefused(_("The file is not an Excel workbook (.xlsx). Save it as .xlsx or CSV UTF-8."))
        rows = declared_rows(archive)
    if rows > max_rows:
        raise FileRefused(
            _(
                "The sheet has %(rows)s rows, empty ones included; at most %(max)s can be read. Delete the "
                "rows below your data, or save the sheet as CSV UTF-8."
            )
            % {"rows": rows, "max": max_rows}
        )


def check_text_data(data: bytes, *, max_bytes: int) -> str:
    """A YAML/JSON/CSV upload as text: at most `max_bytes`, UTF-8 (with or without BOM), no NUL bytes.
    Raises FileRefused."""
    if len(data) > max_bytes:
        raise FileRefused(_("The file is larger than %(size)s MB.") % {"size": _megabytes(max_bytes)})
    if b"\x00" in data:
        raise FileRefused(_("The file is not a text file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("The file must be saved as UTF-8 text.")) from None


def _megabytes(size: int) -> str:
    value = size / MB
    return f"{value:g}" if value >= 1 else f"{value:.1f}"
