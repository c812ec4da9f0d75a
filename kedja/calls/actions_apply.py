"""Writes of applying (docs/calls.md, "Applying"): start or continue an organisation's one application, save a
draft (versioned: a colleague's save in between is a conflict, never overwritten), store an attached file,
submit (receipt number, audit event, receipt e-mail), withdraw.

Every write checks the deadline with the server's clock (rules.is_open, or the `now` passed in by a
test): after the closing second nothing is saved, submitted or withdrawn.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kedja.core.concurrency import save_versioned
from kedja.organisations.actions import record_event
from kedja.organisations.models import Organisation

from .forms_render import prefill_answers
from .models import Application, ApplicationFile, Call
from .rules import is_open
from .tasks import send_receipt_mail


class CallClosed(ValidationError):
    """The call is not open (not yet, or the closing time has passed): nothing may be written."""

    def __init__(self):
        super().__init__(
            _("The call closed at its closing time. Nothing can be submitted or changed any more."),
            code="closed",
        )


def _check_open(call: Call, now: datetime) -> None:
    if not is_open(call, now):
        raise CallClosed()


def current_application(call: Call, org: Organisation) -> Application | None:
    """The organisation's application to the call that is not withdrawn (there is at most one)."""
    return (
        Application.objects.filter(call=call, organisation=org)
        .exclude(status=Application.Status.WITHDRAWN)
        .first()
    )


@transaction.atomic
def start_application(
    call: Call, org: Organisation, *, by, now: datetime | None = None
) -> tuple[Application, bool]:
    """The organisation's draft (continued by colleagues) or a new one prefilled with its name and
    organisation number. Returns (application, created)."""
    now = now or timezone.now()
    existing = current_application(call, org)
    if existing is not None:
        return existing, False
    _check_open(call, now)
    application = Application.objects.create(
        call=call,
        organisation=org,
        answers=prefill_answers(call, org),
        created_by=by,
        updated_by=by,
        created_at=now,
        updated_at=now,
    )
    record_event("application.started", by=by, organisation=org, call=call.pk, application=application.pk)
    return application, True


@transaction.atomic
def save_draft(
    application: Application, answers: dict, *, expected_version: int, by, now: datetime | None = None
) -> Application:
    """Save `answers` as written (nothing validated, nothing truncated). Answers of file fields that are
    not in `answers` are kept. Raises CallClosed after the deadline, EditConflict when a colleague saved
    after `expected_version`."""
    now = now or timezone.now()
    _check_open(application.call, now)
    if application.status != Application.Status.DRAFT:
        raise ValidationError(_("The application has been submitted and can no longer be changed."))
    application.answers = {**application.answers, **answers}
    application.updated_at = now
    application.updated_by = by
    save_versioned(
        application, expected_version=expected_version, update_fields=["answers", "updated_at", "updated_by"]
    )
    return application


@transaction.atomic
def store_file(
    application: Application, field_key: str, upload, *, by, now: datetime | None = None
) -> ApplicationFile:
    """Attach an uploaded file to a field (size and type already checked by the form); a new upload
    replaces the earlier file of the same field."""
    now = now or timezone.now()
    _check_open(application.call, now)
    for old in application.files.filter(field_key=field_key):
        old.file.delete(save=False)
        old.delete()
    stored = ApplicationFile.objects.create(
        application=application,
        field_key=field_key,
        file=upload,
        name=upload.name[:255],
        size=upload.size,
        content_type=(getattr(upload, "content_type", "") or "application/octet-stream")[:100],  # Kedja's
        uploaded_at=now,
        uploaded_by=by,
    )
    Application.objects.filter(pk=application.pk).update(
        answers={**application.answers, field_key: stored.name}
    )
    application.answers = {**application.answers, field_key: stored.name}
    return stored


def next_receipt_number(call: Call, now: datetime) -> str:
    sequence = call.applications.exclude(receipt_number="").count() + 1
    return f"{call.pk}-{timezone.localtime(now).year}-{sequence:03d}"


def send_receipt(application: Application, *, by, receipt_url: str = "", roles=()) -> None:
    """E-mail the receipt (in the submitter's language) once the submission is committed: the task
    tasks.send_receipt_mail is enqueued on commit, so nothing is sent for a submission that rolled back and a
    slow or failing mail server neither holds the call's lock nor undoes the submission."""
    args = (application.pk, by.pk if getattr(by, "pk", None) else None, receipt_url, sorted(map(str, roles)))
    transaction.on_commit(lambda: send_receipt_mail.enqueue(*args), robust=True)


def submit_application(
    application: Application,
    answers: dict,
    *,
    expected_version: int,
    by,
    now: datetime | None = None,
    receipt_url=None,
    notify_roles=(),
    notify: bool = True,
) -> Application:
    """Submit the (already validated) answers: status submitted, received now, a receipt number
    call-year-sequence, an audit event and the receipt e-mail. `receipt_url(application)` builds the link
    in the e-mail; the organisation's people with `notify_roles` get it too (no e-mail with `notify=False`,
    for factories)."""
    now = now or timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=application.call_id)
        _check_open(call, now)
        if application.status != Application.Status.DRAFT:
            raise ValidationError(_("The application has already been submitted."))
        application.answers = {**application.answers, **answers}
        application.status = Application.Status.SUBMITTED
        application.submitted_at = now
        application.submitted_by = by
        application.updated_at = now
        application.updated_by = by
        application.receipt_number = next_receipt_number(call, now)
        save_versioned(
            application,
            expected_version=expected_version,
            update_fields=[
                "answers", "status", "submitted_at", "submitted_by", "updated_at", "updated_by", "receipt_number",
            ],
        )  # fmt: skip
        record_event(
            "application.submitted",
            by=by,
            organisation=application.organisation,
            call=call.pk,
            application=application.pk,
            receipt=application.receipt_number,
        )
        if notify:
            send_receipt(
                application,
                by=by,
                receipt_url=receipt_url(application) if receipt_url else "",
                roles=notify_roles,
            )
    return application


@transaction.atomic
def withdraw_application(application: Application, *, by, now: datetime | None = None) -> Application:
    """Withdraw a draft or a submitted application before the deadline (the organisation may then start a
    new one)."""
    now = now or timezone.now()
    _check_open(application.call, now)
    if application.status == Application.Status.WITHDRAWN:
        raise ValidationError(_("The application has already been withdrawn."))
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.WITHDRAWN,
        withdrawn_at=now,
        updated_at=now,
        updated_by=by,
        version=F("version") + 1,
    )
    application.refresh_from_db()
    record_event(
        "application.withdrawn",
        by=by,
        organisation=application.organisation,
        call=application.call_id,
        application=application.pk,
    )
    return application
