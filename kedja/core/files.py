"""Serving a file as a download: one made for the request (an export: `download_response`) or a stored one
(an upload or a generated document: `stored_file_response`)."""

import logging
import re

from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .views_errors import error_page

logger = logging.getLogger("kedja.files")


# Characters a file name never needs in a header or on a disk: control characters and path separators.
_UNSAFE_IN_FILENAME = re.compile(r"[\x00-\x1f\x7f/\\]")


def safe_filename(name: str) -> str:
    return _UNSAFE_IN_FILENAME.sub("-", name).strip() or "download"


def download_response(content: bytes | str, *, filename: str, content_type: str, inline: bool = False):
    """What every export view answers: the bytes an app's exports.py made, with their type, as an
    attachment named `filename` (made safe; a non-ASCII name is sent RFC 6266 style) — or shown in the
    browser when `inline` — and nosniff, so the browser never guesses another type."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, safe_filename(filename))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def stored_file_response(request, field_file, *, filename: str, content_type: str | None = None):
    """The file as an attachment (nosniff: the browser never guesses another type). A file whose row exists
    but whose bytes are gone (a restore without the files, a disk fault) is a 404 page that says so, and an
    error in the log for the operator — never a server error."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, IsADirectoryError, ValueError):
        logger.error(
            "Stored file missing: %s (%s %s), asked for by user %s",
            field_file.name,
            field_file.instance._meta.label,
            field_file.instance.pk,
            getattr(request.user, "pk", None),
        )
        return error_page(
            request,
            404,
            _("The file is missing"),
            _(
                "“%(filename)s” is listed in Kedja, but the file itself could not be found on the server. This "
                "has been written to the error log for the people who run Kedja. Ask them to restore it, or ask "
                "the person who uploaded it to upload it again."
            )
            % {"filename": filename},
        )
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
