"""The one place that decides who may see and do what (STYLE.md §4).

Everything follows from a person's active memberships and the organisation tree:
- a leading role (regional officer, coordinator, head of schools, quality developer, principal, admin) or a
  reader sees its organisation and everything below it — so a region sees its municipalities and never
  another region's, and a municipality sees its own units;
- a teacher or partner contact sees only their own organisation (a teacher's groups arrive with follow-up);
- an organisation admin manages people at its organisation and below, and can grant only roles that fit there.
Views, templates, exports and the API ask these functions; none of them checks roles by hand.
"""

from collections.abc import Iterable

from kedja.organisations.models import Membership, Organisation
from kedja.organisations.roles import LEADING_ROLES, Role, roles_for_kind

SEES_SUBTREE = LEADING_ROLES | {Role.READER}
_CACHE_ATTR = "_kedja_memberships"


def memberships(user) -> list[Membership]:
    """The person's active memberships, loaded once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.active().filter(user=user).select_related("organisation").order_by("pk")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user) -> None:
    """Drop the per-request cache after memberships change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _is_root(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def roles_at(user, org: Organisation) -> set[str]:
    """Roles the person holds at this organisation or at any organisation above it."""
    ancestors = set(org.ancestor_ids())
    return {m.role for m in memberships(user) if m.organisation_id in ancestors}


def roles_here(user, org: Organisation) -> set[str]:
    return {m.role for m in memberships(user) if m.organisation_id == org.pk}


def visible_organisations(user):
    """Organisations this person may see at all: the query every list and lookup starts from."""
    if _is_root(user):
        return Organisation.objects.filter(is_active=True)
    subtree_paths = [m.organisation.path for m in memberships(user) if m.role in SEES_SUBTREE]
    own_ids = [m.organisation_id for m in memberships(user)]
    qs = Organisation.objects.under_any(subtree_paths) | Organisation.objects.filter(pk__in=own_ids)
    return qs.filter(is_active=True).distinct()


def can_view_organisation(user, org: Organisation) -> bool:
    if not org.is_active:
        return False
    if _is_root(user):
        return True
    if roles_at(user, org) & SEES_SUBTREE:
        return True
    return bool(roles_here(user, org))


def can_view_members(user, org: Organisation) -> bool:
    return _is_root(user) or bool(roles_at(user, org) & LEADING_ROLES)


def can_manage_members(user, org: Organisation) -> bool:
    return _is_root(user) or Role.ORG_ADMIN in roles_at(user, org)


def can_change_organisation(user, org: Organisation) -> bool:
    """Admins keep their organisations' details; a partner contact keeps their own partner's profile."""
    if can_manage_members(user, org):
        return True
    return org.kind == "partner" and Role.PARTNER_CONTACT in roles_here(user, org)


def grantable_roles(user, org: Organisation) -> tuple[str, ...]:
    """Roles this person may hand out at `org`: nothing unless they administer it, and only roles that
    belong at that kind of organisation — nobody can grant more than they have."""
    if not can_manage_members(user, org):
        return ()
    return roles_for_kind(org.kind)


def may_deactivate(user, person, person_memberships: Iterable[Membership]) -> bool:
    """Deactivating a person ends all their sessions everywhere, so it needs admin rights over every
    organisation the person belongs to; otherwise an admin can only end the membership at their own."""
    if person.pk == user.pk or person.is_superuser:
        return False
    orgs = [m.organisation for m in person_memberships]
    return bool(orgs) and all(can_manage_members(user, org) for org in orgs)


def active_membership(user, session) -> Membership | None:
    """The membership the person is working as now: chosen with the organisation switcher, else the first
    one they were given."""
    mine = memberships(user)
    wanted = session.get("kedja_active_membership") if session is not None else None
    for m in mine:
        if m.pk == wanted:
            return m
    return mine[0] if mine else None
