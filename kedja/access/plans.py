"""Who may see and change an organisation's action plan (issue 8; DOMAIN.md §5).

The plan follows the goals it answers: whoever sees an organisation's goals sees its actions and adopted
versions (access.indicators.can_view_goals_of), and whoever edits its goals edits its plan
(access.indicators.can_edit_goals: the coordinator, head of schools, quality developer and admin of a
municipality; a region's officers and admins for the region's own plan).
"""

from kedja.organisations.models import Organisation
from kedja.plans.models import Action, PlanVersion

from . import indicators as indicator_access
from .policy import _is_root, memberships


def can_view_plan_of(user, org: Organisation) -> bool:
    return indicator_access.can_view_goals_of(user, org)


def can_edit_plan(user, org: Organisation) -> bool:
    return indicator_access.can_edit_goals(user, org)


def visible_actions(user):
    if _is_root(user):
        return Action.objects.all()
    if not memberships(user):
        return Action.objects.none()
    return Action.objects.filter(
        indicator_access._organisation_filter(user), organisation__is_active=True
    ).distinct()


def visible_plan_versions(user):
    if _is_root(user):
        return PlanVersion.objects.all()
    if not memberships(user):
        return PlanVersion.objects.none()
    return PlanVersion.objects.filter(
        indicator_access._organisation_filter(user), organisation__is_active=True
    ).distinct()
