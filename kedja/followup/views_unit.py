"""The principal's part of the mid-term follow-up (issue 6): the unit overview (rounds, groups, a round's
counts per group, subject and gender), groups and students (also imported from Excel/CSV), the analysis
question sets and answers, the unit's access log, and the student's rights (access export, erasure).

Thin: kedja.access.followup says who may (the unit's principal; a teacher of the unit sees these pages exist
but may not use them: 403; everyone else 404 — student data never leaves the unit), reading.py checks again,
logs and returns what is shown, actions.py/imports.py write. Pages about the unit's students ask for the
second factor (accounts.second_factor.second_factor_required).
"""

from datetime import datetime, time
from html import escape

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kedja.access import followup as access
from kedja.core.concurrency import EditConflict
from kedja.core.files import download_response
from kedja.core.forms import ModelChoiceField, ModelMultipleChoiceField, apply_errors, posted_ids, posted_int
from kedja.core.spreadsheets import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE
from kedja.core.texts import pick
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from . import actions, exports, imports, reading
from .counts import CATEGORIES
from .guard import student_rows_view
from .models import (
    AccessAction,
    Gender,
    Level,
    QuestionSet,
    Round,
    Student,
    StudentDataAccess,
    StudentGroup,
    Term,
)
from .views_grid import ImportForm

LOG_PAGE_SIZE = 50


# --- who may ---------------------------------------------------------------------------------------------


def _unit_for(user, unit_id) -> Organisation:
    """The unit, for its principal. A teacher of the unit: 403; anyone else: 404."""
    unit = Organisation.objects.filter(pk=unit_id, kind=Kind.SCHOOL_UNIT, is_active=True).first()
    if unit is None:
        raise Http404()
    if access.can_manage_unit(user, unit):
        return unit
    if unit in access.units_with_rows(user):
        raise PermissionDenied()
    raise Http404()


def _round_of(unit, round_id) -> Round:
    round_ = Round.objects.select_related("scheme_version").filter(pk=round_id, school_unit=unit).first()
    if round_ is None:
        raise Http404()
    return round_


def _student_of(unit, student_id) -> Student:
    student = Student.objects.filter(pk=student_id, school_unit=unit).first()
    if student is None:
        raise Http404()
    return student


def _level_counts(levels: dict) -> list[dict]:
    return [{"level": level, "label": Level(level).label, "count": levels[level]} for level in CATEGORIES]


def _count_cells(counts: list[dict]) -> str:
    """A row's count per level as table cells, the level named for screen readers (the unit page's group
    and gender tables: built here rather than as template nodes, a few dozen rows × four levels)."""
    return mark_safe(  # noqa: S308 — the label is escaped, the count is a number
        "".join(
            f'<td class="fu-n"><span class="ds-sr-only">{escape(c["label"])}: </span>'
            f"{formats.localize(c['count'])}</td>"
            for c in counts
        )
    )


def _group_rows(summary, chosen) -> list[dict]:
    """The table of students per level in each group, each row with its cells as one escaped string."""
    url_head, url_tail = reverse("followup:group", args=[chosen.pk, 0]).rsplit("/0/", 1)
    rows = []
    for g in summary.groups:
        levels = _level_counts(g.levels)
        name = escape(g.name)
        if g.group is not None:
            link = _("Group view of %(group)s") % {"group": g.name}
            link = f'<a class="ds-link" href="{url_head}/{g.group.pk}/{url_tail}">{escape(link)}</a>'
        else:
            link = "–"
        html = (
            f'<tr><th scope="row">{name}</th>{_count_cells(levels)}'
            f'<td class="fu-n">{formats.localize(g.total)}</td><td>{link}</td></tr>'
        )
        rows.append(
            {"group": g.group, "name": g.name, "total": g.total, "levels": levels, "html": mark_safe(html)}  # noqa: S308
        )
    return rows


# --- the unit overview -----------------------------------------------------------------------------------


class RoundForm(forms.Form):
    term = forms.ChoiceField(label=gettext_lazy("Term"), choices=Term.choices)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)


def _unit_page(request, unit, *, round_form=None, status=200):
    rounds = sorted(
        Round.objects.filter(school_unit=unit).select_related("scheme_version"),
        key=lambda r: r.sort_key,
        reverse=True,
    )
    progress = reading.round_progress(rounds)
    for r in rounds:
        r.progress = progress[r.pk]
    chosen = None
    wanted = request.GET.get("round", "")
    if wanted.isdigit():
        chosen = next((r for r in rounds if r.pk == int(wanted)), None)
        if chosen is None:
            raise Http404()
    elif rounds:
        # the latest round with scores: a round opened today and still empty does not hide the last results
        chosen = next((r for r in rounds if progress[r.pk].filled), rounds[0])
    summary = None
    if chosen is not None:
        summary = reading.unit_summary(request.user, unit, chosen, context="unit view")
    groups = list(
        StudentGroup.objects.filter(school_unit=unit, is_active=True)
        .select_related("mentor")
        .prefetch_related("teachers")
        .order_by("name")
    )
    counts = dict(
        StudentGroup.students.through.objects.filter(studentgroup__in=groups)
        .values_list("studentgroup_id")
        .annotate(n=Count("student_id"))
    )
    term, year = actions.current_term()
    context = {
        "unit": unit,
        "rounds": rounds,
        "chosen": chosen,
        "groups": [{"group": g, "students": counts.get(g.pk, 0)} for g in groups],
        "round_form": round_form or RoundForm(initial={"term": term, "year": year}),
    }
    if summary is not None:
        context |= {
            "summary": summary,
            "unit_levels": _level_counts(summary.levels),
            "group_rows": _group_rows(summary, chosen),
            "gender_rows": [
                {
                    "label": Gender(value).label,
                    "total": sum(levels.values()),
                    "levels": _level_counts(levels),
                    "cells": _count_cells(_level_counts(levels)),
                }
                for value, levels in summary.genders
            ],
            "scores": list(range(summary.layout.score_min, summary.layout.score_max + 1)),
            "subject_rows": [
                {"column": column, "counts": [per_score[s] for s in per_score], "unscored": unscored}
                for column, per_score, unscored in summary.subjects
            ],
            "levels": [{"level": level, "label": Level(level).label} for level in CATEGORIES],
        }
    return render(request, "followup/unit.html", context, status=status)


@require_safe
@student_rows_view
def unit(request, unit_id):
    return _unit_page(request, _unit_for(request.user, unit_id))


@require_POST
@student_rows_view
def round_open(request, unit_id):
    unit_ = _unit_for(request.user, unit_id)
    form = RoundForm(request.POST)
    if form.is_valid():
        try:
            round_ = actions.open_round(
                unit_, term=form.cleaned_data["term"], year=form.cleaned_data["year"], by=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The follow-up for %(round)s has been opened.") % {"round": round_})
            return redirect(f"{reverse('followup:unit', args=[unit_.pk])}?round={round_.pk}")
    return _unit_page(request, unit_, round_form=form, status=400)


# --- groups ----------------------------------------------------------------------------------------------


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


@require_http_methods(["GET", "HEAD", "POST"])
@student_rows_view
def group_edit(request, unit_id, group_id=None):
    unit_ = _unit_for(request.user, unit_id)
    group = None
    if group_id is not None:
        group = StudentGroup.objects.filter(pk=group_id, school_unit=unit_).first()
        if group is None:
            raise Http404()
    initial = {}
    if group is not None:
        initial = {
            "name": group.name,
            "school_year": group.school_year,
            "mentor": group.mentor_id,
            "teachers": list(group.teachers.values_list("pk", flat=True)),
        }
    form = GroupForm(request.POST or None, unit=unit_, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = actions.save_group(
                unit_,
                group,
                name=data["name"],
                school_year=data["school_year"],
                mentor=data["mentor"],
                teachers=list(data["teachers"]),
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The group %(group)s has been saved.") % {"group": group.name})
            return redirect("followup:unit", unit_.pk)
    students = []
    if group is not None:
        students = reading.unit_students(request.user, unit_, group=group, context="group page")
    return render(
        request,
        "followup/unit_group.html",
        {"unit": unit_, "group": group, "form": form, "students": students},
        status=400 if form.errors else 200,
    )


# --- students --------------------------------------------------------------------------------------------


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


@require_safe
@student_rows_view
def students(request, unit_id):
    unit_ = _unit_for(request.user, unit_id)
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
    unit_ = _unit_for(request.user, unit_id)
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
    unit_ = _unit_for(request.user, unit_id)
    ids = posted_ids(request.POST.getlist("student"))
    target = request.POST.get("group", "")
    group = None
    if target:
        group = StudentGroup.objects.filter(pk=posted_int(target, 0), school_unit=unit_).first()
        if group is None:
            raise Http404()
    chosen = list(Student.objects.filter(school_unit=unit_, pk__in=ids))
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
    unit_ = _unit_for(request.user, unit_id)
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
    unit_ = _unit_for(request.user, unit_id)
    body = exports.students_template_workbook(unit_)
    return download_response(body, filename="elever-mall.xlsx", content_type=XLSX_CONTENT_TYPE)


# --- the student's rights --------------------------------------------------------------------------------


@require_safe
@student_rows_view
def student_export(request, unit_id, student_id):
    """Right of access: everything about one student as Excel — scores per round with the columns' names,
    sums and levels, the groups, and the access-log entries naming the student. Logged as an export."""
    unit_ = _unit_for(request.user, unit_id)
    student = _student_of(unit_, student_id)
    record = reading.student_record(request.user, student, context="student export")
    body = exports.student_workbook(student, unit_, record)
    return download_response(body, filename=exports.student_filename(student), content_type=XLSX_CONTENT_TYPE)


@require_http_methods(["GET", "HEAD", "POST"])
@student_rows_view
def student_erase(request, unit_id, student_id):
    """Right to erasure: a confirmation page, then the student and all their rows are deleted."""
    unit_ = _unit_for(request.user, unit_id)
    _student_of(unit_, student_id)
    problem = ""
    if request.method == "POST":
        if request.POST.get("confirm") == "yes":
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
        problem = _("Tick the box to confirm that the student's data is to be erased.")
    student = reading.unit_students(request.user, unit_, student_ids=[student_id], context="erasure page")[0]
    return render(
        request,
        "followup/students_erase.html",
        {"unit": unit_, "student": student, "rows": student.followup_rows.count(), "problem": problem},
        status=400 if problem else 200,
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


def _log_entries(request, unit_):
    form = LogFilter(request.GET or None, unit=unit_)
    entries = StudentDataAccess.objects.filter(school_unit=unit_)
    if form.is_valid():
        data = form.cleaned_data
        if data["person"]:
            entries = entries.filter(user_id=data["person"])
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            entries = entries.filter(at__gte=datetime.combine(data["date_from"], time.min, zone))
        if data["date_to"]:
            entries = entries.filter(at__lte=datetime.combine(data["date_to"], time.max, zone))
    return form, entries.order_by("-at", "-pk")


@require_safe
@student_rows_view
def log(request, unit_id):
    unit_ = _unit_for(request.user, unit_id)
    form, entries = _log_entries(request, unit_)
    page = Paginator(entries, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "followup/log.html",
        {"unit": unit_, "form": form, "page": page, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )


@require_safe
@student_rows_view
def log_csv(request, unit_id):
    unit_ = _unit_for(request.user, unit_id)
    _form, entries = _log_entries(request, unit_)
    entries = list(entries)
    reading.log.record(
        request.user,
        school_unit=unit_,
        action=AccessAction.EXPORT,
        what=_("The unit's access log: %(count)s entries") % {"count": len(entries)},
        context="access log export",
    )
    body = exports.log_csv(entries)
    return download_response(body, filename=exports.log_filename(unit_), content_type=CSV_CONTENT_TYPE)


# --- analyses --------------------------------------------------------------------------------------------


def _questions(question_set: QuestionSet) -> list[dict]:
    return [{"code": q["code"], "text": pick(q.get("text", {}))} for q in question_set.questions]


def _analysis_page(request, *, round_, group, answered_by, template_context, editable: bool = True):
    """The analysis form — or, for someone who reads but does not write it, the answers as text (a POST
    from them is 403)."""
    municipality = actions.municipality_of(round_.school_unit)
    question_set = actions.question_set(municipality, answered_by)
    analysis = actions.analysis_for(round_, group, answered_by)
    questions = _questions(question_set)
    answers = dict(analysis.answers)
    problem, errors, status = "", {}, 200
    if request.method == "POST" and not editable:
        raise PermissionDenied()
    if request.method == "POST":
        answers = {q["code"]: request.POST.get(f"q-{q['code']}", "") for q in questions}
        version = request.POST.get("version", "")
        try:
            actions.save_analysis(
                analysis, answers, expected_version=posted_int(version, -1), by=request.user
            )
        except EditConflict as conflict:
            problem, status = str(conflict.message), 409
            analysis.refresh_from_db()
        except ValidationError as error:
            errors, status = {k: " ".join(v) for k, v in error.message_dict.items()}, 400
        else:
            messages.success(request, _("The analysis has been saved."))
            return redirect(request.path)
    items = [
        q | {"answer": answers.get(q["code"], ""), "error": errors.get(q["code"], "")} for q in questions
    ]
    return render(
        request,
        "followup/analysis.html",
        template_context
        | {
            "round": round_,
            "group": group,
            "items": items,
            "analysis": analysis,
            "problem": problem,
            "editable": editable,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@student_rows_view
def analysis_group(request, round_id, group_id):
    """The teachers' analysis of a group in a round (the group's teachers, mentor and the principal)."""
    round_ = Round.objects.select_related("school_unit").filter(pk=round_id).first()
    group = StudentGroup.objects.filter(pk=group_id).first() if round_ else None
    if group is None or group.school_unit_id != round_.school_unit_id:
        raise Http404()
    if not access.can_view_group_rows(request.user, group):
        raise Http404()
    return _analysis_page(
        request,
        round_=round_,
        group=group,
        answered_by=QuestionSet.For.TEACHER,
        editable=access.can_write_group_analysis(request.user, group),
        template_context={
            "unit": round_.school_unit,
            "is_principal": access.can_manage_unit(request.user, round_.school_unit),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@student_rows_view
def analysis_unit(request, round_id):
    """The principal's analysis of the unit in a round."""
    round_ = Round.objects.select_related("school_unit").filter(pk=round_id).first()
    if round_ is None:
        raise Http404()
    unit_ = _unit_for(request.user, round_.school_unit_id)
    return _analysis_page(
        request,
        round_=round_,
        group=None,
        answered_by=QuestionSet.For.PRINCIPAL,
        template_context={"unit": unit_, "is_principal": True},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def questions(request, municipality_id):
    """The municipality's analysis questions (teachers' and principals'), edited by its quality developer
    or head of schools; others who see the municipality: 403; everyone else 404."""
    municipality = Organisation.objects.filter(
        pk=municipality_id, kind=Kind.MUNICIPALITY, is_active=True
    ).first()
    if municipality is None or not access.can_see_questions(request.user, municipality):
        raise Http404()
    if not access.can_edit_questions(request.user, municipality):
        raise PermissionDenied()
    sets = {s: actions.question_set(municipality, s) for s in QuestionSet.For.values}
    typed, problems, status = {}, {}, 200
    if request.method == "POST":
        which = request.POST.get("answered_by", "")
        if which not in sets:
            raise Http404()
        texts = request.POST.getlist("question")
        version = request.POST.get("version", "")
        try:
            actions.save_questions(
                sets[which],
                texts,
                expected_version=posted_int(version, -1),
                by=request.user,
            )
        except EditConflict as conflict:
            typed[which], problems[which], status = texts, str(conflict.message), 409
            sets[which].refresh_from_db()
        except ValidationError as error:
            typed[which], problems[which], status = texts, " ".join(error.messages), 400
        else:
            messages.success(request, _("The questions have been saved."))
            return redirect("followup:questions", municipality.pk)
    blocks = []
    for value, label in QuestionSet.For.choices:
        question_set = sets[value]
        texts = typed.get(value) or [q["text"] for q in _questions(question_set)]
        blocks.append(
            {
                "value": value,
                "label": label,
                "set": question_set,
                "texts": [t for t in texts if t] + ["", ""],
                "problem": problems.get(value, ""),
            }
        )
    return render(
        request,
        "followup/analysis_questions.html",
        {"municipality": municipality, "blocks": blocks},
        status=status,
    )
