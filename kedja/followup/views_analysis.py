"""The follow-up's analyses: the teachers' analysis of a group and the principal's analysis of
the unit in a round, and the municipality's analysis questions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kedja.core.forms import refreshed
from kedja.core.texts import pick

from . import access, actions
from .access import (
    get_question_municipality_for,
    get_round_and_group,
    get_unit_for,
    require_group_analysis_writer,
)
from .forms import AnalysisForm, QuestionsForm
from .guard import student_rows_view
from .models import QuestionSet, Round

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
    if request.method == "POST" and group is not None:
        require_group_analysis_writer(request.user, group)  # the same rule as `editable`
    if request.method == "POST":
        form = AnalysisForm(request.POST, questions=questions)
        if form.is_valid():
            with form.saving(current=lambda: refreshed(analysis)):
                actions.save_analysis(
                    analysis, form.answers(), expected_version=form.expected_version, by=request.user
                )
                messages.success(request, _("The analysis has been saved."))
                return redirect(request.path)
        answers, errors, status = form.answers(), form.question_errors(), form.response_status
        problem = " ".join(form.non_field_errors() + form.errors.get("version", []))
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
    round_, group = get_round_and_group(request.user, round_id, group_id)
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
    unit_ = get_unit_for(request.user, round_.school_unit_id)
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
    municipality = get_question_municipality_for(request.user, municipality_id)
    sets = {s: actions.question_set(municipality, s) for s in QuestionSet.For.values}
    typed, problems, status = {}, {}, 200
    if request.method == "POST":
        form = QuestionsForm(request.POST)
        which = form.which
        if which not in sets:
            raise Http404()
        if form.is_valid():
            with form.saving(current=lambda: refreshed(sets[which])):
                actions.save_questions(
                    sets[which], form.texts(), expected_version=form.expected_version, by=request.user
                )
                messages.success(request, _("The questions have been saved."))
                return redirect("followup:questions", municipality.pk)
        typed[which], problems[which], status = form.texts(), form.problem(), form.response_status
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
