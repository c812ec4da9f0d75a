"""The programme that follows a call (docs/calls.md, "The programme"): its page for organisers and
participants, the organiser's editing of details and meetings (or filling them from the call's template),
the deliverable (upload by the participant organisation's people, status by the organiser) and the
calendar export. Thin: the access layer decides who sees (404) and who may act (403), actions_programme
writes, ics builds the calendar."""

from pathlib import PurePosixPath

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kedja.core.concurrency import EditConflict
from kedja.core.files import download_response, stored_file_response
from kedja.core.forms import UploadField, apply_errors
from kedja.core.spreadsheets import XLSX_CONTENT_TYPE

from . import access as call_access
from . import actions_programme as actions
from . import exports
from .access import get_meeting_for, get_participant_for, get_programme_call_for
from .ics import calendar_filename, programme_calendar
from .models import Call, Meeting, Participant, Programme
from .templates_data import UnknownTemplate, load_template, year_of


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class ProgrammeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    starts = forms.DateField(label=gettext_lazy("Starts"), required=False, widget=DateInput)
    ends = forms.DateField(label=gettext_lazy("Ends"), required=False, widget=DateInput)
    named_persons = forms.MultipleChoiceField(
        label=gettext_lazy("Resource persons named in the accepted applications"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    resource_persons = forms.CharField(
        label=gettext_lazy("Other resource persons"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Who else leads the work, e.g. the national centre."),
    )
    steering_group = forms.CharField(
        label=gettext_lazy("Steering group"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deliverable_title = forms.CharField(
        label=gettext_lazy("Deliverable"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("For example: development plan for mathematics teaching."),
    )
    deliverable_due = forms.DateField(label=gettext_lazy("Deliverable due"), required=False, widget=DateInput)

    def __init__(self, *args, named: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named_persons"].choices = [(line, line) for line in named]

    def programme_data(self) -> dict:
        """The cleaned data with the chosen people and the other text joined into `resource_persons`."""
        data = dict(self.cleaned_data)
        data["resource_persons"] = actions.join_resource_persons(
            data.pop("named_persons", []), data.get("resource_persons", "")
        )
        return data


class MeetingForm(forms.Form):
    sequence = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    date = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Leave empty while the date is not confirmed."),
    )
    month = forms.DateField(
        label=gettext_lazy("Month, if the date is not confirmed"),
        required=False,
        widget=MonthInput,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text=gettext_lazy("For example 2027-01."),
    )
    starts = forms.TimeField(label=gettext_lazy("Starts"), required=False, widget=TimeInput)
    ends = forms.TimeField(label=gettext_lazy("Ends"), required=False, widget=TimeInput)
    place = forms.CharField(
        label=gettext_lazy("Place"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Leave empty while the place is not confirmed."),
    )


class DeliverableForm(forms.Form):
    file = UploadField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("PDF, Word (docx) or OpenDocument (odt), at most 20 MB."),
        extensions=actions.DELIVERABLE_EXTENSIONS,
        max_bytes=actions.DELIVERABLE_MAX_BYTES,
        wrong_type=gettext_lazy("Upload a PDF, Word (docx) or OpenDocument (odt) file."),
    )


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=Participant._meta.get_field("deliverable_status").choices
    )


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
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.programme_data()
        try:
            saved = actions.ensure_programme(call) if prog.pk is None else prog
            actions.update_programme(saved, data, by=request.user, expected_version=data["version"])
        except EditConflict:
            conflict = True
            form.data = form.data.copy()
            form.data["version"] = Programme.objects.get(call=call).version
            form.add_error(
                None,
                _(
                    "Someone else saved the programme while you were editing. Your text is kept below; "
                    "save again to replace what they saved."
                ),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The programme has been saved."))
            return redirect("calls:programme", call.pk)
    status = 409 if conflict else (400 if form.errors else 200)
    return render(request, "calls/programme_edit.html", {"call": call, "form": form}, status=status)


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
    conflict = False
    if request.method == "POST" and form.is_valid():
        expected = form.cleaned_data["sequence"]
        try:
            actions.update_meeting(
                meeting,
                form.cleaned_data,
                by=request.user,
                expected_sequence=meeting.sequence if expected is None else expected,
            )
        except EditConflict:
            conflict = True
            form.data = form.data.copy()
            form.data["sequence"] = Meeting.objects.get(pk=meeting.pk).sequence
            form.add_error(
                None,
                _(
                    "Someone else changed this meeting while you were editing. Your changes are kept below; "
                    "save again to replace what they saved."
                ),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The meeting %(title)s has been saved.") % {"title": meeting.title})
            return redirect(_back(call, f"meeting-{meeting.pk}"))
    status = 409 if conflict else (400 if form.errors else 200)
    return render(
        request, "calls/meeting_form.html", {"call": call, "form": form, "meeting": meeting}, status=status
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
    try:
        actions.set_deliverable_status(
            participant,
            form.cleaned_data["status"],
            by=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except EditConflict:
        messages.error(
            request,
            _(
                "The deliverable changed while you were looking at it (see its status now). Nothing was changed."
            ),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("%(org)s: the deliverable is now “%(status)s”.")
            % {"org": participant.organisation.name, "status": participant.get_deliverable_status_display()},
        )
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
