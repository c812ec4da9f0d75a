"""Importing a school unit's students from Excel/CSV (docs/followup.md, "The principal's part"): columns given
name, family name, gender, group and local reference; every row is checked and the file is imported whole or
not at all, with a row-by-row report (the row numbers are the sheet's). Reading the file is
forms.read_sheet's job (the same rules for both uploads); this module checks the rows, writes them and
makes the template."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kedja.organisations.actions import record_event

from . import log
from .actions_grid import SheetError
from .models import AccessAction, Gender, Round, Row, Student, StudentGroup

# key → the headers accepted for it (casefolded; the template writes the first, translated)
COLUMNS = {
    "given_name": ("given name", "förnamn", "fornavn", "first name"),
    "family_name": ("family name", "efternamn", "etternavn", "last name", "surname"),
    "gender": ("gender", "kön", "kjønn"),
    "group": ("group", "grupp", "gruppe", "klass", "class"),
    "local_ref": ("local reference", "lokal referens", "lokal referanse", "reference", "referens"),
}
REQUIRED = ("given_name", "family_name")
GENDERS = {
    Gender.GIRL: ("girl", "flicka", "jente", "tjej", "f"),
    Gender.BOY: ("boy", "pojke", "gutt", "kille", "p", "b"),
    Gender.OTHER: ("other", "annat", "annan", "annet", "ej angivet", "not stated", "-", ""),
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def headers_for_template() -> list[str]:
    return [_("Given name"), _("Family name"), _("Gender"), _("Group"), _("Local reference")]


@dataclass
class StudentSheet:
    students: list[dict] = field(default_factory=list)  # checked rows, for import_students
    errors: list[SheetError] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def can_import(self) -> bool:
        return bool(self.students) and not self.errors

    @property
    def rows_with_errors(self) -> int:
        return len({e.row for e in self.errors})


def check_students(unit, headers: list, rows: list) -> StudentSheet:
    """Check every row of a sheet (`rows`: (row number, cells)); the groups must exist at the unit and a
    local reference may not already belong to a student of the unit or appear twice in the file."""
    sheet = StudentSheet()
    aliases = {alias: key for key, names in COLUMNS.items() for alias in names}
    aliases |= {_text(h).casefold(): key for h, key in zip(headers_for_template(), COLUMNS, strict=True)}
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, header in enumerate(headers):
        text = _text(header)
        key = aliases.get(text.casefold())
        if key is None or key in positions:
            if text:
                sheet.ignored.append(text)
            continue
        positions[key], labels[key] = index, text
    missing = [
        h
        for h, key in zip(headers_for_template(), COLUMNS, strict=True)
        if key in REQUIRED and key not in positions
    ]
    if missing:
        sheet.errors.append(
            SheetError(1, "", _("These columns are missing: %(columns)s.") % {"columns": ", ".join(missing)})
        )
        return sheet
    groups = {g.name.casefold(): g for g in StudentGroup.objects.filter(school_unit=unit, is_active=True)}
    taken = set(
        Student.objects.filter(school_unit=unit).exclude(local_ref="").values_list("local_ref", flat=True)
    )
    gender_of = {alias: value for value, names in GENDERS.items() for alias in names}
    seen_refs: dict[str, int] = {}
    limits = {
        key: Student._meta.get_field(key).max_length for key in ("given_name", "family_name", "local_ref")
    }
    for number, cells in rows:
        sheet.rows += 1
        values = {key: _text(cells[i]) if i < len(cells) else "" for key, i in positions.items()}
        errors = []
        for key in REQUIRED:
            if not values.get(key):
                errors.append(SheetError(number, labels[key], _("This column must be filled in.")))
        for key, limit in limits.items():
            if len(values.get(key, "")) > limit:
                errors.append(
                    SheetError(number, labels[key], _("At most %(max)s characters.") % {"max": limit})
                )
        gender = gender_of.get(values.get("gender", "").casefold())
        if gender is None:
            errors.append(
                SheetError(number, labels["gender"], _("Write girl, boy or other (or leave the cell empty)."))
            )
        group = None
        if values.get("group"):
            group = groups.get(values["group"].casefold())
            if group is None:
                errors.append(
                    SheetError(
                        number,
                        labels["group"],
                        _("The unit has no group “%(group)s”. Create it first.") % {"group": values["group"]},
                    )
                )
        ref = values.get("local_ref", "")
        if ref:
            if ref in taken:
                errors.append(
                    SheetError(
                        number, labels["local_ref"], _("A student with this local reference already exists.")
                    )
                )
            elif ref in seen_refs:
                errors.append(
                    SheetError(
                        number,
                        labels["local_ref"],
                        _("This local reference is also on row %(row)s.") % {"row": seen_refs[ref]},
                    )
                )
            else:
                seen_refs[ref] = number
        sheet.errors.extend(errors)
        if not errors:
            sheet.students.append(
                {
                    "given_name": values["given_name"],
                    "family_name": values["family_name"],
                    "gender": gender,
                    "group": group,
                    "local_ref": ref,
                }
            )
    if not sheet.rows:
        sheet.errors.append(SheetError(1, "", _("The sheet has no rows with students.")))
    return sheet


@transaction.atomic
def import_students(unit, sheet: StudentSheet, *, by) -> list[Student]:
    """Write a checked sheet: every student or none. Students in a group get a row in the unit's open
    rounds. Logged as an import (ids only) and audited."""
    if not sheet.can_import:
        raise ValidationError(_("The sheet has errors. Nothing has been imported."))
    made = []
    for data in sheet.students:
        student = Student(
            school_unit=unit,
            given_name=data["given_name"],
            family_name=data["family_name"],
            gender=data["gender"],
            local_ref=data["local_ref"],
        )
        student.full_clean()
        student.save()
        made.append((student, data["group"]))
    open_rounds = list(Round.objects.filter(school_unit=unit, status=Round.Status.OPEN))
    rows = []
    for student, group in made:
        if group is not None:
            group.students.add(student)
            rows.extend(Row(round=r, student=student, group=group) for r in open_rounds)
    Row.objects.bulk_create(rows)
    students = [s for s, _g in made]
    log.record(
        by,
        school_unit=unit,
        action=AccessAction.IMPORT,
        what=_("%(count)s students imported") % {"count": len(students)},
        context="student import",
        students=students,
    )
    record_event("followup.students_imported", by=by, organisation=unit, count=len(students))
    return students
