"""Every write of the programme that follows a call (docs/calls.md, "The programme") goes through these
functions: atomic, audited (organisations.actions.record_event) and, where two organisers (or two tabs)
could overwrite each other, optimistically locked — the programme's details by Programme.version
(core.concurrency.save_versioned), a meeting by Meeting.sequence, which every change bumps (it is also the
calendar's SEQUENCE, so calendar programs replace the event they already have).

- The organiser edits the programme's details and meetings, or fills the meetings from the call's shipped
  template.
- The people of a participant organisation upload the deliverable (pdf, docx or odt, at most 20 MB); the
  status becomes "delivered". The organiser sets the status (not started / in progress / delivered /
  approved).
"""

from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kedja.core.concurrency import EditConflict, save_versioned
from kedja.core.uploads import check_upload
from kedja.organisations.actions import record_event

from .models import Application, Call, FieldKind, Meeting, Participant, Programme
from .templates_data import UnknownTemplate, load_template, year_of

PROGRAMME_FIELDS = [
    "title",
    "starts",
    "ends",
    "resource_persons",
    "steering_group",
    "deliverable_title",
    "deliverable_due",
]
MEETING_FIELDS = ["title", "date", "month", "starts", "ends", "place"]
DELIVERABLE_EXTENSIONS = ("pdf", "docx", "odt")
DELIVERABLE_MAX_BYTES = 20 * 1024 * 1024
STATUSES = [value for value, _label in Participant._meta.get_field("deliverable_status").flatchoices]


# --- the programme --------------------------------------------------------------------------------------


def ensure_programme(call: Call) -> Programme:
    """The call's programme, made (titled after the call) if it has none yet."""
    programme, _created = Programme.objects.get_or_create(call=call, defaults={"title": call.title})
    return programme


def check_programme(data: dict) -> None:
    errors = {}
    if "title" in data and not (data.get("title") or "").strip():
        errors["title"] = _("The programme needs a title.")
    starts, ends = data.get("starts"), data.get("ends")
    if starts and ends and ends < starts:
        errors["ends"] = _("The programme cannot end before it starts.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def update_programme(programme: Programme, data: dict, *, by, expected_version: int) -> Programme:
    """Save the programme's details; EditConflict if someone saved them since `expected_version`."""
    values = {name: data[name] for name in PROGRAMME_FIELDS if name in data}
    check_programme(values)
    for name, value in values.items():
        setattr(programme, name, value)
    save_versioned(programme, expected_version=expected_version, update_fields=list(values))
    record_event(
        "call.programme_edit", by=by, organisation=programme.call.organiser, call=programme.call_id,
        programme=programme.pk,
    )  # fmt: skip
    return programme


def named_resource_persons(call: Call) -> list[str]:
    """The resource persons named in the call's accepted applications, one line each — "Name, title
    (Organisation)" — from the form's person fields whose key names a resource person (every person field
    when none does), in the order of the organisations and the form."""
    persons = [f for f in call.fields.filter(kind=FieldKind.PERSON).order_by("position", "pk")]
    named = [f for f in persons if "resource_person" in f.key] or persons
    lines: list[str] = []
    accepted = (
        call.applications.filter(decision=Application.Decision.ACCEPTED)
        .exclude(status=Application.Status.WITHDRAWN)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    for application in accepted:
        for field in named:
            value = (application.answers or {}).get(field.key)
            if not isinstance(value, dict) or not (value.get("name") or "").strip():
                continue
            who = ", ".join(p.strip() for p in (value.get("name", ""), value.get("title", "")) if p.strip())
            line = f"{who} ({application.organisation.name})"
            if line not in lines:
                lines.append(line)
    return lines


def split_resource_persons(text: str, named: list[str]) -> tuple[list[str], str]:
    """The programme's resource-person text as (the named people it lists, the rest as written)."""
    chosen: list[str] = []
    other: list[str] = []
    for line in (text or "").splitlines():
        (chosen if line.strip() in named else other).append(line)
    return [line.strip() for line in chosen], "\n".join(other).strip()


def join_resource_persons(chosen: list[str], other: str) -> str:
    return "\n".join([*chosen, *([other.strip()] if other and other.strip() else [])])


@transaction.atomic
def fill_from_template(programme: Programme, *, by) -> int:
    """Copy the meetings of the call's shipped template into a programme that has none, and fill the
    programme's empty details from it. Returns the number of meetings added."""
    call = programme.call
    try:
        shipped = (
            load_template(call.template_key, year=year_of(call))["programme"] if call.template_key else {}
        )
    except UnknownTemplate:
        shipped = {}
    if not shipped:
        raise ValidationError(_("This call was not made from a template with a programme."))
    if programme.meetings.exists():
        raise ValidationError(
            _("The programme already has meetings. Delete them first to fill the meetings from the template.")
        )
    changed = [
        name
        for name in PROGRAMME_FIELDS
        if name != "title" and shipped.get(name) and not getattr(programme, name)
    ]
    for name in changed:
        setattr(programme, name, shipped[name])
    if changed:
        save_versioned(programme, expected_version=programme.version, update_fields=changed)
    meetings = [
        Meeting(programme=programme, position=i, **{name: m[name] for name in MEETING_FIELDS})
        for i, m in enumerate(shipped.get("meetings", []))
    ]
    Meeting.objects.bulk_create(meetings)
    record_event(
        "call.programme_fill", by=by, organisation=call.organiser, call=call.pk, programme=programme.pk,
        template=call.template_key, meetings=len(meetings),
    )  # fmt: skip
    return len(meetings)


# --- meetings -----------------------------------------------------------------------------------------


def check_meeting(data: dict) -> dict:
    """The meeting's values, cleaned: a date makes the month redundant; a month is stored as its first day."""
    errors = {}
    if not (data.get("title") or "").strip():
        errors["title"] = _("The meeting needs a title.")
    starts, ends = data.get("starts"), data.get("ends")
    if starts and ends and ends <= starts:
        errors["ends"] = _("The meeting must end after it starts.")
    if bool(starts) != bool(ends):
        errors["ends" if starts else "starts"] = _("Give both the start and the end time, or neither.")
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = {name: data.get(name) for name in MEETING_FIELDS}
    values["title"] = values["title"].strip()
    values["place"] = (values.get("place") or "").strip()
    if values["date"]:
        values["month"] = None
    elif values["month"]:
        values["month"] = date(values["month"].year, values["month"].month, 1)
    return values


@transaction.atomic
def add_meeting(programme: Programme, data: dict, *, by) -> Meeting:
    values = check_meeting(data)
    position = (programme.meetings.aggregate(m=Max("position"))["m"] or 0) + 1
    meeting = Meeting.objects.create(programme=programme, position=position, **values)
    record_event(
        "call.meeting_add", by=by, organisation=programme.call.organiser, call=programme.call_id,
        meeting=meeting.pk,
    )  # fmt: skip
    return meeting


@transaction.atomic
def update_meeting(meeting: Meeting, data: dict, *, by, expected_sequence: int) -> Meeting:
    """Save a meeting and bump its sequence; EditConflict if it changed since `expected_sequence`."""
    values = check_meeting(data)
    updated = Meeting.objects.filter(pk=meeting.pk, sequence=expected_sequence).update(
        sequence=F("sequence") + 1, **values
    )
    if updated != 1:
        raise EditConflict()
    meeting.refresh_from_db()
    record_event(
        "call.meeting_edit", by=by, organisation=meeting.programme.call.organiser,
        call=meeting.programme.call_id, meeting=meeting.pk, sequence=meeting.sequence,
    )  # fmt: skip
    return meeting


@transaction.atomic
def delete_meeting(meeting: Meeting, *, by) -> None:
    programme = meeting.programme
    record_event(
        "call.meeting_delete", by=by, organisation=programme.call.organiser, call=programme.call_id,
        meeting=meeting.pk, title=meeting.title,
    )  # fmt: skip
    meeting.delete()


# --- the deliverable ----------------------------------------------------------------------------------


def check_deliverable_file(upload) -> None:
    """pdf, docx or odt (by name and by content), at most 20 MB; a clear message otherwise. The upload's
    name becomes the safe one (core.uploads.check_upload)."""
    try:
        checked = check_upload(
            upload,
            extensions=DELIVERABLE_EXTENSIONS,
            max_bytes=DELIVERABLE_MAX_BYTES,
            wrong_type=_("Upload a PDF, Word (docx) or OpenDocument (odt) file."),
        )
    except ValidationError as error:
        raise ValidationError({"file": error.messages}, code=error.code) from None
    upload.name = checked.name


@transaction.atomic
def upload_deliverable(participant: Participant, upload, *, by, now: datetime | None = None) -> Participant:
    """Store the participant's deliverable (replacing an earlier upload); the status becomes delivered
    unless the organiser has already approved it."""
    now = now or timezone.now()
    check_deliverable_file(upload)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    old = participant.deliverable_file.name if participant.deliverable_file else ""
    participant.deliverable_file.save(PurePosixPath(upload.name).name, upload, save=False)
    participant.deliverable_uploaded_at = now
    if participant.deliverable_status != "approved":
        participant.deliverable_status = "delivered"
    Participant.objects.filter(pk=participant.pk).update(
        deliverable_file=participant.deliverable_file.name,
        deliverable_uploaded_at=now,
        deliverable_status=participant.deliverable_status,
        version=F("version") + 1,
    )
    participant.refresh_from_db()
    if old and old != participant.deliverable_file.name:
        participant.deliverable_file.storage.delete(old)
    record_event(
        "call.deliverable_upload", by=by, organisation=participant.organisation,
        call=participant.programme.call_id, participant=participant.pk, size=upload.size,
    )  # fmt: skip
    return participant


@transaction.atomic
def set_deliverable_status(
    participant: Participant, status: str, *, by, expected_version: int
) -> Participant:
    if status not in STATUSES:
        raise ValidationError({"status": _("Choose one of the statuses.")})
    previous = participant.deliverable_status
    participant.deliverable_status = status
    save_versioned(participant, expected_version=expected_version, update_fields=["deliverable_status"])
    record_event(
        "call.deliverable_status", by=by, organisation=participant.organisation,
        call=participant.programme.call_id, participant=participant.pk, previous=previous, status=status,
    )  # fmt: skip
    return participant
