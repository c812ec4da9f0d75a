"""Import of initiatives from Excel/CSV (template, upload, preview, import) and the export of what a person
sees. Thin: the access layer says who may own initiatives and what a person sees; imports.py reads and
checks; actions.save_initiative saves (through imports.import_rows, all rows or none).

Between the preview and the import, the checked file waits on disk, not in the session (a 2 MB file does
not belong in a session row): MEDIA_ROOT/imports/<random token>.<xlsx|csv>, the token in the session and
in the preview's form. The import takes the file atomically (of two clicks on "Import" only one gets it),
reads and checks it again (rights may have changed since) and deletes it; a file replaced by another
upload is deleted at once, and one older than an hour is refused by the import and swept on the next
visit to the import page. With several application servers, MEDIA_ROOT must be shared (it already holds
evidence files).
"""

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from kedja.core.files import download_response
from kedja.core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from kedja.frameworks.selectors import default_framework_version
from kedja.organisations.access import member_municipality_ids

from . import exports, imports
from .access import require_owners, visible_initiatives
from .fileformat import COLUMNS
from .filters import filter_initiatives
from .forms import ImportCommitForm, UploadForm

PENDING_KEY = "initiatives_import"
PENDING_MAX_AGE = 60 * 60  # seconds


def _owners(user) -> list:
    """Whom the person may register initiatives for; nobody (e.g. a reader): 403."""
    return list(require_owners(user))


# --- the checked file between preview and import ----------------------------------------------------


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def store_pending(session, raw: bytes, suffix: str, name: str) -> str:
    discard_pending(session)
    token = secrets.token_urlsafe(24)
    _folder().mkdir(parents=True, exist_ok=True)
    (_folder() / f"{token}.{suffix}").write_bytes(raw)
    session[PENDING_KEY] = {"token": token, "suffix": suffix, "name": name[:200], "at": time.time()}
    return token


def claim_pending(session, token: str) -> tuple[bytes, str, str] | None:
    """(file, suffix, original name) of the checked file the form's `token` names, taken out of the
    session and off the disk in one step: of two clicks on "Import", only one gets the file (the rename
    is atomic), so nothing is imported twice."""
    pending = session.get(PENDING_KEY)
    if not pending or not token or not secrets.compare_digest(pending["token"], token):
        return None
    discard_pending(session, keep_file=True)
    path = _folder() / f"{pending['token']}.{pending['suffix']}"
    claimed = path.with_name(f"{path.name}.{secrets.token_hex(8)}.claimed")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        return None
    try:
        if time.time() - pending["at"] > PENDING_MAX_AGE:
            return None
        return claimed.read_bytes(), pending["suffix"], pending["name"]
    finally:
        claimed.unlink(missing_ok=True)


def discard_pending(session, *, keep_file: bool = False) -> None:
    pending = session.pop(PENDING_KEY, None)
    if pending and not keep_file:
        (_folder() / f"{pending['token']}.{pending['suffix']}").unlink(missing_ok=True)


def remove_stale_uploads(*, now: float | None = None) -> None:
    """Checked files nobody imported within the hour."""
    now = now or time.time()
    if not _folder().is_dir():
        return
    for path in _folder().iterdir():
        if path.is_file() and now - path.stat().st_mtime > PENDING_MAX_AGE:
            path.unlink(missing_ok=True)


# --- pages ------------------------------------------------------------------------------------------


@login_required
@require_safe
def import_template(request):
    workbook = exports.template_workbook(
        owners=(owners := _owners(request.user)), version=default_framework_version(owners)
    )
    return download_response(workbook, filename="insatser-mall.xlsx", content_type=XLSX_CONTENT_TYPE)


DUPLICATE_CHOICES = ("skip", "import")  # rows already registered: leave them out, or import them again


def _preview(request, parsed, *, token: str | None, filename: str, ask: bool = False):
    """The checked file; `ask`: the person pressed Import without saying what to do with rows that are
    already registered (400, the question marked as the error)."""
    return render(
        request,
        "initiatives/import_preview.html",
        {
            "parsed": parsed,
            "token": token,
            "filename": filename,
            "form": UploadForm(),
            "columns": COLUMNS,
            "ask": ask,
        },
        status=400 if ask or not parsed.can_import else 200,
    )


@login_required
def import_upload(request):
    owners = _owners(request.user)
    remove_stale_uploads()
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            parsed = imports.parse_table(form.table, owners=owners, version=default_framework_version(owners))
        except imports.ImportFileError as error:
            for problem in error.problems:
                form.add_error("file", problem)
        else:
            name = form.cleaned_data["file"].name
            imports.mark_duplicates(parsed)
            if parsed.can_import:
                token = store_pending(request.session, form.raw, form.suffix, name)
            else:
                token = None
                discard_pending(request.session)
            return _preview(request, parsed, token=token, filename=name)
    return render(
        request,
        "initiatives/import.html",
        {"form": form, "columns": COLUMNS},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def import_commit(request):
    owners = _owners(request.user)
    form = ImportCommitForm(request.POST)
    form.is_valid()  # plain text fields: always readable
    pending = claim_pending(request.session, form.cleaned_data["token"])
    if pending is None:
        messages.warning(
            request, _("There is no checked file waiting to be imported. Upload the file and check it again.")
        )
        return redirect("initiatives:import")
    raw, suffix, name = pending  # one import per check, whatever happens below
    try:
        parsed = imports.parse_table(
            imports.read_table(raw, f"import.{suffix}"),
            owners=owners,
            version=default_framework_version(owners),
        )
    except imports.ImportFileError as error:
        messages.error(request, " ".join(error.problems))
        return redirect("initiatives:import")
    if not parsed.can_import:
        messages.error(
            request, _("Something has changed since the file was checked. Nothing has been imported.")
        )
        return _preview(request, parsed, token=None, filename=name)
    imports.mark_duplicates(parsed)
    choice = form.cleaned_data["duplicates"]
    if parsed.duplicates and choice not in DUPLICATE_CHOICES:
        # Ask, and keep the checked file for the answer: nothing is imported until the person chooses.
        token = store_pending(request.session, raw, suffix, name)
        return _preview(request, parsed, token=token, filename=name, ask=True)
    try:
        created = imports.import_rows(parsed, by=request.user, skip_duplicates=choice == "skip")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("initiatives:import")
    messages.success(
        request,
        ngettext(
            "%(count)s initiative has been imported.",
            "%(count)s initiatives have been imported.",
            len(created),
        )
        % {"count": len(created)},
    )
    return redirect("initiatives:list")


# --- export -----------------------------------------------------------------------------------------


def _export_rows(request, today):
    """What the person sees, filtered by the list page's parameters (filters.filter_initiatives)."""
    user = request.user
    found = filter_initiatives(
        visible_initiatives(user),
        request.GET,
        own_municipality_ids=member_municipality_ids(user),
        today=today,
    )
    return exports.export_rows(exports.export_queryset(found), today=today)


@login_required
@require_safe
def export_xlsx(request):
    today = timezone.localdate()
    body = exports.export_workbook(_export_rows(request, today))
    return download_response(
        body, filename=exports.export_filename("xlsx", today=today), content_type=XLSX_CONTENT_TYPE
    )


@login_required
@require_safe
def export_csv(request):
    today = timezone.localdate()
    body = exports.export_csv(_export_rows(request, today))
    return download_response(
        body, filename=exports.export_filename("csv", today=today), content_type=CSV_CONTENT_TYPE
    )
