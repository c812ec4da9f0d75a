"""The follow-up's forms: the principal's (a round, a group, a student, moving students, erasure, the access
log's filter, analyses and their questions), the teacher's grid (a sheet upload, the grid without JavaScript,
the cells grid.js saves) and the scheme editor's base version (the scheme's own forms: scheme_forms.py)."""

import csv
import io
import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kedja.core.forms import (
    ModelChoiceField,
    ModelMultipleChoiceField,
    TextListField,
    VersionedForm,
    apply_errors,
    posted_ids,
    posted_int,
)
from kedja.core.spreadsheets import UnreadableWorkbook, read_sheet_rows, uncell_text
from kedja.core.uploads import check_upload, check_workbook, extension_of

from . import actions
from .models import Gender, StudentDataAccess, StudentGroup, Term

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500
MAX_SCAN_ROWS = 20_000  # rows a sheet may declare, empty (formatted) ones included
XLSX_MAGIC = b"PK\x03\x04"


# --- the unit, its groups and students ---------------------------------------------------------------------


class RoundForm(forms.Form):
    term = forms.ChoiceField(label=gettext_lazy("Term"), choices=Term.choices)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)


class GroupForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    school_year = forms.IntegerField(
        label=gettext_lazy("School year"), min_value=0, max_value=13, required=False
    )
    mentor = ModelChoiceField(
        label=gettext_lazy("Mentor"), queryset=None, required=False, empty_label=gettext_lazy("No mentor")
    )
    teachers = ModelMultipleChoiceField(
        label=gettext_lazy("Teachers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The teachers who fill in the group's follow-up. The mentor does so too."),
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        staff = actions.group_staff(unit)
        self.fields["mentor"].queryset = staff
        self.fields["teachers"].queryset = staff


class StudentForm(forms.Form):
    given_name = forms.CharField(label=gettext_lazy("Given name"), max_length=100)
    family_name = forms.CharField(label=gettext_lazy("Family name"), max_length=100)
    gender = forms.ChoiceField(label=gettext_lazy("Gender"), choices=Gender.choices, initial=Gender.OTHER)
    local_ref = forms.CharField(
        label=gettext_lazy("Local reference"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "The school's own reference, e.g. from the school platform. Not an identity number."
        ),
    )
    group = ModelChoiceField(
        label=gettext_lazy("Group"), queryset=None, required=False, empty_label=gettext_lazy("No group")
    )

    def __init__(self, *args, unit, with_group: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if with_group:
            self.fields["group"].queryset = StudentGroup.objects.filter(school_unit=unit, is_active=True)
        else:
            del self.fields["group"]


class MoveStudentsForm(forms.Form):
    """The students ticked on the student list and the group they move to (empty: no group). Ids that are
    not whole numbers are left out; a group id the unit lacks is the view's 404."""

    student = TextListField(required=False)
    group = forms.CharField(required=False, strip=False)

    def student_ids(self) -> list[int]:
        return posted_ids(self.cleaned_data["student"])

    def group_id(self) -> int | None:
        """None for "no group"; 0 for a value that is no id."""
        target = self.cleaned_data["group"]
        return posted_int(target, 0) if target else None


class EraseForm(forms.Form):
    """The right to erasure's confirmation: the box must be ticked."""

    confirm = forms.ChoiceField(
        choices=[("yes", "yes")],
        error_messages={
            "required": gettext_lazy("Tick the box to confirm that the student's data is to be erased."),
            "invalid_choice": gettext_lazy(
                "Tick the box to confirm that the student's data is to be erased."
            ),
        },
    )


# --- the access log --------------------------------------------------------------------------------------


class LogFilter(forms.Form):
    person = forms.TypedChoiceField(
        label=gettext_lazy("Person"), required=False, coerce=int, empty_value=None
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        people = (
            StudentDataAccess.objects.filter(school_unit=unit, user__isnull=False)
            .values_list("user_id", "user_label")
            .order_by("user_label")
            .distinct()
        )
        seen, choices = set(), [("", _("Everyone"))]
        for user_id, label in people:
            if user_id not in seen:
                seen.add(user_id)
                choices.append((user_id, label))
        self.fields["person"].choices = choices


# --- analyses ---------------------------------------------------------------------------------------------


class AnalysisForm(VersionedForm):
    """The answers to an analysis's questions (one field "q-<code>" each). A version that cannot be read is
    one nobody saved from: answered as a conflict, as before this form."""

    version_required = False
    version_unread = -1

    def __init__(self, *args, questions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = [q["code"] for q in questions]
        for code in self.codes:
            self.fields[f"q-{code}"] = forms.CharField(required=False, strip=False)

    def answers(self) -> dict[str, str]:
        """What was typed per question code (also when the form was refused)."""
        return {code: str(self.data.get(f"q-{code}", "")) for code in self.codes}

    def refuse(self, error: ValidationError) -> None:
        """save_analysis names the question codes it refuses: shown beside those questions."""
        for code, messages in error.message_dict.items():
            name = f"q-{code}"
            self.add_error(name if name in self.fields else None, messages)

    def question_errors(self) -> dict[str, str]:
        return {code: " ".join(self.errors.get(f"q-{code}", [])) for code in self.codes}


class QuestionsForm(VersionedForm):
    """One block of the municipality's analysis questions (teachers' or principals'): which set, its
    questions (one textarea each, empty ones dropped by save_questions) and the version it started from."""

    version_required = False
    version_unread = -1
    answered_by = forms.CharField(required=False, strip=False)
    question = TextListField(required=False)

    @property
    def which(self) -> str:
        self.is_valid()  # answered_by is plain text: readable whatever else was sent
        return self.cleaned_data.get("answered_by", "")

    def texts(self) -> list[str]:
        return self.cleaned_data.get("question", [])

    def problem(self) -> str:
        return " ".join(str(m) for errors in self.errors.values() for m in errors)


# --- the teacher's grid ----------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Filled-in sheet"),
        help_text=gettext_lazy(
            "An Excel file (.xlsx) or a CSV file (.csv, UTF-8) laid out as the template: a column “id” "
            "and one column per code. An empty cell clears the score. All rows are imported or none."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(  # size, extension, content
            upload,
            extensions=("xlsx", "csv"),
            max_bytes=MAX_BYTES,
            wrong_type=_("Choose an Excel file (.xlsx) or a CSV file (.csv)."),
        )
        suffix = extension_of(upload.name)
        try:
            self.headers, self.rows = read_sheet(upload.read(MAX_BYTES + 1), suffix)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        return upload


def read_sheet(raw: bytes, suffix: str) -> tuple[list, list]:
    """(header cells, [(row number, cells)]) of an .xlsx (first sheet) or .csv file (UTF-8, ";", "," or tab
    separated); empty rows are left out. ValueError with a message for a file that cannot be read."""
    if len(raw) > MAX_BYTES:
        raise ValueError(_("The file is larger than 2 MB."))
    if suffix == "xlsx":
        if not raw.startswith(XLSX_MAGIC):
            raise ValueError(_("The file is not an Excel workbook (.xlsx). Save it as .xlsx or CSV UTF-8."))
        # What the archive declares, before anything is unpacked (FileRefused is a ValueError).
        check_workbook(raw, max_rows=MAX_SCAN_ROWS)
        try:
            lines = read_sheet_rows(raw, max_col=80, max_row=MAX_ROWS + 50)
        except UnreadableWorkbook:
            raise ValueError(_("The file could not be read as an Excel workbook (.xlsx).")) from None
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError(
                _("The file must be saved as UTF-8. In Excel, choose “CSV UTF-8” when you save it.")
            ) from None
        first = text.split("\n", 1)[0]
        delimiter = max(("\t", ";", ","), key=first.count)
        lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header, rows = None, []
    for number, cells in enumerate(lines, start=1):
        cells = [uncell_text(c.strip()) if isinstance(c, str) else c for c in cells]
        if all(c is None or c == "" for c in cells):
            continue
        if header is None:
            header = list(cells)
            continue
        rows.append((number, list(cells)))
        if len(rows) > MAX_ROWS:
            raise ValueError(_("The file has more than %(max)s rows.") % {"max": MAX_ROWS})
    if header is None:
        raise ValueError(_("The file is empty."))
    return header, rows


class GridForm(forms.Form):
    """The grid sent as one form (no JavaScript): per row "was-<row>" (JSON of the values the page showed)
    and per cell "c-<row>-<code>". `changes` yields the cells that were sent and differ from what was shown."""

    def __init__(self, *args, layout, **kwargs):
        super().__init__(*args, **kwargs)
        self.layout = layout

    def shown(self, row) -> dict:
        try:
            was = json.loads(self.data.get(f"was-{row.pk}", "{}"))
        except ValueError:
            return {}
        return was if isinstance(was, dict) else {}

    def changes(self, row):
        """(code, typed text, value shown) for each of the row's cells that was sent and changed."""
        was = self.shown(row)
        for column in self.layout.columns:
            name = f"c-{row.pk}-{column.code}"
            if name not in self.data:
                continue
            text = self.data[name].strip()
            before = was.get(column.code)
            if text == ("" if before is None else str(before)):
                continue
            yield column.code, text, before


class CellForm(forms.Form):
    """One cell saved by grid.js: the column's code, the typed value and the value the page showed."""

    code = forms.CharField(required=False, strip=False)
    value = forms.CharField(required=False)
    expected = forms.CharField(required=False)

    def cell(self) -> tuple[str, str, str | None]:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("code", ""), data.get("value", ""), data.get("expected", "") or None


class CellsForm(forms.Form):
    """A block of cells saved by grid.js: `cells`, a JSON list of [row id, code, typed value, value shown]."""

    cells = forms.CharField(
        strip=False, error_messages={"required": gettext_lazy("The cells could not be read.")}
    )

    def clean_cells(self):
        try:
            raw = json.loads(self.cleaned_data["cells"])
            return [
                (int(r), str(c), "" if v is None else str(v), "" if e is None else str(e))
                for r, c, v, e in raw
            ]
        except (ValueError, TypeError):
            raise ValidationError(_("The cells could not be read.")) from None


# --- the scheme editor -----------------------------------------------------------------------------------


class SchemeBaseForm(VersionedForm):
    """The number of the scheme version the editor started from (sent as "expected_number"); one that
    cannot be read is answered as a conflict. The new version's contents are scheme_forms.SchemeEdit's."""

    version_field = "expected_number"
    version_required = False
    version_unread = -1

    def __init__(self, *args, scheme_form, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme_form = scheme_form

    def version_of(self, saved) -> int:
        return saved.number

    def refuse(self, error: ValidationError) -> None:
        """new_scheme_version's rules are about the scheme: shown on the scheme's form."""
        apply_errors(self.scheme_form, error)
