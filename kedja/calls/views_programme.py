"""The programme that follows a call (docs/calls.md, "The programme"): its page for organisers and
participants, the organiser's editing of details and meetings (or filling them from the call's template),
the deliverable (upload by the participant organisation's people, status by the organiser) and the
calendar export. Thin: the access layer decides who sees (404) and who may act (403), actions_programme
writes, ics builds the calendar."""

from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kedja.core.files import download_response, stored_file_response
from kedja.core.forms import apply_errors
from kedja.core.spreadsheets import XLSX_CONTENT_TYPE

from . import access as call_access
from . import actions_programme as actions
from . import exports
from .access import get_meeting_for, get_participant_for, get_programme_call_for
from .forms_programme import DeliverableForm, MeetingForm, ProgrammeForm, StatusForm
from .ics import calendar_filename, programme_calendar
from .models import Call, Meeting, Programme
from .templates_data import UnknownTemplate, load_template, year_of

# --- helpers ------------------------------------------------------------------------------------------


def _programme(call: Call) -> Programme | None:
    return Programme.objects.filter(call=call).first()


def template_meetings(call: Call) -> list[dict]:
    """The meetings the call's shipped template offers (empty without one)."""
    if not call.template_key:
        return []
    try:
        return load_template(call.template_key, year=year_of(call))["programme"].get("meetings", [])
    except UnknownTemplate:
        return []


def _back(call: Call, anchor: str = "") -> str:
    return reverse("calls:programme", args=[call.pk]) + (f"#{anchor}" if anchor else "")


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- pages --------------------------------------------------------------------------------------------


@login_required
@require_safe
def programme(request, call_id):
    call = get_programme_call_for(request.user, call_id)
    prog = _programme(call)
    manages = call_access.can_manage_call(request.user, call)
    meetings = list(prog.meetings.order_by("position", "date", "pk")) if prog else []
    participants = (
        list(prog.participants.select_related("organisation").order_by("organisation__name")) if prog else []
    )
    rows = [
        {
            "participant": p,
            "delivers": request.user.has_perm("calls.deliver", p),
            "status_form": StatusForm(
                initial={"version": p.version, "status": p.deliverable_status}, auto_id=f"id_p{p.pk}_%s"
            )
            if manages
            else None,
        }
        for p in participants
    ]
    return render(
        request,
        "calls/programme.html",
        {
            "call": call,
            "programme": prog,
            "meetings": meetings,
            "rows": rows,
            "manages": manages,
            "can_fill": manages and not meetings and bool(template_meetings(call)),
            "has_calendar": any(m.date for m in meetings),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, call_id):
    call = get_programme_call_for(request.user, call_id, manage=True)
    prog = _programme(call) or Programme(call=call, title=call.title)
    named = actions.named_resource_persons(call)
    chosen, other = actions.split_resource_persons(prog.resource_persons, named)
    initial = {name: getattr(prog, name) for name in actions.PROGRAMME_FIELDS} | {
        "version": prog.version,
        "named_persons": chosen,
        "resource_persons": other,
    }
    form = ProgrammeForm(request.POST or None, initial=initial, named=named)
    if request.method == "POST" and form.is_valid():
        data = form.programme_data()
        with form.saving(current=lambda: Programme.objects.get(call=call)):
            saved = actions.ensure_programme(call) if prog.pk is None else prog
            actions.update_programme(saved, data, by=request.user, expected_version=form.expected_version)
            messages.success(request, _("The programme has been saved."))
            return redirect("calls:programme", call.pk)
    return render(
        request, "calls/programme_edit.html", {"call": call, "form": form}, status=form.response_status
    )


@login_required
@require_POST
def programme_fill(request, call_id):
    call = get_programme_call_for(request.user, call_id, manage=True)
    try:
        added = actions.fill_from_template(actions.ensure_programme(call), by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("%(count)s meetings were added from the template.") % {"count": added})
    return redirect(_back(call, "meetings"))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_add(request, call_id):
    call = get_programme_call_for(request.user, call_id, manage=True)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.add_meeting(actions.ensure_programme(call), form.cleaned_data, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The meeting %(title)s has been added.") % {"title": meeting.title})
            return redirect(_back(call, f"meeting-{meeting.pk}"))
    return render(
        request,
        "calls/meeting_form.html",
        {"call": call, "form": form, "meeting": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, meeting_id):
    meeting = get_meeting_for(request.user, meeting_id)
    call = meeting.programme.call
    initial = {name: getattr(meeting, name) for name in actions.MEETING_FIELDS} | {
        "sequence": meeting.sequence
    }
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        expected = form.expected_version
        with form.saving(current=lambda: Meeting.objects.get(pk=meeting.pk)):
            actions.update_meeting(
                meeting,
                form.cleaned_data,
                by=request.user,
                expected_sequence=meeting.sequence if expected is None else expected,
            )
            messages.success(request, _("The meeting %(title)s has been saved.") % {"title": meeting.title})
            return redirect(_back(call, f"meeting-{meeting.pk}"))
    return render(
        request,
        "calls/meeting_form.html",
        {"call": call, "form": form, "meeting": meeting},
        status=form.response_status,
    )


@login_required
@require_POST
def meeting_delete(request, meeting_id):
    meeting = get_meeting_for(request.user, meeting_id)
    call, title = meeting.programme.call, meeting.title
    actions.delete_meeting(meeting, by=request.user)
    messages.success(request, _("The meeting %(title)s has been deleted.") % {"title": title})
    return redirect(_back(call, "meetings"))


# --- the deliverable ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def deliverable_upload(request, participant_id):
    participant = get_participant_for(request.user, participant_id, deliver=True)
    call = participant.programme.call
    form = DeliverableForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.upload_deliverable(participant, form.cleaned_data["file"], by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Your file has been uploaded. The deliverable is marked as delivered.")
            )
            return redirect(_back(call, f"participant-{participant.pk}"))
    return render(
        request,
        "calls/programme_deliverable.html",
        {
            "call": call,
            "programme": participant.programme,
            "participant": participant,
            "form": form,
            "file_name": PurePosixPath(participant.deliverable_file.name).name
            if participant.deliverable_file
            else "",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def deliverable_status(request, participant_id):
    participant = get_participant_for(request.user, participant_id, manage=True)
    call = participant.programme.call
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the statuses."))
        return redirect(_back(call, f"participant-{participant.pk}"))
    with form.saving(current=lambda: participant):
        actions.set_deliverable_status(
            participant,
            form.cleaned_data["status"],
            by=request.user,
            expected_version=form.expected_version,
        )
        messages.success(
            request,
            _("%(org)s: the deliverable is now “%(status)s”.")
            % {"org": participant.organisation.name, "status": participant.get_deliverable_status_display()},
        )
    for errors in form.errors.values():  # a conflict or a refusal: said on the programme page
        for message in errors:
            messages.error(request, message)
    return redirect(_back(call, f"participant-{participant.pk}"))


@login_required
@require_safe
def deliverable_file(request, participant_id):
    participant = get_participant_for(request.user, participant_id, file=True)
    if not participant.deliverable_file:
        raise Http404()
    name = PurePosixPath(participant.deliverable_file.name).name
    return stored_file_response(request, participant.deliverable_file, filename=name)


# --- the calendar -------------------------------------------------------------------------------------


@login_required
@require_safe
def programme_ics(request, call_id):
    call = get_programme_call_for(request.user, call_id)
    prog = _programme(call)
    if prog is None:
        raise Http404()
    body = programme_calendar(prog)
    return download_response(
        body, filename=calendar_filename(prog), content_type="text/calendar; charset=utf-8"
    )


# --- the Excel file for the steering group -----------------------------------------------------------


@login_required
@require_safe
def programme_xlsx(request, call_id):
    """Organisers only (participants see a reduced page: 403); 404 for those who do not see the programme
    and while there is none."""
    call = get_programme_call_for(request.user, call_id, manage=True)
    prog = _programme(call)
    if prog is None:
        raise Http404()
    name = exports.programme_filename(prog, today=timezone.localdate())
    return download_response(exports.programme_workbook(prog), filename=name, content_type=XLSX_CONTENT_TYPE)
