"""The form that asks for a document: which one, which format, and for a follow-up report its period."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Document


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=Document.Kind.choices, widget=forms.RadioSelect)
    format = forms.ChoiceField(label=_("Format"), choices=Document.Format.choices, widget=forms.RadioSelect)
    period_start = forms.DateField(
        label=_("Period from"),
        required=False,
        help_text=_("For the follow-up report. Format: 2026-01-01."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    period_end = forms.DateField(
        label=_("Period to"),
        required=False,
        help_text=_("For the follow-up report. Format: 2026-12-31."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == Document.Kind.FOLLOW_UP:
            start, end = data.get("period_start"), data.get("period_end")
            if start is None and "period_start" not in self.errors:
                self.add_error("period_start", _("Give the first day of the period the report follows up."))
            if end is None and "period_end" not in self.errors:
                self.add_error("period_end", _("Give the last day of the period the report follows up."))
            if start and end and end < start:
                self.add_error("period_end", _("The period must end on or after its first day."))
        return data
