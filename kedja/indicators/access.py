"""Who may see and change goals and indicators.

- Everyone who belongs to an organisation's subtree (a membership at the organisation or anywhere below
  it) sees its goals and indicators — so a school's teachers see their municipality's goals, and
  everyone in a region's municipalities sees the region's vision.
- Whoever sees an organisation from above (organisations.access.visible_organisations: leading roles and readers see
  their organisation and everything below) sees its goals too — a region sees its municipalities' goals.
- Goals and indicators are edited by the coordinator, head of schools, quality developer or organisation
  admin of the municipality (for the municipality and its units), by an organisation admin at the
  organisation itself, and at a region by its regional officers and admins.
"""

from django.db.models import Q

from kedja.kolada.models import FetchRun
from kedja.organisations.access import (
    MUNICIPAL_EDITORS,
    add_object_perm,
    ancestor_ids_of_memberships,
    get_or_deny,
    is_root,
    memberships,
    require,
    roles_here,
    staff_municipality_ids,
    visible_organisations,
)
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind, Role

from .models import Goal, Indicator

CHANGE = "indicators.change_goals"

REGION_EDITORS = frozenset({Role.REGIONAL_OFFICER, Role.ORG_ADMIN})


def organisation_filter(user) -> Q:
    """Organisations whose goals (and plan) the person sees: those above or at their memberships, and
    those they see from above — as a filter on a model with an `organisation`."""
    above_or_at = ancestor_ids_of_memberships(user)
    return Q(organisation_id__in=above_or_at) | Q(organisation__in=visible_organisations(user))


def can_view_goals_of(user, org: Organisation) -> bool:
    """The same rule as organisation_filter, for one organisation."""
    if not org.is_active:
        return False
    if is_root(user):
        return True
    return (
        org.pk in ancestor_ids_of_memberships(user) or visible_organisations(user).filter(pk=org.pk).exists()
    )


def visible_goals(user):
    if is_root(user):
        return Goal.objects.all()
    if not memberships(user):
        return Goal.objects.none()
    return Goal.objects.filter(organisation_filter(user), organisation__is_active=True).distinct()


def visible_indicators(user):
    if is_root(user):
        return Indicator.objects.all()
    if not memberships(user):
        return Indicator.objects.none()
    return Indicator.objects.filter(organisation_filter(user), organisation__is_active=True).distinct()


def can_edit_goals(user, org: Organisation) -> bool:
    """May the person create and change goals and indicators (and enter values) of `org`?"""
    if not org.is_active:
        return False
    if is_root(user):
        return True
    here = roles_here(user, org)
    if org.kind == Kind.REGION:
        return bool(here & REGION_EDITORS)
    if here & MUNICIPAL_EDITORS:
        return True
    if org.kind in (Kind.MUNICIPALITY, Kind.ADMINISTRATION, Kind.SCHOOL_UNIT):
        return bool(set(org.ancestor_ids()) & staff_municipality_ids(user, MUNICIPAL_EDITORS))
    return False


def can_view_goal(user, goal: Goal) -> bool:
    return visible_goals(user).filter(pk=goal.pk).exists()


def can_view_fetch_run(user, run) -> bool:
    """A Kolada fetch is seen by whoever sees the goals of the organisation that started it; a fetch
    without an organisation (the schedule, a command) only by the site's root users."""
    if run.organisation_id is None:
        return is_root(user)
    return can_view_goals_of(user, run.organisation)


# --- getters for the views: 404 outside what the person sees, 403 without the right ----------------------


def get_goal_organisation_for(user, org_id, perm: str | None = None) -> Organisation:
    """The organisation whose goals the person sees (404 otherwise); 403 if `perm` is given and they lack
    it (CHANGE: the pages that edit goals, indicators, Kolada follows and transitions)."""
    organisations = Organisation.objects.filter(is_active=True)
    return get_or_deny(user, organisations, org_id, sees=can_view_goals_of, perm=perm)


def get_indicator_for(user, indicator_id, perm: str | None = None) -> Indicator:
    indicators = visible_indicators(user).select_related("organisation", "goal")
    return get_or_deny(user, indicators, indicator_id, perm=perm)


def get_goal_for(user, goal_id, perm: str | None = None) -> Goal:
    goals = visible_goals(user).select_related("organisation", "parent")
    return get_or_deny(user, goals, goal_id, perm=perm)


def get_fetch_run_for(user, run_id) -> FetchRun:
    """A Kolada fetch run the person may see (can_view_fetch_run); 404 otherwise."""
    runs = FetchRun.objects.select_related("organisation")
    return get_or_deny(user, runs, run_id, sees=can_view_fetch_run)


def require_change(user, org: Organisation) -> None:
    """403 unless the person edits `org`'s goals (for pages that first show, then change)."""
    require(user, CHANGE, org)


# An Indicator or Goal is edited by whoever edits its organisation's goals.
add_object_perm(CHANGE, can_edit_goals, of="organisation")
