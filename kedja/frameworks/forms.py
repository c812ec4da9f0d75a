"""Forms for the framework pages: importing a file and editing a draft node's texts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kedja.core.forms import ModelChoiceField, VersionedForm
from kedja.core.uploads import FileRefused, check_text_data, check_upload
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from . import schema

MAX_UPLOAD_BYTES = 1024 * 1024
ALLOWED_SUFFIXES = ("yaml", "yml", "json")
LANGUAGE_LABELS = {"sv": _("Swedish"), "nb": _("Norwegian Bokmål"), "en": _("English")}


class ImportForm(forms.Form):
    """Owner, file and "publish immediately". A file with any format problem imports nothing: the problems
    are kept on `self.problems` (each with line and path) for the page to list beside the file field."""

    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    file = forms.FileField(
        label=_("Framework file"),
        help_text=_("YAML or JSON in Kedja's framework format (.yaml, .yml or .json), at most 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.json"}),
    )
    publish = forms.BooleanField(
        label=_("Publish immediately (otherwise the new version is a draft you can review first)"),
        required=False,
    )

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {org.pk: org for org in owners}
        self.fields["owner"].choices = [(org.pk, str(org)) for org in owners]
        self.problems: list[schema.Problem] = []
        self.parsed: schema.ParsedFramework | None = None

    def clean_owner(self):
        return self.owners[self.cleaned_data["owner"]]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(  # size, extension, content
            upload,
            extensions=ALLOWED_SUFFIXES,
            max_bytes=MAX_UPLOAD_BYTES,
            wrong_type=_("Choose a .yaml, .yml or .json file."),
        )
        upload.seek(0)
        try:
            text = check_text_data(upload.read(MAX_UPLOAD_BYTES + 1), max_bytes=MAX_UPLOAD_BYTES)
        except FileRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        try:
            self.parsed = schema.parse(schema.load_text(text))
        except schema.FormatError as error:
            self.problems = error.problems
            raise forms.ValidationError(
                _("The file has problems (listed below); nothing was imported.")
            ) from None
        return upload


class NodeForm(VersionedForm):
    """A node's title and summary per language (Swedish title required), and the version the editor
    started from (optimistic locking)."""

    def __init__(self, *args, node=None, **kwargs):
        super().__init__(*args, **kwargs)
        for lang in schema.LANGUAGES:
            self.fields[f"title_{lang}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": LANGUAGE_LABELS[lang]},
                max_length=schema.MAX_TEXT,
                required=lang == "sv",
            )
        for lang in schema.LANGUAGES:
            self.fields[f"summary_{lang}"] = forms.CharField(
                label=_("Summary (%(language)s)") % {"language": LANGUAGE_LABELS[lang]},
                max_length=schema.MAX_TEXT,
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        if node is not None and not self.is_bound:
            self.initial.update(self.values_of(node))

    @staticmethod
    def values_of(node) -> dict:
        values = {"version": node.version}
        for lang in schema.LANGUAGES:
            values[f"title_{lang}"] = (node.title or {}).get(lang, "")
            values[f"summary_{lang}"] = (node.summary or {}).get(lang, "")
        return values

    def texts(self, prefix: str) -> dict:
        return {
            lang: self.cleaned_data[f"{prefix}_{lang}"].strip()
            for lang in schema.LANGUAGES
            if self.cleaned_data.get(f"{prefix}_{lang}", "").strip()
        }


class OfferForm(forms.Form):
    """The region a framework version is offered to (whether the person may offer to it is asked of
    frameworks.access.region_to_offer_to)."""

    region = ModelChoiceField(queryset=Organisation.objects.filter(kind=Kind.REGION))

    @property
    def region_chosen(self):
        return self.cleaned_data["region"] if self.is_valid() else None
