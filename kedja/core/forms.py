"""Form plumbing every app uses."""

from django import forms
from django.core.exceptions import ValidationError

from .identifiers import canonical_email


def apply_errors(form, error: ValidationError) -> None:
    """Show a domain rule's ValidationError on the form: beside its field when the form has that field,
    at the top otherwise — so an action's refusal reaches the person like any form error."""
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)


class EmailField(forms.EmailField):
    """An e-mail address in Kedja's one canonical form (identifiers.canonical_email) before it is checked,
    so "ＬＯＣＫＭＥ@…" (fullwidth) and "Lockme@…" both arrive as "lockme@…"."""

    def to_python(self, value):
        return canonical_email(super().to_python(value))
