"""Form plumbing every app uses."""

from django import forms
from django.core.exceptions import ValidationError

from .identifiers import canonical_email
from .uploads import check_upload


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


class UploadField(forms.FileField):
    """A file upload checked by uploads.check_upload (size, then extension, then content) while the form is
    cleaned. The cleaned file carries the safe name and the content type Kedja found (not the browser's)."""

    def __init__(self, *, extensions: tuple[str, ...], max_bytes: int, wrong_type="", **kwargs):
        self.extensions, self.max_bytes, self.wrong_type = tuple(extensions), max_bytes, wrong_type
        kwargs.setdefault("widget", forms.ClearableFileInput())
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ",".join(f".{e}" for e in self.extensions))

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        checked = check_upload(
            upload,
            extensions=self.extensions,
            max_bytes=self.max_bytes,
            wrong_type=str(self.wrong_type or ""),
        )
        upload.name = checked.name
        upload.content_type = checked.content_type
        return upload
