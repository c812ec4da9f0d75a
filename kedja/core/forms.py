"""Form plumbing every app uses."""

from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections

from .concurrency import EditConflict
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
    """The positive ids among `values` (e.g. the ticked rows of a TextListField); the rest are left out."""
    return [n for n in (posted_int(v) for v in values) if n is not None and n > 0]


class TextListField(forms.Field):
    """Every value sent under one name (e.g. one textarea per question, one checkbox per row), as text."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [str(v) for v in value or []]


class ConfirmForm(forms.Form):
    """A step that asks before it acts: the second click, from the page that says what it does, sends
    confirm=yes."""

    confirm = forms.CharField(required=False, strip=False)

    @property
    def confirmed(self) -> bool:
        return self.is_valid() and self.cleaned_data["confirm"] == "yes"


class NextForm(forms.Form):
    """Where to go after a step (`next`), sent with a post or in the address; checked by the caller
    (url_has_allowed_host_and_scheme) before it is used."""

    next = forms.CharField(required=False, strip=False)

    @property
    def next_url(self) -> str:
        return self.cleaned_data["next"] if self.is_valid() else ""


# --- editing what is saved with optimistic locking (core.concurrency) ---------------------------------------

CONFLICT = 409  # the status of a page that answers an edit conflict


def refreshed(obj):
    """`obj` read again from the database (for `VersionedForm.saving(current=...)`)."""
    obj.refresh_from_db()
    return obj


class VersionedForm(forms.Form):
    """A form that edits something saved with optimistic locking: the version the editor started from comes
    back in one hidden field, and an edit conflict is answered one way (`saving`, `answer_conflict`). For a
    model form: `class F(VersionedForm, forms.ModelForm)`.

    Per form: `version_required = False` where the form also creates (nothing saved yet, so no version);
    `version_field` where the model counts in another field (a meeting's `sequence`); `version_unread`, the
    expected version when none was sent or it could not be read (-1: a conflict, since no saved version
    matches; None: the action decides); `conflict_message`,
    the message shown above the form after a conflict — None where the page shows what is saved now beside
    the form and says so itself."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    version_field = "version"
    version_required = True
    version_unread = None
    conflict_message = EditConflict.message

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.version_field != "version":
            self.fields[self.version_field] = self.fields.pop("version")
        self.fields[self.version_field].required = self.version_required
        self.conflict = None  # after a conflict: what is saved now (True when nothing is)

    @property
    def expected_version(self) -> int | None:
        version = getattr(self, "cleaned_data", {}).get(self.version_field)
        return self.version_unread if version is None else version

    def version_of(self, saved) -> int | str:
        """The version to put in the form after a conflict: the saved object's ("" when there is none)."""
        return "" if saved is None else getattr(saved, self.version_field)

    def answer_conflict(self, saved) -> None:
        """Someone else saved `saved` meanwhile: keep what the person typed, put in the version saved now (so
        saving again replaces it, knowingly), show the conflict message; `status` is then 409."""
        self.data = self.data.copy()
        self.data[self.version_field] = self.version_of(saved)
        if self.conflict_message:
            self.add_error(None, self.conflict_message)
        self.conflict = True if saved is None else saved

    def refuse(self, error: ValidationError) -> None:
        """A domain rule's refusal, shown beside the field it names (apply_errors)."""
        apply_errors(self, error)

    @contextmanager
    def saving(self, *, current):
        """Around an action that saves with this form's version: an EditConflict is answered by
        answer_conflict(current()) — `current` reads what is saved now — and a ValidationError is shown on
        the form. The rest of the block (the success message, the redirect) runs only when the action saved."""
        try:
            yield
        except EditConflict:
            self.answer_conflict(current())
        except ValidationError as error:
            self.refuse(error)

    @property
    def response_status(self) -> int:
        """409 after a conflict, 400 with errors, else 200."""
        if self.conflict is not None:
            return CONFLICT
        return 400 if self.errors else 200
