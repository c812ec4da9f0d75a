"""The principal's pages about the unit's students: the list, adding and editing one, moving
students between groups, the Excel/CSV import, and the student's rights (access export, erasure).
Who may is decided as on the unit's other pages (followup.access.get_unit_for); these ask for the second factor.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kedja.core.files import download_response
from kedja.core.forms import apply_errors
from kedja.core.spreadsheets import XLSX_CONTENT_TYPE

from . import actions, exports, imports, reading
from .access import get_unit_for
from .forms import EraseForm, ImportForm, MoveStudentsForm, StudentForm
from .guard import student_rows_view
from .models import Student, StudentGroup


def _student_of(unit, student_id) -> Student:
    """A student of the unit (the unit was loaded through followup.access); 404 for any other id."""
    student = Student.objects.filter(pk=student_id, school_unit=unit).first()
    if student is None:
        raise Http404()
    return student


# --- students --------------------------------------------------------------------------------------------


@require_safe
@student_rows_view
def students(request, unit_id):
    unit_ = get_unit_for(request.user, unit_id)
    found = reading.unit_students(request.user, unit_, context="student list")
    return render(
        request,
        "followup/students.html",
        {
            "unit": unit_,
            "students": found,
            "groups": StudentGroup.objects.filter(school_unit=unit_, is_active=True).order_by("name"),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@student_rows_view
def student_edit(request, unit_id, student_id=None):
    unit_ = get_unit_for(request.user, unit_id)
    student = None
    if student_id is not None:
        _student_of(unit_, student_id)
        student = reading.unit_students(
            request.user, unit_, student_ids=[student_id], context="student page"
        )[0]
    initial = {}
    if student is not None:
        initial = {f: getattr(student, f) for f in ("given_name", "family_name", "gender", "local_ref")}
    form = StudentForm(request.POST or None, unit=unit_, with_group=student is None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if student is None:
                actions.add_student(
                    unit_,
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    gender=data["gender"],
                    group=data["group"],
                    local_ref=data["local_ref"],
                    by=request.user,
                )
            else:
                actions.save_student(
                    student,
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    gender=data["gender"],
                    local_ref=data["local_ref"],
                    by=request.user,
                )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "__all__" in error.error_dict:
                error.error_dict["local_ref"] = [
                    ValidationError(_("Another student of the unit has this local reference."))
                ]
                del error.error_dict["__all__"]
            apply_errors(form, error)
        else:
            messages.success(request, _("The student has been saved."))
            return redirect("followup:students", unit_.pk)
    return render(
        request,
        "followup/students_edit.html",
        {"unit": unit_, "student": student, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@student_rows_view
def students_move(request, unit_id):
    unit_ = get_unit_for(request.user, unit_id)
    form = MoveStudentsForm(request.POST)
    form.is_valid()  # every field is optional text: always valid
    group = None
    if form.group_id() is not None:
        group = StudentGroup.objects.filter(pk=form.group_id(), school_unit=unit_).first()
        if group is None:
            raise Http404()
    chosen = list(Student.objects.filter(school_unit=unit_, pk__in=form.student_ids()))
    if not chosen:
        messages.error(request, _("Choose the students to move."))
        return redirect("followup:students", unit_.pk)
    moved = actions.move_students(unit_, chosen, group, by=request.user)
    messages.success(
        request,
        ngettext("%(count)s student has been moved.", "%(count)s students have been moved.", moved)
        % {"count": moved},
    )
    return redirect("followup:students", unit_.pk)


@require_http_methods(["GET", "HEAD", "POST"])
@student_rows_view
def students_import(request, unit_id):
    unit_ = get_unit_for(request.user, unit_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    form.fields["file"].label = _("File with students")
    form.fields["file"].help_text = _(
        "An Excel file (.xlsx) or a CSV file (.csv, UTF-8) with the columns given name, family name, gender, "
        "group and local reference. All rows are imported or none."
    )
    sheet = None
    if request.method == "POST" and form.is_valid():
        sheet = imports.check_students(unit_, form.headers, form.rows)
        if sheet.can_import:
            made = imports.import_students(unit_, sheet, by=request.user)
            messages.success(
                request,
                ngettext(
                    "%(count)s student has been imported.",
                    "%(count)s students have been imported.",
                    len(made),
                )
                % {"count": len(made)},
            )
            return redirect("followup:students", unit_.pk)
    return render(
        request,
        "followup/students_import.html",
        {"unit": unit_, "form": form, "sheet": sheet, "headers": imports.headers_for_template()},
        status=400 if request.method == "POST" else 200,
    )


@require_safe
@student_rows_view
def students_import_template(request, unit_id):
    unit_ = get_unit_for(request.user, unit_id)
    body = exports.students_template_workbook(unit_)
    return download_response(body, filename="elever-mall.xlsx", content_type=XLSX_CONTENT_TYPE)


# --- the student's rights --------------------------------------------------------------------------------


@require_safe
@student_rows_view
def student_export(request, unit_id, student_id):
    """Right of access: everything about one student as Excel — scores per round with the columns' names,
    sums and levels, the groups, and the access-log entries naming the student. Logged as an export."""
    unit_ = get_unit_for(request.user, unit_id)
    student = _student_of(unit_, student_id)
    record = reading.student_record(request.user, student, context="student export")
    body = exports.student_workbook(student, unit_, record)
    return download_response(body, filename=exports.student_filename(student), content_type=XLSX_CONTENT_TYPE)


@require_http_methods(["GET", "HEAD", "POST"])
@student_rows_view
def student_erase(request, unit_id, student_id):
    """Right to erasure: a confirmation page, then the student and all their rows are deleted."""
    unit_ = get_unit_for(request.user, unit_id)
    _student_of(unit_, student_id)
    problem = ""
    if request.method == "POST":
        form = EraseForm(request.POST)
        if form.is_valid():
            student = Student.objects.get(pk=student_id)
            rows = actions.erase_student(student, by=request.user)
            messages.success(
                request,
                ngettext(
                    "The student and %(count)s row have been erased.",
                    "The student and %(count)s rows have been erased.",
                    rows,
                )
                % {"count": rows},
            )
            return redirect("followup:students", unit_.pk)
        problem = " ".join(form.errors["confirm"])
    student = reading.unit_students(request.user, unit_, student_ids=[student_id], context="erasure page")[0]
    return render(
        request,
        "followup/students_erase.html",
        {"unit": unit_, "student": student, "rows": student.followup_rows.count(), "problem": problem},
        status=400 if problem else 200,
    )
