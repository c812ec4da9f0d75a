"""The programme's forms (views_programme.py): its details, a meeting, a deliverable's file and status."""

from django import forms
from django.utils.translation import gettext_lazy

from kedja.core.forms import UploadField, VersionedForm

from . import actions_programme as actions
from .models import Participant


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


class ProgrammeForm(VersionedForm):
    conflict_message = gettext_lazy(
        "Someone else saved the programme while you were editing. Your text is kept below; "
        "save again to replace what they saved."
    )

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


class MeetingForm(VersionedForm):
    """A meeting's details; `sequence` (the calendar's change counter) is its version. A new meeting has none."""

    version_field = "sequence"
    version_required = False
    conflict_message = gettext_lazy(
        "Someone else changed this meeting while you were editing. Your changes are kept below; "
        "save again to replace what they saved."
    )

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


class StatusForm(VersionedForm):
    """The organiser's status of a deliverable, from the programme page (answered by a redirect there: its
    errors, and a conflict, become messages on that page)."""

    conflict_message = gettext_lazy(
        "The deliverable changed while you were looking at it (see its status now). Nothing was changed."
    )

    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=Participant._meta.get_field("deliverable_status").choices
    )
