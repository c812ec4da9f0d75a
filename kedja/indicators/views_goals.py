"""Building and keeping an organisation's goal tree (docs/indicators.md, "Building the goal tree in the UI"):
create, edit, move and delete a goal, create and edit an indicator. The same forms serve a municipality's
goals, a region's vision and a national initiative's goal tree; only a municipality's goals name the gaps they
answer. Thin: the access layer decides who sees (404) and who may change (403), the forms ask the rules of
actions.py, the actions write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kedja.core.files import download_response
from kedja.core.forms import CONFLICT, apply_errors
from kedja.core.spreadsheets import XLSX_CONTENT_TYPE
from kedja.core.texts import pick
from kedja.frameworks.access import offered_items_for

from . import actions, exports
from .access import CHANGE, get_goal_for, get_goal_organisation_for, get_indicator_for
from .forms import GoalForm, IndicatorForm, MoveGoalForm, gap_areas, gap_labels
from .models import Goal, GoalKind, GoalStatus, Indicator


def _goals_url(org) -> str:
    return reverse("indicators:goals", args=[org.pk])


# --- what the goal forms offer ---------------------------------------------------------------------------


def _goal_form(request, org, *, goal=None, initial=None):
    keep = list(goal.items.values_list("pk", flat=True)) if goal is not None else []
    return GoalForm(
        request.POST or None,
        organisation=org,
        items=offered_items_for(request.user, [org], keep=keep),
        areas=gap_areas(org),
        goal=goal,
        initial=initial,
    )


def _render_goal_form(request, form, *, org, goal=None, saved=None, status=200):
    saved_view = None
    if saved is not None:
        saved_view = {
            "items": [
                f"{n.code} {pick(n.title)}" for n in saved.items.order_by("framework_version", "position")
            ],
            "gaps": gap_labels(saved.gaps, dict(form.areas or [])),
        }
    return render(
        request,
        "indicators/goal_form.html",
        {
            "organisation": org,
            "form": form,
            "goal": goal,
            "saved": saved,
            "saved_view": saved_view,
            "goals_url": _goals_url(org),
        },
        status=status,
    )


# --- goals -----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request, org_id):
    """?parent=<goal id>&kind=sub_goal|action: the "add a sub-goal / an action" buttons of the goal page."""
    org = get_goal_organisation_for(request.user, org_id, CHANGE)
    parent = None
    wanted = request.GET.get("parent")
    if wanted:
        parent = Goal.objects.filter(organisation=org, pk=wanted if wanted.isdigit() else None).first()
        if parent is None:
            raise Http404()
    kind = request.GET.get("kind")
    if kind not in (GoalKind.SUB_GOAL, GoalKind.ACTION) or parent is None:
        kind = GoalKind.MAIN_GOAL if parent is None else GoalKind.SUB_GOAL
    initial = {"parent": parent.pk if parent else None, "kind": kind, "status": GoalStatus.NOT_STARTED}
    form = _goal_form(request, org, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            goal = actions.save_goal(
                None, data=form.goal_data(), items=form.chosen_items(), by=request.user, organisation=org
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The goal %(title)s has been created.") % {"title": goal.title})
            return redirect(f"{_goals_url(org)}#goal-{goal.pk}")
    return _render_goal_form(request, form, org=org, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request, goal_id):
    goal = get_goal_for(request.user, goal_id, CHANGE)
    org = goal.organisation
    form = _goal_form(request, org, goal=goal)
    if request.method == "POST" and form.is_valid():
        with form.saving(
            current=lambda: Goal.objects.select_related("organisation", "parent").get(pk=goal.pk)
        ):
            actions.save_goal(
                goal,
                data=form.save_data(),
                items=form.chosen_items(),
                by=request.user,
                expected_version=form.expected_version,
            )
            messages.success(request, _("The goal %(title)s has been saved.") % {"title": goal.title})
            return redirect(f"{_goals_url(org)}#goal-{goal.pk}")
        if form.conflict:
            current = form.conflict
            return _render_goal_form(request, form, org=org, goal=current, saved=current, status=CONFLICT)
    return _render_goal_form(request, form, org=org, goal=goal, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def goal_move(request, goal_id):
    goal = get_goal_for(request.user, goal_id, CHANGE)
    org = goal.organisation
    form = MoveGoalForm(request.POST or None, goal=goal, below=actions.descendant_ids(goal))
    if request.method == "POST" and form.is_valid():
        parent, place = form.cleaned_data["parent"], form.cleaned_data["place"]
        there = Goal.objects.filter(organisation=org, parent=parent).exclude(pk=goal.pk).count()
        with form.saving(
            current=lambda: Goal.objects.select_related("organisation", "parent").get(pk=goal.pk)
        ):
            actions.move_goal(
                goal,
                parent=parent,
                position=min(place - 1, there) if place else there,  # empty: last
                by=request.user,
                expected_version=form.expected_version,
            )
            messages.success(request, _("The goal %(title)s has been moved.") % {"title": goal.title})
            return redirect(f"{_goals_url(org)}#goal-{goal.pk}")
        goal = form.conflict or goal
    conflict = form.conflict is not None
    return render(
        request,
        "indicators/goal_move.html",
        {"organisation": org, "goal": goal, "form": form, "conflict": conflict, "goals_url": _goals_url(org)},
        status=form.response_status,
    )


@login_required
@require_POST
def goal_delete(request, goal_id):
    goal = get_goal_for(request.user, goal_id, CHANGE)
    org, title = goal.organisation, goal.title
    try:
        actions.delete_goal(goal, by=request.user)
    except ValidationError as error:
        messages.error(
            request,
            _("The goal %(title)s was not deleted: %(reason)s")
            % {"title": title, "reason": error.messages[0]},
        )
        return redirect(f"{_goals_url(org)}#goal-{goal.pk}")
    messages.success(request, _("The goal %(title)s has been deleted.") % {"title": title})
    return redirect(_goals_url(org))


# --- indicators ------------------------------------------------------------------------------------------


def _render_indicator_form(request, form, *, org, indicator=None, saved=None, status=200):
    return render(
        request,
        "indicators/indicator_form.html",
        {
            "organisation": org,
            "form": form,
            "indicator": indicator,
            "saved": saved,
            "goals_url": _goals_url(org),
            "catalogue_url": _catalogue_url(org),
        },
        status=status,
    )


def _catalogue_url(org) -> str | None:
    """The Kolada KPI catalogue, when that page exists (it is built beside this one)."""
    try:
        return reverse("indicators:kolada_catalogue", args=[org.pk])
    except NoReverseMatch:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request, org_id):
    """?goal=<goal id>: the "add an indicator" button of a goal."""
    org = get_goal_organisation_for(request.user, org_id, CHANGE)
    initial = {"unit": "percent", "direction": "higher_better", "source": "manual"}
    wanted = request.GET.get("goal")
    if wanted:
        goal = Goal.objects.filter(organisation=org, pk=wanted if wanted.isdigit() else None).first()
        if goal is None:
            raise Http404()
        initial["goal"] = goal.pk
    form = IndicatorForm(request.POST or None, organisation=org, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = actions.save_indicator(
                None, data=form.indicator_data(), by=request.user, organisation=org
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The indicator %(name)s has been created.") % {"name": indicator.name}
            )
            return redirect("indicators:indicator", indicator.pk)
    return _render_indicator_form(request, form, org=org, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, indicator_id):
    indicator = get_indicator_for(request.user, indicator_id, CHANGE)
    org = indicator.organisation
    form = IndicatorForm(request.POST or None, organisation=org, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        with form.saving(
            current=lambda: Indicator.objects.select_related("organisation", "goal").get(pk=indicator.pk)
        ):
            actions.save_indicator(
                indicator,
                data=form.indicator_data(),
                by=request.user,
                expected_version=form.expected_version,
            )
            messages.success(request, _("The indicator %(name)s has been saved.") % {"name": indicator.name})
            return redirect("indicators:indicator", indicator.pk)
        if form.conflict:
            current = form.conflict
            return _render_indicator_form(
                request, form, org=org, indicator=current, saved=current, status=CONFLICT
            )
    return _render_indicator_form(
        request, form, org=org, indicator=indicator, status=400 if form.errors else 200
    )


@login_required
@require_safe
def goals_xlsx(request, org_id):
    """The goal tree as Excel, for whoever sees the goals (404 otherwise)."""
    org = get_goal_organisation_for(request.user, org_id)
    body = exports.goals_workbook(org)
    return download_response(body, filename=exports.goals_filename(org), content_type=XLSX_CONTENT_TYPE)
