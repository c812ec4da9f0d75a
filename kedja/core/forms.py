"""Form plumbing every app uses."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections

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


# --- choosing rows by id -----------------------------------------------------------------------------------
# Django's model choice fields hand a posted id straight to the database. An id beyond what the column holds
# (2^63 and more) raises OverflowError on SQLite and a DataError on PostgreSQL: a server error for what is
# only bad input. These refuse such ids as "not one of the choices" before any query. Every form in Kedja
# uses these two, never Django's own (a test in kedja/core/tests/test_forms.py checks the sources).

_INTEGER_KEYS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField"}


def _fits(field, value) -> bool:
    """True when `value` could be a key of the field's queryset: anything for a non-integer key, else an
    integer (as text or int) within the database's range for that column."""
    model_field = field.queryset.model._meta.get_field(field.to_field_name) if field.to_field_name else None
    model_field = model_field or field.queryset.model._meta.pk
    internal = model_field.get_internal_type()
    if internal not in _INTEGER_KEYS:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text or len(text) > 20 or not text.lstrip("-").isdigit():
            return False
        number = int(text)
    low, high = connections[field.queryset.db].ops.integer_field_range(internal)
    return (low is None or number >= low) and (high is None or number <= high)


class ModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if (
            value not in self.empty_values
            and not isinstance(value, self.queryset.model)
            and not _fits(self, value)
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        try:
            values = list(value)
        except TypeError:
            values = []
        for pk in values:
            if isinstance(pk, (str, int)) and not _fits(self, pk):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(pk)[:40]},
                )
        return super()._check_values(value)


MAX_ID = 2**63 - 1  # the largest key a 64-bit integer column holds (SQLite and PostgreSQL bigint)


def posted_int(value, default: int | None = None) -> int | None:
    """An integer typed into a request (a version, an id): `default` for anything else, or for a number no
    database column holds — never a ValueError or an OverflowError further down."""
    text = str(value if value is not None else "").strip()
    if not text or len(text) > 20 or not text.isascii() or not text.lstrip("-").isdigit():
        return default
    number = int(text)
    return number if -MAX_ID - 1 <= number <= MAX_ID else default


def posted_ids(values) -> list[int]:
    """The positive ids among `values` (e.g. request.POST.getlist("student")); the rest are left out."""
    return [n for n in (posted_int(v) for v in values) if n is not None and n > 0]
