"""A call's form as a Django form, built from its CallFields — the same form in the organiser's preview and
the applicant's page (views_apply), so what is previewed is what applicants get.

One form field per CallField (a heading has none), named by its key:
- short text / long text: a text input / textarea. A long text's `max_chars` is checked with
  rules.text_length (what the applicant sees: grapheme clusters, spaces and line breaks count) and NEVER
  enforced by truncating or a `maxlength` attribute: the text stays as written and the error says by how
  much it is over;
- organisation number, phone: checked with kedja.core.identifiers; e-mail; date (a date picker); choice;
- person: two inputs, name and title, cleaned to {"name": ..., "title": ...};
- declaration: a tick box that must be ticked (cleaned to True; unticked, the message asks to tick it);
- file: pdf/docx/xlsx/odt up to 10 MB.

`build_form(call, data=None, files=None, answers=None)` gives an unbound form filled with `answers` (an
Application's answers) or a bound one to validate; `draft=True` lets required fields be empty and a long
text be over its limit (a draft is saved as written; submitting checks everything) — the fields still say
whether they must be answered to submit (`required_to_submit`). Help texts are limited Markdown (a list
stays a list). The form's `layout`
lists (CallField, BoundField | None) in order for templates; `answers_from(form)` turns cleaned data back
into answers; `prefill_answers(call, org)` fills the applying organisation's name and organisation number.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kedja.core.forms import UploadField, VersionedForm
from kedja.core.identifiers import validate_org_number, validate_phone

from .models import Call, CallField, FieldKind
from .rules import overflow, text_length
from .text import render_markdown

FILE_EXTENSIONS = ("pdf", "docx", "xlsx", "odt")
FILE_MAX_BYTES = 10 * 1024 * 1024
PREFILL_KEYS = ("municipality", "organisation")


class TextLengthValidator:
    """A long text within `limit` characters as the applicant sees them."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value):
        over = overflow(value, self.limit)
        if over:
            raise ValidationError(
                ngettext(
                    "The text is %(over)s character too long (%(length)s of %(limit)s). Nothing has been "
                    "removed: shorten it and save again.",
                    "The text is %(over)s characters too long (%(length)s of %(limit)s). Nothing has been "
                    "removed: shorten it and save again.",
                    over,
                )
                % {"over": over, "length": text_length(value), "limit": self.limit},
                code="too_long",
            )

    def __eq__(self, other):
        return isinstance(other, TextLengthValidator) and other.limit == self.limit


class PersonWidget(forms.MultiWidget):
    template_name = "calls/_form_field_person_widget.html"

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value):
        if isinstance(value, dict):
            return [value.get("name", ""), value.get("title", "")]
        return ["", ""]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        labels = [_("Name"), _("Title")]
        autocomplete = ["name", "organization-title"]
        for sub, label, auto in zip(context["widget"]["subwidgets"], labels, autocomplete, strict=True):
            sub["label"] = label
            sub["attrs"]["autocomplete"] = auto
            sub["attrs"]["class"] = "ds-input"  # styled and full width like every other input
        return context


class PersonField(forms.MultiValueField):
    widget = PersonWidget

    def __init__(self, *, required=True, **kwargs):
        super().__init__(
            fields=[forms.CharField(max_length=200), forms.CharField(max_length=200)],
            require_all_fields=required,
            required=required,
            **kwargs,
        )

    def compress(self, data_list):
        if not data_list:
            return {"name": "", "title": ""}
        return {"name": data_list[0] or "", "title": data_list[1] or ""}


def _form_field(field: CallField, *, draft: bool, has_file: bool) -> forms.Field | None:
    form_field = _field_of_kind(field, draft=draft, has_file=has_file)
    if form_field is not None:
        # A draft lets a required field be empty, but the page still says it must be answered to submit:
        # the "(optional)" mark follows the call's field, not the draft's leniency.
        form_field.required_to_submit = field.required or field.kind == FieldKind.DECLARATION
    return form_field


def _field_of_kind(field: CallField, *, draft: bool, has_file: bool) -> forms.Field | None:
    required = field.required and not draft
    help_text = render_markdown(field.help_text) if field.help_text else ""
    common = {"label": field.label, "help_text": help_text, "required": required}
    match field.kind:
        case FieldKind.HEADING:
            return None
        case FieldKind.SHORT_TEXT:
            return forms.CharField(max_length=500, **common)
        case FieldKind.LONG_TEXT:
            validators = [TextLengthValidator(field.max_chars)] if field.max_chars and not draft else []
            attrs = {"rows": 12}
            if field.max_chars:
                attrs["data-max-chars"] = str(field.max_chars)
            return forms.CharField(
                strip=False, widget=forms.Textarea(attrs=attrs), validators=validators, **common
            )
        case FieldKind.ORG_NUMBER:
            return forms.CharField(
                max_length=20,
                validators=[validate_org_number],
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                **common,
            )
        case FieldKind.PERSON:
            return PersonField(label=field.label, help_text=help_text, required=required)
        case FieldKind.EMAIL:
            return forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}), **common)
        case FieldKind.PHONE:
            return forms.CharField(
                max_length=30,
                validators=[validate_phone],
                widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                **common,
            )
        case FieldKind.DATE:
            return forms.DateField(
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
            )
        case FieldKind.CHOICE:
            choices = [("", "—")] + [(c, c) for c in field.choices]
            return forms.ChoiceField(choices=choices, **common)
        case FieldKind.FILE:
            common["required"] = required and not has_file
            # Size, extension and content (a web page or a program named .pdf is refused); a safe name.
            return UploadField(extensions=FILE_EXTENSIONS, max_bytes=FILE_MAX_BYTES, **common)
        case FieldKind.DECLARATION:
            common["required"] = not draft
            return forms.BooleanField(
                error_messages={"required": _("Tick the box to confirm the declaration.")}, **common
            )
    raise ValueError(field.kind)


class CallForm(forms.Form):
    def __init__(self, *args, call: Call, call_fields: list[CallField], draft: bool, answers: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.call_fields = call_fields
        for field in call_fields:
            field.help_html = render_markdown(field.help_text) if field.help_text else ""
            has_file = bool(answers.get(field.key)) if field.kind == FieldKind.FILE else False
            form_field = _form_field(field, draft=draft, has_file=has_file)
            if form_field is not None:
                self.fields[field.key] = form_field

    @property
    def layout(self) -> list[tuple[CallField, forms.BoundField | None]]:
        return [(f, self[f.key] if f.key in self.fields else None) for f in self.call_fields]


def _initial(call_fields: list[CallField], answers: dict) -> dict:
    initial = {}
    for field in call_fields:
        if field.key not in answers or field.kind in (FieldKind.HEADING, FieldKind.FILE):
            continue
        initial[field.key] = answers[field.key]
    return initial


def build_form(call: Call, data=None, files=None, answers=None, *, draft: bool = False) -> CallForm:
    answers = answers or {}
    call_fields = list(call.fields.order_by("position", "pk"))
    return CallForm(
        data,
        files,
        call=call,
        call_fields=call_fields,
        draft=draft,
        answers=answers,
        initial=_initial(call_fields, answers),
    )


def answers_from(form: CallForm) -> dict:
    """The cleaned values as Application.answers (JSON): dates as ISO text; files are left out (they are
    stored as ApplicationFile by the caller)."""
    answers = {}
    for field in form.call_fields:
        if field.key not in form.cleaned_data or field.kind == FieldKind.FILE:
            continue
        value = form.cleaned_data[field.key]
        if field.kind == FieldKind.DATE:
            value = value.isoformat() if value else ""
        answers[field.key] = value
    return answers


def prefill_answers(call: Call, org) -> dict:
    """Answers a new application starts with: the organisation's name in a short text keyed "municipality"
    or "organisation", and its organisation number in every organisation-number field."""
    answers = {}
    for field in call.fields.all():
        if field.kind == FieldKind.SHORT_TEXT and field.key in PREFILL_KEYS:
            answers[field.key] = org.name
        elif field.kind == FieldKind.ORG_NUMBER and org.org_number:
            answers[field.key] = org.org_number
    return answers


VERSION = "_version"  # the posted name of the version an application form was opened at (beside the answers)


class StartedFromForm(VersionedForm):
    """The version of the application the page was opened at. None sent, or one that cannot be read: a
    page opened before a colleague started the application, so a conflict (-1 matches no version)."""

    version_field = VERSION
    version_required = False
    version_unread = -1
