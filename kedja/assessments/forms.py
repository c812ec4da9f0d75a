"""Forms for running and answering assessment rounds. Choices (who may be picked, which versions) come
from the view, which asks the access layer; the rules an answer must follow live in actions.check_answer."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kedja.core.forms import ModelChoiceField, VersionedForm
from kedja.frameworks.models import FrameworkVersion

from .models import LEVEL_HELP, Answer, Level, RespondentGroup, Round

DONT_KNOW = "dont_know"


def default_title(today=None) -> str:
    """The suggested title of a new round, e.g. "Självskattning 2026"."""
    today = today or timezone.localdate()
    return _("Self-assessment %(year)s") % {"year": today.year}


def clean_links(text: str) -> str:
    """One web address per line, each http(s); blank lines dropped. Raises with the first bad line."""
    check = URLValidator(schemes=["http", "https"])
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    bad = []
    for line in lines:
        try:
            check(line)
        except ValidationError:
            bad.append(line)
    if bad:
        raise ValidationError(
            _("Not a web address starting with http:// or https://: %(lines)s"),
            code="invalid_link",
            params={"lines": ", ".join(bad)},
        )
    return "\n".join(lines)


class VersionChoiceField(ModelChoiceField):
    def label_from_instance(self, obj: FrameworkVersion) -> str:
        return _("%(framework)s v%(number)s") % {"framework": obj.framework, "number": obj.number}


class RoundForm(forms.Form):
    municipality = ModelChoiceField(label=_("Municipality"), queryset=None, empty_label=None)
    framework_version = VersionChoiceField(
        label=_("Framework"),
        queryset=FrameworkVersion.objects.none(),
        help_text=_("Only published versions can be assessed."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    due_date = forms.DateField(
        label=_("Answer by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    shares_with_region = forms.BooleanField(
        label=Round._meta.get_field("shares_with_region").verbose_name,
        required=False,
        help_text=Round._meta.get_field("shares_with_region").help_text,
    )

    def __init__(self, *args, municipalities, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["framework_version"].queryset = versions
        self.fields["title"].initial = default_title()

    def clean_due_date(self):
        due = self.cleaned_data.get("due_date")
        if due is not None and due < timezone.localdate():
            raise ValidationError(_("The date has already passed."))
        return due


class RespondentForm(forms.Form):
    user = ModelChoiceField(label=_("Person"), queryset=None)
    group = forms.ChoiceField(
        label=_("Respondent group"),
        choices=RespondentGroup.choices,
        help_text=_("Which part of the municipality the person answers for."),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["user"].label_from_instance = lambda u: f"{u.full_name or u.email} ({u.email})"


class AnswerForm(VersionedForm):
    """One item's answer. `level` is 0–4 or "don't know"; cleaned data is shaped for actions.save_answer.
    `recovering`: the item was showing errors or a conflict when it was sent (the page swaps it whole)."""

    version_required = False  # the first answer to an item has none
    conflict_message = None  # the item shows the saved answer beside, and says so

    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[*Level.choices, (DONT_KNOW, _("Don't know"))],
        widget=forms.RadioSelect,
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What shows that this is how it is: decisions, plans, follow-ups, examples."),
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One web address per line."),
    )
    responsible_function = forms.CharField(label=_("Responsible function"), required=False, max_length=200)
    next_step = forms.CharField(
        label=_("Next step"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    recovering = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, node, answer: Answer | None = None, **kwargs):
        kwargs.setdefault("auto_id", f"item{node.pk}_%s")
        if answer is not None and not kwargs.get("initial"):
            kwargs["initial"] = initial_for(answer)
        super().__init__(*args, **kwargs)
        self.node = node
        self.answer = answer

    def clean_links(self):
        return clean_links(self.cleaned_data.get("links", ""))

    def level_options(self):
        """The radio buttons with their explanation, for a hand-written, accessible fieldset."""
        value = self["level"].value()
        value = "" if value is None else str(value)
        out = []
        for choice, label in self.fields["level"].choices:
            out.append(
                {
                    "value": choice,
                    "label": label,
                    "help": LEVEL_HELP.get(choice, _("I cannot judge this item.")),
                    "id": f"item{self.node.pk}_level_{choice}",
                    "checked": value == str(choice),
                }
            )
        return out

    def typed_answer(self) -> Answer:
        """What was posted, as an unsaved answer to show back (e.g. when the round closed meanwhile)."""
        level = str(self.data.get("level", ""))
        return Answer(
            node=self.node,
            level=int(level) if level in {"0", "1", "2", "3", "4"} else None,
            dont_know=level == DONT_KNOW,
            evidence=self.data.get("evidence", ""),
            links=self.data.get("links", ""),
            responsible_function=self.data.get("responsible_function", ""),
            next_step=self.data.get("next_step", ""),
        )

    def answer_data(self) -> dict:
        data = dict(self.cleaned_data)
        level = data.pop("level", "")
        data.pop("version", None)
        data.pop("recovering", None)
        data["dont_know"] = level == DONT_KNOW
        data["level"] = int(level) if level not in ("", None, DONT_KNOW) else None
        return data


def initial_for(answer: Answer) -> dict:
    if answer.dont_know:
        level = DONT_KNOW
    else:
        level = "" if answer.level is None else str(answer.level)
    return {
        "level": level,
        "evidence": answer.evidence,
        "links": answer.links,
        "responsible_function": answer.responsible_function,
        "next_step": answer.next_step,
        "version": answer.version,
    }


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Attach a file"),
        help_text=_("PDF, images (PNG, JPEG), Office/OpenDocument files or plain text; at most 10 MB."),
    )

    def __init__(self, *args, node, **kwargs):
        kwargs.setdefault("auto_id", f"item{node.pk}_%s")
        super().__init__(*args, **kwargs)
        self.node = node


class PriorityForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("mark", _("Mark")), ("unmark", _("Unmark"))], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=_("Why it is a priority"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The action plan picks up the priorities and their notes."),
    )


class SharingForm(forms.Form):
    """The round page's "share with the region" / "stop sharing" button: shares=on shares, anything else stops."""

    shares = forms.CharField(required=False)

    @property
    def shares_with_region(self) -> bool:
        return self.is_valid() and self.cleaned_data["shares"] == "on"
