"""The reviewer's and the organiser's forms (views_review.py): which button was pressed, the declaration of
a conflict of interest, the review's scores and comments, and the decision. The texts are checked by
actions_review (check_scores, declare, decide): these forms carry them there and the rules' refusals back."""

from django import forms
from django.utils.translation import gettext_lazy

from kedja.core.forms import VersionedForm


class ReviewActionForm(forms.Form):
    """The button pressed on the review page: "declare", "save" or "submit" (anything else is answered with
    "Unknown action.")."""

    action = forms.CharField(required=False)

    @property
    def pressed(self) -> str:
        return self.cleaned_data["action"] if self.is_valid() else ""


class DeclarationForm(forms.Form):
    """The declaration made before reviewing: a conflict of interest or none, and why when there is one."""

    conflict = forms.ChoiceField(
        choices=[("yes", "yes"), ("no", "no")],
        error_messages={
            "required": gettext_lazy("Say whether you have a conflict of interest."),
            "invalid_choice": gettext_lazy("Say whether you have a conflict of interest."),
        },
    )
    conflict_reason = forms.CharField(required=False, strip=False)

    @property
    def has_conflict(self) -> bool:
        return self.is_valid() and self.cleaned_data["conflict"] == "yes"


class ReviewForm(VersionedForm):
    """A score and a comment per criterion (score_<id>, comment_<id>) and the review's comment. The scores
    stay text here: check_scores says what is wrong with one, beside its criterion. A missing version is
    one nobody saved from: a conflict, as before any form."""

    version_required = False
    version_unread = -1
    comment = forms.CharField(required=False, strip=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.CharField(required=False, strip=False)
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(required=False, strip=False)

    def scores(self) -> dict:
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.criteria}

    def comments(self) -> dict:
        return {c.pk: self.cleaned_data[f"comment_{c.pk}"] for c in self.criteria}


class DecisionForm(VersionedForm):
    """The organiser's decision on an application and its justification (checked by actions_review.decide)."""

    version_required = False
    version_unread = -1
    decision = forms.CharField(required=False)
    justification = forms.CharField(required=False, strip=False)


def shown_errors(form) -> tuple[dict[str, list[str]], list[str]]:
    """(messages per field, messages for the whole form) of a form, for the review and decision pages'
    hand-written error lists."""
    fields = {name: list(errors) for name, errors in form.errors.items() if name != "__all__"}
    return fields, list(form.non_field_errors())
