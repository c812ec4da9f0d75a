"""Who may see and change goals and indicators (part of the one access layer; DOMAIN.md §4).

- Everyone who belongs to an organisation's subtree (a membership at the organisation or anywhere below
  it) sees its goals and indicators — so a school's teachers see their municipality's goals, and
  everyone in a region's municipalities sees the region's vision.
- Whoever sees an organisation from above (policy.visible_organisations: leading roles and readers see
  their organisation and everything below) sees its goals too — a region sees its municipalities' goals.
- Goals and indicators are edited by the coordinator, head of schools, quality developer or organisation
  admin of the municipality (for the municipality and its units), by an organisation admin at the
  organisation itself, and at a region by its regional officers and admins.
"""

from django.db.models import Q

from kedja.indicators.models import Goal, Indicator
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind, Role

from .assessments import staff_municipality_ids
from .initiatives import EDITORS
from .policy import _is_root, memberships, roles_here, visible_organisations

REGION_EDITORS = frozenset({Role.REGIONAL_OFFICER, Role.ORG_ADMIN})


def _organisation_filter(user) -> Q:
    """Organisations whose goals the person sees: those above or at their memberships, and those they
    see from above."""
    above_or_at = {i for m in memberships(user) for i in m.organisation.ancestor_ids()}
    return Q(organisation_id__in=above_or_at) | Q(organisation__in=visible_organisations(user))


def can_view_goals_of(user, org: Organisation) -> bool:
    """The same rule as _organisation_filter, for one organisation."""
    if not org.is_active:
        return False
    if _is_root(user):
        return True
    above_or_at = {i for m in memberships(user) for i in m.organisation.ancestor_ids()}
    return org.pk in above_or_at or visible_organisations(user).filter(pk=org.pk).exists()


def visible_goals(user):
    if _is_root(user):
        return Goal.objects.all()
    if not memberships(user):
        return Goal.objects.none()
    return Goal.objects.filter(_organisation_filter(user), organisation__is_active=True).distinct()


def visible_indicators(user):
    if _is_root(user):
        return Indicator.objects.all()
    if not memberships(user):
        return Indicator.objects.none()
    return Indicator.objects.filter(_organisation_filter(user), organisation__is_active=True).distinct()


def can_edit_goals(user, org: Organisation) -> bool:
    """May the person create and change goals and indicators (and enter values) of `org`?"""
    if not org.is_active:
        return False
    if _is_root(user):
        return True
    here = roles_here(user, org)
    if org.kind == Kind.REGION:
        return bool(here & REGION_EDITORS)
    if here & EDITORS:
        return True
    if org.kind in (Kind.MUNICIPALITY, Kind.ADMINISTRATION, Kind.SCHOOL_UNIT):
        return bool(set(org.ancestor_ids()) & staff_municipality_ids(user, EDITORS))
    return False


def can_view_goal(user, goal: Goal) -> bool:
    return visible_goals(user).filter(pk=goal.pk).exists()


def can_view_fetch_run(user, run) -> bool:
    """A Kolada fetch is seen by whoever sees the goals of the organisation that started it; a fetch
    without an organisation (the schedule, a command) only by the site's root users."""
    if run.organisation_id is None:
        return _is_root(user)
    return can_view_goals_of(user, run.organisation)
