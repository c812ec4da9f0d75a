"""Kolada in the UI (docs/indicators.md, "Kolada in the UI"): an organisation's KPI catalogue search,
following a KPI (an indicator with source Kolada), starting a background fetch and watching it run.

Thin: the access layer decides who sees (404 otherwise) and who may act (403: `indicators.change_goals`
on the organisation); indicators.actions (follow_kpi, request_kolada_fetch) and
indicators.tasks do the work.
"""

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kedja.kolada.client import KoladaUnavailable, failure_in
from kedja.kolada.models import FetchRun, Kpi

from . import actions
from .access import CHANGE, get_fetch_run_for, get_goal_organisation_for
from .forms_kolada import FetchForm, FollowKpiForm
from .kolada_sync import comparison_areas, fetch_years, followed_kpis, kolada_area, sync_indicator
from .models import Goal, Indicator, Source
from .tree import goal_tree

PER_PAGE = 25
MAX_QUERY = 200
MAX_FETCH_KPIS = 100
KPI_ID = re.compile(r"^[A-Z]\d{4,6}$")
SCOPES = ("curated", "all")
KEPT = ("q", "scope", "area", "page")


def _back_to_catalogue(org, data, goal: Goal | None = None) -> str:
    query = {name: data.get(name) for name in KEPT if data.get(name)}
    if goal is not None:
        query["goal"] = goal.pk
    url = reverse("indicators:kolada_catalogue", args=[org.pk])
    return f"{url}?{urlencode(query)}" if query else url


def _goal_of(org, raw) -> Goal | None:
    """The organisation's goal with id `raw`; None for anything else (another organisation's goal too)."""
    raw = (raw or "").strip()
    return Goal.objects.filter(organisation=org, pk=raw).first() if raw.isdigit() else None


def goal_choices(org) -> list[tuple[int, str]]:
    """The organisation's goals in tree order (as on the goals page), indented with "– " per level."""
    return [
        (goal.pk, f"{'– ' * depth}{goal.title}")
        for goal, depth in goal_tree(org, fields=("pk", "parent", "title"))
    ]


@login_required
@require_GET
def kolada_catalogue(request, org_id):
    org = get_goal_organisation_for(request.user, org_id)
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    scope = request.GET.get("scope") if request.GET.get("scope") in SCOPES else "curated"
    area = request.GET.get("area", "").strip()
    kpis = Kpi.objects.all()
    if scope == "curated":
        kpis = kpis.filter(curated=True)
    for word in q.lower().split():
        # search_text is id + title + description lower-cased in Python, so Å/Ä/Ö match on SQLite too.
        kpis = kpis.filter(Q(search_text__contains=word) | Q(id__icontains=word))
    operating_areas = list(
        Kpi.objects.exclude(operating_area="")
        .order_by("operating_area")
        .values_list("operating_area", flat=True)
    )
    operating_areas = list(dict.fromkeys(operating_areas))
    if area:
        kpis = kpis.filter(operating_area=area)
    page = Paginator(
        kpis.order_by("id").only(
            "id", "title", "operating_area", "is_divided_by_gender", "has_ou_data", "curated"
        ),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    followed = dict(
        Indicator.objects.filter(organisation=org, source=Source.KOLADA).values_list("kolada_kpi", "pk")
    )
    can_edit = request.user.has_perm(CHANGE, org)
    query = {name: value for name, value in (("q", q), ("scope", scope), ("area", area)) if value}
    # ?goal=<id>: opened from a goal, which is then chosen for following; another organisation's is ignored.
    goal = _goal_of(org, request.GET.get("goal")) if can_edit else None
    paging = {**query, "goal": goal.pk} if goal is not None else query
    return render(
        request,
        "indicators/kolada_catalogue.html",
        {
            "organisation": org,
            "area_code": kolada_area(org),
            "page": page,
            "rows": [(kpi, followed.get(kpi.id)) for kpi in page.object_list],
            "q": q,
            "scope": scope,
            "area": area,
            "operating_areas": operating_areas,
            "query": query,
            "page_query": urlencode(paging),
            "can_edit": can_edit,
            "goal": goal,
            "goal_choices": goal_choices(org) if can_edit else [],
            "followed": Indicator.objects.filter(organisation=org, source=Source.KOLADA).order_by(
                "kolada_kpi"
            ),
            "runs": FetchRun.objects.filter(organisation=org).order_by("-started_at")[:5],
        },
    )


@login_required
@require_POST
def kolada_follow(request, org_id):
    org = get_goal_organisation_for(request.user, org_id, CHANGE)
    posted = FollowKpiForm(request.POST).values
    back = _back_to_catalogue(org, posted)
    kpi = Kpi.objects.filter(pk=posted.get("kpi", "")).first()
    if kpi is None:
        messages.error(request, _("Choose a KPI from the catalogue."))
        return redirect(back)
    goal = None
    if posted.get("goal"):
        goal = _goal_of(org, posted["goal"])
        if goal is None:
            messages.error(request, _("That goal does not belong to this organisation."))
            return redirect(back)
        back = _back_to_catalogue(org, posted, goal)
    try:
        indicator = actions.follow_kpi(org, kpi, by=request.user, goal=goal)
    except ValidationError as e:
        messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))
        return redirect(back)
    sync_indicator(indicator)  # figures another fetch already stored show at once
    if goal is not None:
        messages.success(
            request,
            _(
                "%(kpi)s is now followed as an indicator of %(goal)s. Fetch its values from Kolada to see "
                "them on the indicator's page."
            )
            % {"kpi": kpi.id, "goal": goal.title},
        )
        return redirect(back)  # the same search with the goal still chosen: the next KPI is one click away
    messages.success(
        request,
        _("%(kpi)s is now followed. Fetch its values from Kolada to see them on the indicator's page.")
        % {"kpi": kpi.id},
    )
    return redirect(back)


@login_required
@require_POST
def kolada_fetch(request, org_id):
    org = get_goal_organisation_for(request.user, org_id, CHANGE)
    back = reverse("indicators:kolada_catalogue", args=[org.pk])
    area = kolada_area(org)
    if area is None:
        messages.error(request, _("This organisation has no Kolada code, so there is nothing to fetch."))
        return redirect(back)
    asked = FetchForm(request.POST).asked()
    wrong = [k for k in asked if not KPI_ID.match(k)]
    if wrong or len(asked) > MAX_FETCH_KPIS:
        messages.error(
            request,
            _("Give at most %(max)s Kolada KPI ids such as N15419.") % {"max": MAX_FETCH_KPIS},
        )
        return redirect(back)
    kpi_ids = sorted(set(asked)) or followed_kpis(org)
    if not kpi_ids:
        messages.error(request, _("Follow a KPI in the catalogue first; then its values can be fetched."))
        return redirect(back)
    run = actions.request_kolada_fetch(
        kpi_ids, comparison_areas(area), fetch_years(), organisation=org, by=request.user
    )
    return redirect("indicators:kolada_run", run.pk)


@login_required
@require_GET
def kolada_run(request, run_id):
    run = get_fetch_run_for(request.user, run_id)
    org = run.organisation
    context = {
        "run": run,
        "organisation": org,
        "indicators": (
            Indicator.objects.filter(
                organisation=org, source=Source.KOLADA, kolada_kpi__in=run.kpi_ids
            ).order_by("name")
            if org is not None
            else []
        ),
        "can_edit": org is not None and request.user.has_perm(CHANGE, org),
        "failure": failure_message(run.error) if run.status == FetchRun.Status.FAILED else None,
    }
    template = "indicators/kolada_run_status.html" if request.htmx else "indicators/kolada_run.html"
    return render(request, template, context)


def failure_message(error: str) -> tuple[str, str]:
    """What a failed fetch tells people — a headline and what to do — from the kind of failure the client
    recorded in the run's error (kedja.kolada.client.failure_in)."""
    failure = failure_in(error)
    if failure.kind == KoladaUnavailable.UNREACHABLE:
        return (
            _("Kolada could not be reached."),
            _("The connection failed or timed out. Try again later."),
        )
    if failure.kind == KoladaUnavailable.HTTP:
        return (
            _("Kolada answered with an error (HTTP %(status)s).") % {"status": failure.status or "?"},
            _("This is usually a passing problem on Kolada's side. Try again later."),
        )
    if failure.kind == KoladaUnavailable.UNREADABLE:
        return (
            _("Kolada's answer could not be read."),
            _(
                "It was not in the format Kedja expects. Try again later; if it keeps happening, tell the "
                "people who run Kedja."
            ),
        )
    if failure.kind == KoladaUnavailable.UNKNOWN_KPI:
        return (
            _("Kolada does not know %(kpis)s.") % {"kpis": ", ".join(failure.kpis) or _("a KPI asked for")},
            _(
                "The KPI may have been withdrawn from Kolada. Check its id in the catalogue; an indicator "
                "that follows it can be given another KPI on its edit page."
            ),
        )
    return (_("The fetch from Kolada failed."), _("Try again later."))
