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

import codecs
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
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


# --- the one upload validator ---------------------------------------------------------------------------
#
# Every upload in Kedja (application attachments, deliverables, evidence, the logo, the imports) is checked
# here in one order: size first (a 30 MB file is "too large", whatever it holds), then the name's extension
# against what the form takes, then the content — what the first bytes (and, for Office files, the archive's
# table of contents) say it is must be what the extension says. A mismatch is refused, never "corrected":
# a JPEG named .png is refused for the logo like a PDF named .docx anywhere else, with a message that says
# what the file really is. The name is made safe (no folders, no control characters, at most NAME_MAX
# characters, extension kept), never refused for its length.

NAME_MAX = 100
_UNSAFE_IN_NAME = re.compile(r'[<>:"|?*]')


@dataclass(frozen=True)
class FileType:
    kind: str
    label: str  # for messages: "PDF", "Word (docx)"
    content_type: str
    text: bool = False


_ZIP_TYPES = {  # kind → the member that makes a zip archive that kind of document
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
_OPEN_DOCUMENT = {  # OpenDocument: the "mimetype" member names the kind
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
TYPES = {
    "pdf": FileType("pdf", "PDF", "application/pdf"),
    "png": FileType("png", "PNG", "image/png"),
    "jpeg": FileType("jpeg", "JPEG", "image/jpeg"),
    "docx": FileType(
        "docx", "Word (docx)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "xlsx": FileType(
        "xlsx", "Excel (xlsx)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "pptx": FileType(
        "pptx",
        "PowerPoint (pptx)",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "odt": FileType("odt", "OpenDocument (odt)", "application/vnd.oasis.opendocument.text"),
    "ods": FileType("ods", "OpenDocument (ods)", "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": FileType("odp", "OpenDocument (odp)", "application/vnd.oasis.opendocument.presentation"),
    "text": FileType("text", "text", "text/plain", text=True),
    "csv": FileType("csv", "CSV", "text/csv", text=True),
    "yaml": FileType("yaml", "YAML", "application/yaml", text=True),
    "json": FileType("json", "JSON", "application/json", text=True),
}
EXTENSIONS = {  # extension → the kind its content must be
    "pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg", "docx": "docx", "xlsx": "xlsx", "pptx": "pptx",
    "odt": "odt", "ods": "ods", "odp": "odp", "txt": "text", "csv": "csv", "yaml": "yaml", "yml": "yaml",
    "json": "json",
}  # fmt: skip
_TEXT_KINDS = {"text", "csv", "yaml", "json"}


def safe_name(name: str, *, max_length: int = NAME_MAX) -> str:
    """A file name safe to store and to show: the last part of any path ("../../x.pdf" → "x.pdf"), NFC,
    without control or format characters (e.g. right-to-left overrides that disguise an extension) and
    the characters Windows refuses, spaces collapsed, at most `max_length` characters with the extension
    kept ("aaaa…aaa.pdf")."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(_UNSAFE_IN_NAME.sub("_", name).split())
    stem, dot, extension = name.rpartition(".")
    if not dot or not extension.isalnum():
        stem, extension = name, ""
    extension = extension[:10]
    room = max_length - (len(extension) + 1 if extension else 0)
    stem = stem.strip(" .")[:room].rstrip(" .") or "file"
    return f"{stem}.{extension}" if extension else stem


def extension_of(name: str) -> str:
    stem, dot, extension = (name or "").rpartition(".")
    return extension.lower() if dot and stem else ""


def _is_utf8(head: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)  # may end inside a character
    except UnicodeDecodeError:
        return False
    return True


def detect(upload) -> str:
    """What the file is by its content: a kind of TYPES, or "html", "program", "zip" (another archive),
    "damaged-zip", "binary", "not-utf8"."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
                kind = next((k for k, member in _ZIP_TYPES.items() if member in names), None)
                if kind is None and "mimetype" in names:
                    kind = _OPEN_DOCUMENT.get(
                        archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                    )
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, KeyError):
            return "damaged-zip"
        finally:
            upload.seek(0)
        return kind or "zip"
    if head.startswith((b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")):
        return "program"
    if b"\x00" in head:
        return "binary"
    if not _is_utf8(head):
        return "not-utf8"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml")):
        return "html"
    return "text"


@dataclass
class CheckedUpload:
    name: str
    kind: str
    content_type: str


def check_upload(
    upload, *, extensions: tuple[str, ...], max_bytes: int, wrong_type: str = ""
) -> CheckedUpload:
    """Size, then extension, then content (module comment above). Raises ValidationError with one translated
    message; on success returns the safe name, the kind and the content type to store and serve — the
    content type Kedja found, never the one the browser sent."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is larger than %(size)s MB.") % {"size": _megabytes(max_bytes)}, code="too_large"
        )
    name = safe_name(upload.name)
    extension = extension_of(name)
    if extension not in extensions or extension not in EXTENSIONS:
        raise ValidationError(
            wrong_type
            or _("This type of file cannot be uploaded here. Allowed: %(types)s.")
            % {"types": ", ".join(f".{e}" for e in extensions)},
            code="file_type",
        )
    expected = TYPES[EXTENSIONS[extension]]
    found = detect(upload)
    # Text is text: a CSV or a note that begins like a web page is still only ever served as text/plain.
    if found == expected.kind or (expected.text and found in ("text", "html")):
        if found in ("docx", "xlsx", "pptx", "odt", "ods", "odp"):
            try:
                check_archive(_read_all(upload), max_unpacked=max(MAX_UNPACKED_BYTES, 10 * max_bytes))
            except FileRefused as refused:
                raise ValidationError(str(refused), code="file_type") from None
        return CheckedUpload(name=name, kind=expected.kind, content_type=expected.content_type)
    raise ValidationError(_mismatch(extension, expected, found), code="file_type")


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def _mismatch(extension: str, expected: FileType, found: str) -> str:
    if expected.text:
        if found == "not-utf8":
            if expected.kind == "csv":
                return _("The file must be saved as UTF-8. In Excel, choose “CSV UTF-8” when you save it.")
            return _("The file must be saved as UTF-8 text.")
        return _("The file is not a text file.")
    if expected.kind == "xlsx":
        if found == "damaged-zip":
            return _("The file could not be read as an Excel workbook (.xlsx).")
        return _("The file is not an Excel workbook (.xlsx). Save it as .xlsx or CSV UTF-8.")
    if found in TYPES and not TYPES[found].text:
        return _(
            "The file's name ends in .%(extension)s, but it is really a %(actual)s file. Only a real %(expected)s "
            "file is accepted here: save it again in that format."
        ) % {"extension": extension, "actual": TYPES[found].label, "expected": expected.label}
    return _("The file is not a real %(type)s file.") % {"type": expected.label}
