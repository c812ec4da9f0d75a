"""The form where an editor chooses the transitions chain's KPIs (views_transitions.transitions_chain)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kedja.core.forms import VersionedForm

from .transitions import Step


class ChainForm(VersionedForm):
    """One KPI id per step (named by the step's key) and the version the editor started from; `action` is
    the button pressed ("reset": back to the default chain; anything else saves)."""

    action = forms.CharField(required=False)

    def __init__(self, *args, steps: list[Step], **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = steps
        for step in steps:
            self.fields[f"kpi_{step.key}"] = forms.CharField(
                label=step.label_text,
                max_length=16,
                help_text=_("Kolada KPI id, e.g. %(id)s.") % {"id": step.kpi},
            )

    def kpi_fields(self):
        return [self[f"kpi_{s.key}"] for s in self.steps]

    def chosen(self) -> dict[str, str]:
        return {s.key: self.cleaned_data.get(f"kpi_{s.key}", "") for s in self.steps}

    @property
    def resets(self) -> bool:
        return self.cleaned_data.get("action") == "reset"

    def version_of(self, saved) -> int:
        return saved.version if saved else 0  # no chain of its own yet: the default, version 0

    def refuse(self, error: ValidationError) -> None:
        """save_chain names the step whose KPI it refuses: shown beside that step's field."""
        for key, errs in error.message_dict.items():
            name = f"kpi_{key}"
            self.add_error(name if name in self.fields else None, errs)
