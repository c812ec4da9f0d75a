"""The action plan (docs/plans.md): the plan by goal, framework area, responsible function
and as a timeline; creating and editing actions, drafting them in one step from ranked gaps and priority
items; the coverage check; adopting the plan and following up against an adopted version; the Excel file.
Thin: the access layer decides who sees (404) and who may change (403), rules.py reckons, actions.py writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kedja.core.files import download_response
from kedja.core.forms import CONFLICT, apply_errors
from kedja.core.spreadsheets import XLSX_CONTENT_TYPE

from . import actions, exports, rules
from .access import CHANGE, get_action_for, get_plan_organisation_for, get_plan_version_for
from .forms_plan import ActionForm, AdoptForm, SelectionForm
from .models import Action, ActionStatus, PlanVersion

VIEWS = {
    "goal": gettext_lazy("By goal"),
    "area": gettext_lazy("By framework area"),
    "function": gettext_lazy("By responsible function"),
    "timeline": gettext_lazy("Timeline"),
}


class Row:
    """An action as the plan lists it, with its date marks as text (never colour alone)."""

    def __init__(self, action: Action, today, titles: dict):
        self.action = action
        self.overdue = rules.is_overdue(action, today)
        self.due_soon = not self.overdue and rules.is_due_soon(action, today)
        self.gaps = [rules.gap_label(rules.gap_key(g), titles) for g in action.gaps or []]
        self.people = [p.full_name or p.email for p in action.responsible_people.all()]


def _plan_url(org) -> str:
    return reverse("plans:plan", args=[org.pk])


@login_required
@require_safe
def plan(request, org_id):
    """?view=goal|area|function|timeline, ?status=<status> (several allowed)."""
    org = get_plan_organisation_for(request.user, org_id)
    view = request.GET.get("view") or "goal"
    if view not in VIEWS:
        raise Http404()
    statuses = [s for s in request.GET.getlist("status") if s in ActionStatus.values]
    today = timezone.localdate()
    all_actions = list(rules.plan_actions(org))
    shown = [a for a in all_actions if not statuses or a.status in statuses]
    titles = rules.area_titles()
    rows = {a.pk: Row(a, today, titles) for a in shown}
    context = {
        "organisation": org,
        "view": view,
        "views": [(key, label, f"?view={key}") for key, label in VIEWS.items()],
        "view_label": VIEWS[view],
        "statuses": ActionStatus.choices,
        "chosen_statuses": statuses,
        "total": len(all_actions),
        "shown": len(shown),
        "overdue": sum(1 for r in rows.values() if r.overdue),
        "due_soon": sum(1 for r in rows.values() if r.due_soon),
        "can_edit": request.user.has_perm(CHANGE, org),
        "latest": rules.latest_version(org),
        "anchors": view != "area",  # in the area view an action may be listed under several areas
    }
    if view == "timeline":
        line = rules.timeline(shown)
        context["months"] = [
            {
                "month": m,
                "starting": [rows[a.pk] for a in m.starting],
                "due": [rows[a.pk] for a in m.due],
            }
            for m in line.months
        ]
        context["undated"] = [rows[a.pk] for a in line.undated]
    else:
        context["groups"] = [
            {"group": g, "rows": [rows[a.pk] for a in g.actions]}
            for g in rules.actions_by(shown, view, titles=titles)
        ]
    return render(request, "plans/plan.html", context)


def _action_form(request, org, *, action=None):
    return ActionForm(
        request.POST if request.method == "POST" else None,
        organisation=org,
        action=action,
        ranked=rules.ranked_gaps(org),
    )


def _render_action_form(request, form, *, org, action=None, saved=None, status=200):
    return render(
        request,
        "plans/action_form.html",
        {"organisation": org, "form": form, "action": action, "saved": saved, "plan_url": _plan_url(org)},
        status=status,
    )


def _related(form) -> dict:
    d = form.cleaned_data
    return {
        "people": d.get("responsible_people") or [],
        "partners": d.get("partners") or [],
        "priorities": d.get("priorities") or [],
    }


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request, org_id):
    org = get_plan_organisation_for(request.user, org_id, CHANGE)
    form = _action_form(request, org)
    if request.method == "POST" and form.is_valid():
        try:
            action = actions.save_action(
                None, data=form.action_data(), by=request.user, organisation=org, **_related(form)
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The action %(title)s has been created.") % {"title": action.title})
            return redirect(f"{_plan_url(org)}#action-{action.pk}")
    return _render_action_form(request, form, org=org, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, action_id):
    action = get_action_for(request.user, action_id, CHANGE)
    org = action.organisation
    form = _action_form(request, org, action=action)
    if request.method == "POST" and form.is_valid():
        with form.saving(
            current=lambda: Action.objects.select_related("organisation", "goal").get(pk=action.pk)
        ):
            actions.save_action(
                action,
                data=form.action_data(),
                by=request.user,
                expected_version=form.expected_version,
                **_related(form),
            )
            messages.success(request, _("The action %(title)s has been saved.") % {"title": action.title})
            return redirect(f"{_plan_url(org)}#action-{action.pk}")
        if form.conflict:
            current = form.conflict
            return _render_action_form(request, form, org=org, action=current, saved=current, status=CONFLICT)
    return _render_action_form(request, form, org=org, action=action, status=400 if form.errors else 200)


@login_required
@require_POST
def action_delete(request, action_id):
    action = get_action_for(request.user, action_id, CHANGE)
    org, title = action.organisation, action.title
    actions.delete_action(action, by=request.user)
    messages.success(request, _("The action %(title)s has been deleted.") % {"title": title})
    return redirect(_plan_url(org))


@login_required
@require_http_methods(["GET", "POST"])
def from_gaps(request, org_id):
    """A checklist of the ranked gaps and priority items no action answers yet; ticking some and sending
    creates one draft action for each, in one step."""
    org = get_plan_organisation_for(request.user, org_id, CHANGE)
    cover = rules.coverage(org)
    form = SelectionForm(request.POST if request.method == "POST" else None, organisation=org, coverage=cover)
    if request.method == "POST" and form.is_valid():
        gaps, priorities = form.chosen()
        try:
            created = actions.drafts_from_selection(
                org, gaps=gaps, priorities=priorities, by=request.user, goal=form.cleaned_data.get("goal")
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("%(n)d draft actions have been created. Complete them with responsibility and dates.")
                % {"n": len(created)},
            )
            return redirect(_plan_url(org))
    chosen_gaps = set(form.data.getlist("gaps")) if form.is_bound else set()
    chosen_priorities = set(form.data.getlist("priorities")) if form.is_bound else set()
    return render(
        request,
        "plans/plan_from_gaps.html",
        {
            "organisation": org,
            "form": form,
            "coverage": cover,
            "chosen_gaps": chosen_gaps,
            "chosen_priorities": chosen_priorities,
            "plan_url": _plan_url(org),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def coverage(request, org_id):
    org = get_plan_organisation_for(request.user, org_id)
    return render(
        request,
        "plans/plan_coverage.html",
        {
            "organisation": org,
            "coverage": rules.coverage(org),
            "can_edit": request.user.has_perm(CHANGE, org),
            "plan_url": _plan_url(org),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def adopt(request, org_id):
    org = get_plan_organisation_for(request.user, org_id, CHANGE)
    latest = rules.latest_version(org)
    initial = {"title": latest.title if latest else _("STEAM action plan for %(org)s") % {"org": org.name}}
    form = AdoptForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = actions.adopt_plan(org, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Version %(number)d of the plan, adopted on %(date)s, has been recorded.")
                % {"number": version.number, "date": version.adopted_on.isoformat()},
            )
            return redirect("plans:version", version.pk)
    return render(
        request,
        "plans/plan_adopt.html",
        {
            "organisation": org,
            "form": form,
            "latest": latest,
            "actions_count": Action.objects.filter(organisation=org).count(),
            "drafts": Action.objects.filter(organisation=org, status=ActionStatus.DRAFT).count(),
            "plan_url": _plan_url(org),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def versions(request, org_id):
    org = get_plan_organisation_for(request.user, org_id)
    return render(
        request,
        "plans/plan_versions.html",
        {
            "organisation": org,
            "versions": PlanVersion.objects.filter(organisation=org).select_related("recorded_by"),
            "can_edit": request.user.has_perm(CHANGE, org),
            "plan_url": _plan_url(org),
        },
    )


@login_required
@require_safe
def version(request, version_id):
    """An adopted version as it was adopted, and the follow-up against it: what changed since."""
    plan_version = get_plan_version_for(request.user, version_id)
    org = plan_version.organisation
    titles = rules.area_titles()
    frozen = [
        {**record, "gap_labels": [rules.gap_label(rules.gap_key(g), titles) for g in record.get("gaps", [])]}
        for record in plan_version.snapshot.get("actions", [])
    ]
    return render(
        request,
        "plans/plan_version.html",
        {
            "organisation": org,
            "version": plan_version,
            "frozen": frozen,
            "status_labels": dict(ActionStatus.choices),
            "changes": rules.plan_changes(org, plan_version),
            "plan_url": _plan_url(org),
        },
    )


@login_required
@require_safe
def plan_xlsx(request, org_id):
    org = get_plan_organisation_for(request.user, org_id)
    today = timezone.localdate()
    body = exports.plan_workbook(org, today=today)
    return download_response(
        body, filename=exports.filename(org, today=today), content_type=XLSX_CONTENT_TYPE
    )


@login_required
@require_safe
def coverage_xlsx(request, org_id):
    org = get_plan_organisation_for(request.user, org_id)
    name = exports.coverage_filename(org, today=timezone.localdate())
    return download_response(exports.coverage_workbook(org), filename=name, content_type=XLSX_CONTENT_TYPE)


@login_required
@require_safe
def version_changes_xlsx(request, version_id):
    plan_version = get_plan_version_for(request.user, version_id)
    org = plan_version.organisation
    name = exports.changes_filename(org, plan_version)
    body = exports.changes_workbook(org, plan_version)
    return download_response(body, filename=name, content_type=XLSX_CONTENT_TYPE)
