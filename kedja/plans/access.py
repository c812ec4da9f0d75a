"""Who may see and change an organisation's action plan and its documents.

The plan follows the goals it answers: whoever sees an organisation's goals sees its actions, adopted
versions and documents (indicators.access.can_view_goals_of), and whoever edits its goals edits its plan
and asks for documents (indicators.access.can_edit_goals: the coordinator, head of schools, quality
developer and admin of a municipality; a region's officers and admins for the region's own plan).
"""

from kedja.indicators.access import can_edit_goals, can_view_goals_of, organisation_filter
from kedja.organisations.access import add_object_perm, get_or_deny, is_root, memberships, require
from kedja.organisations.models import Organisation

from .models import Action, Document, PlanVersion

CHANGE = "plans.change_plan"
VIEW = "plans.view_plan"


def can_view_plan_of(user, org: Organisation) -> bool:
    return can_view_goals_of(user, org)


def can_edit_plan(user, org: Organisation) -> bool:
    return can_edit_goals(user, org)


def _of_organisations_seen(user, model):
    if is_root(user):
        return model.objects.all()
    if not memberships(user):
        return model.objects.none()
    return model.objects.filter(organisation_filter(user), organisation__is_active=True).distinct()


def visible_actions(user):
    return _of_organisations_seen(user, Action)


def visible_plan_versions(user):
    return _of_organisations_seen(user, PlanVersion)


# --- getters for the views: 404 outside what the person sees, 403 without the right ----------------------


def get_plan_organisation_for(user, org_id, perm: str | None = None) -> Organisation:
    """The organisation whose action plan the person sees (404 otherwise); 403 if `perm` is given and they
    lack it."""
    return get_or_deny(
        user, Organisation.objects.filter(is_active=True), org_id, sees=can_view_plan_of, perm=perm
    )


def get_action_for(user, action_id, perm: str | None = None) -> Action:
    """An action of a plan the person sees (404 otherwise); 403 if `perm` is given and they lack it."""
    actions = visible_actions(user).select_related("organisation", "goal")
    return get_or_deny(user, actions, action_id, perm=perm)


def get_plan_version_for(user, version_id) -> PlanVersion:
    """An adopted plan version of an organisation whose plan the person sees; 404 otherwise."""
    versions = visible_plan_versions(user).select_related("organisation", "recorded_by")
    return get_or_deny(user, versions, version_id)


def get_document_for(user, document_id) -> Document:
    """A document made for an organisation whose plan the person sees; 404 otherwise."""
    documents = Document.objects.select_related("organisation")
    return get_or_deny(user, documents, document_id, sees=lambda u, d: can_view_plan_of(u, d.organisation))


def require_change(user, org: Organisation) -> None:
    """403 unless the person edits `org`'s plan (for a page that shows to all and changes for some)."""
    require(user, CHANGE, org)


# An Action or PlanVersion belongs to the plan of its organisation.
add_object_perm(CHANGE, can_edit_plan, of="organisation")
add_object_perm(VIEW, can_view_plan_of, of="organisation")
