from kedja.followup import access as followup_access
from kedja.organisations import access as organisation_access
from kedja.organisations.roles import Role


def shell(request):
    """What every page's header needs: my memberships and the one I work as now."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    mine = organisation_access.memberships(user)
    active = organisation_access.active_membership(user, request.session)
    return {
        "my_memberships": mine,
        "active_membership": active,
        "works_with_students": followup_access.works_with_students(user),
        "followup_overview_org": _followup_overview_org(user, active),
    }


def _followup_overview_org(user, active):
    """The organisation whose follow-up figures the main navigation links to: the active membership's,
    when the person may see its aggregates (followup.access.can_view_aggregates); else None. Asked only of
    people holding a role that can (most pages are seen by others, and the check may query)."""
    if active is None or active.role not in followup_access.AGGREGATE_ROLES | {Role.PRINCIPAL}:
        return None
    org = active.organisation
    return org.pk if followup_access.can_view_aggregates(user, org) else None
