"""The principal's part of the mid-term follow-up: the unit overview (its rounds, a round's counts
per group, subject and gender, opening a round) and the unit's groups. The other parts of the principal's
pages: views_students.py (students, imports, the student's rights), views_log.py (the unit's access log),
views_analysis.py (analysis questions and answers); all four are routed by urls_unit.py.

Thin: followup.access says who may (the unit's principal; a teacher of the unit sees these pages exist
but may not use them: 403; everyone else 404 — student data never leaves the unit), reading.py checks again,
logs and returns what is shown, actions.py/imports.py write. Pages about the unit's students ask for the
second factor (accounts.second_factor.second_factor_required).
"""

from html import escape

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kedja.core.forms import apply_errors

from . import actions, reading
from .access import get_unit_for
from .counts import CATEGORIES
from .forms import GroupForm, RoundForm
from .guard import student_rows_view
from .models import Gender, Level, Round, StudentGroup


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
    return _unit_page(request, get_unit_for(request.user, unit_id))


@require_POST
@student_rows_view
def round_open(request, unit_id):
    unit_ = get_unit_for(request.user, unit_id)
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


@require_http_methods(["GET", "HEAD", "POST"])
@student_rows_view
def group_edit(request, unit_id, group_id=None):
    unit_ = get_unit_for(request.user, unit_id)
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
