"""The call builder's forms (views_builder): creating a call from a template, the call's details with the
reviewer picker (people who belong to an applying organisation are marked as in conflict) and the warning
before a published call is shortened, a form field, a criterion and a move."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kedja.core.forms import ModelMultipleChoiceField, VersionedForm
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from .conflicts import candidate_conflicts
from .models import Application, Call, FieldKind
from .templates_data import available_templates

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


# --- forms ----------------------------------------------------------------------------------------------


class CreateForm(forms.Form):
    template = forms.ChoiceField(label=gettext_lazy("Start from"), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [
            *available_templates(),
            ("", _("A blank call (add the form and criteria yourself)")),
        ]
        self.fields["template"].required = False


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=LOCAL_INPUT)


class CallDetailsForm(VersionedForm):
    """The call's details. Times are typed as local date and time (Europe/Stockholm, summer time included)
    and stored as aware datetimes."""

    conflict_message = None  # the page shows what is saved now, and says so
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy(
            "Formatted text: an empty line between paragraphs, - for a list, **bold**, [link text](https://…). "
            "{closes}, {opens} and {decision_by} are replaced with the call's dates as set below."
        ),
    )
    eligible = forms.ChoiceField(
        label=gettext_lazy("Who may apply"), choices=Call.Eligible.choices, widget=forms.RadioSelect
    )
    eligible_organisations = ModelMultipleChoiceField(
        label=gettext_lazy("Organisations that may apply"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Used when only the listed organisations may apply."),
    )
    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opens (Swedish time)"), widget=LocalDateTimeInput, input_formats=[LOCAL_INPUT]
    )
    closes_at = forms.DateTimeField(
        label=gettext_lazy("Closes (Swedish time)"),
        widget=LocalDateTimeInput,
        input_formats=[LOCAL_INPUT],
        help_text=gettext_lazy(
            "Applications are accepted through this whole minute (until its last second, Swedish time)."
        ),
    )
    decision_by = forms.DateField(
        label=gettext_lazy("Decision announced by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    places = forms.IntegerField(label=gettext_lazy("Number of places"), min_value=1, max_value=1000)
    reviewers = ModelMultipleChoiceField(
        label=gettext_lazy("Reviewers"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    confirm_tightening = forms.BooleanField(
        label=gettext_lazy(
            "Yes, make the change: I will tell the organisations that are writing applications."
        ),
        required=False,
    )

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.needs_confirmation = False
        subtree = Organisation.objects.descendants_of(call.organiser).filter(is_active=True)
        # Applicants apply for their municipality (calls.access.applicant_orgs): list municipalities only.
        self.fields["eligible_organisations"].queryset = subtree.filter(kind=Kind.MUNICIPALITY).order_by(
            "name"
        )
        candidates = reviewer_candidates(call)
        self.fields["reviewers"].queryset = candidates
        conflicts = candidate_conflicts(call, candidates)

        def label(person) -> str:
            text = f"{person.full_name} ({person.email})"
            if person.pk in conflicts:
                names = ", ".join(o.name for o in conflicts[person.pk])
                text += " – " + _("conflict of interest: belongs to %(applicants)s, which applies") % {
                    "applicants": names
                }
            return text

        self.fields["reviewers"].label_from_instance = label

    def clean(self):
        data = super().clean()
        if data.get("eligible") == Call.Eligible.LISTED and not data.get("eligible_organisations"):
            self.add_error("eligible_organisations", _("Choose the organisations that may apply."))
        for name, message in tightening_warnings(self.call, data).items():
            if not data.get("confirm_tightening"):
                self.needs_confirmation = True
                self.add_error(name, message)
        return data


def tightening_warnings(call: Call, data: dict) -> dict[str, str]:
    """{field: warning} when a published call's closing time is moved earlier or its places cut while
    organisations are writing or have sent applications: the officer confirms before it takes effect."""
    if call.status != Call.Status.PUBLISHED:
        return {}
    drafts = call.applications.filter(status=Application.Status.DRAFT).count()
    sent = call.applications.filter(status=Application.Status.SUBMITTED).count()
    warnings = {}
    closes = data.get("closes_at")
    if closes and closes < call.closes_at and drafts:
        warnings["closes_at"] = ngettext(
            "%(count)s organisation is writing an application and planned for %(closes)s. Tick the box "
            "below to move the closing time earlier anyway.",
            "%(count)s organisations are writing applications and planned for %(closes)s. Tick the box "
            "below to move the closing time earlier anyway.",
            drafts,
        ) % {"count": drafts, "closes": date_format(timezone.localtime(call.closes_at), "j F Y H:i")}
    places = data.get("places")
    if places and places < call.places and (drafts or sent):
        warnings["places"] = ngettext(
            "%(count)s application is written or sent for %(old)s places. Tick the box below to cut the "
            "places anyway.",
            "%(count)s applications are written or sent for %(old)s places. Tick the box below to cut the "
            "places anyway.",
            drafts + sent,
        ) % {"count": drafts + sent, "old": call.places}
    return warnings


def reviewer_candidates(call: Call):
    """People with an active membership at the organiser or below it."""
    subtree = Organisation.objects.descendants_of(call.organiser)
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__is_active=True, memberships__organisation__in=subtree)
        .distinct()
        .order_by("full_name", "email")
    )


class FieldForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=FieldKind.choices)
    label = forms.CharField(label=gettext_lazy("Label"), max_length=300)
    help_text = forms.CharField(
        label=gettext_lazy("Help text"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Formatted text: an empty line between paragraphs, - at the start of a line for a list."
        ),
    )
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False, initial=True)
    max_chars = forms.IntegerField(
        label=gettext_lazy("Character limit"),
        required=False,
        min_value=1,
        max_value=100000,
        help_text=gettext_lazy("Long text only. Counted as the applicant sees the text: spaces count."),
    )
    choices = forms.CharField(
        label=gettext_lazy("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Choice only: one option per line."),
    )

    def field_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["choices"] = (data.get("choices") or "").splitlines()
        return data


class CriterionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Criterion"), max_length=300)
    guidance = forms.CharField(
        label=gettext_lazy("Guidance for reviewers"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    weight = forms.IntegerField(label=gettext_lazy("Weight"), min_value=1, max_value=100, initial=1)
    max_score = forms.IntegerField(label=gettext_lazy("Highest score"), min_value=1, max_value=100, initial=5)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])


# --- the list and creating --------------------------------------------------------------------------------
