"""The access engine: who may see what in the organisation tree, and the one way views load an object.

Every app keeps its own rules next to it (`<app>/access.py`: predicates, the querysets of what a person may
see, the getters its views call, and its `rules` permissions); they are all built from this module.
Everything follows from a person's active memberships and the organisation tree:
- a leading role (regional officer, coordinator, head of schools, quality developer, principal, admin) or a
  reader sees its organisation and everything below it — so a region sees its municipalities and never
  another region's, and a municipality sees its own units;
- a teacher or partner contact sees only their own organisation (a teacher's groups arrive with follow-up);
- an organisation admin manages people at its organisation and below, and can grant only roles that fit there.
Views, templates, exports and the API ask these functions; none of them checks roles by hand, and no view
raises PermissionDenied itself — `get_or_deny` and `require` do (tests/test_views_ask_access.py).
"""

from collections.abc import Callable, Iterable
from functools import wraps

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

from .models import Invitation, Membership, Organisation
from .roles import LEADING_ROLES, Kind, Role, roles_for_kind

SEES_SUBTREE = LEADING_ROLES | {Role.READER}
# Who leads a municipality's school work (at the municipality or its administration): they see its rounds'
# results; the first four edit its initiatives, goals and plan; the coordinator and admin run its rounds.
MUNICIPAL_STAFF = frozenset(
    {Role.MUNICIPAL_COORDINATOR, Role.HEAD_OF_SCHOOLS, Role.QUALITY_DEVELOPER, Role.READER, Role.ORG_ADMIN}
)
MUNICIPAL_EDITORS = frozenset(
    {Role.MUNICIPAL_COORDINATOR, Role.HEAD_OF_SCHOOLS, Role.QUALITY_DEVELOPER, Role.ORG_ADMIN}
)
# Who speaks for a region: what the region sees of its municipalities (shared results, shared initiatives).
REGION_ROLES = frozenset({Role.REGIONAL_OFFICER, Role.READER, Role.ORG_ADMIN})
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


def is_root(user) -> bool:
    """A site superuser, who sees every organisation (but never a student row: see followup.access)."""
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def roles_at(user, org: Organisation) -> set[str]:
    """Roles the person holds at this organisation or at any organisation above it."""
    ancestors = set(org.ancestor_ids())
    return {m.role for m in memberships(user) if m.organisation_id in ancestors}


def roles_here(user, org: Organisation) -> set[str]:
    return {m.role for m in memberships(user) if m.organisation_id == org.pk}


def visible_organisations(user):
    """Organisations this person may see at all: the query every list and lookup starts from."""
    if is_root(user):
        return Organisation.objects.filter(is_active=True)
    subtree_paths = [m.organisation.path for m in memberships(user) if m.role in SEES_SUBTREE]
    own_ids = [m.organisation_id for m in memberships(user)]
    qs = Organisation.objects.under_any(subtree_paths) | Organisation.objects.filter(pk__in=own_ids)
    return qs.filter(is_active=True).distinct()


def can_view_organisation(user, org: Organisation) -> bool:
    if not org.is_active:
        return False
    if is_root(user):
        return True
    if roles_at(user, org) & SEES_SUBTREE:
        return True
    return bool(roles_here(user, org))


def can_view_members(user, org: Organisation) -> bool:
    return is_root(user) or bool(roles_at(user, org) & LEADING_ROLES)


def can_manage_members(user, org: Organisation) -> bool:
    return is_root(user) or Role.ORG_ADMIN in roles_at(user, org)


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


# --- where a person works, in the terms the domain apps use ---------------------------------------------


def staff_municipality_ids(user, roles=MUNICIPAL_STAFF) -> set[int]:
    """Municipalities where the person holds one of `roles` at the municipality or its administration."""
    ids = set()
    for m in memberships(user):
        if m.role not in roles:
            continue
        if m.organisation.kind == Kind.MUNICIPALITY:
            ids.add(m.organisation_id)
        elif m.organisation.kind == Kind.ADMINISTRATION and m.organisation.parent_id:
            ids.add(m.organisation.parent_id)
    return ids


def member_municipality_ids(user) -> set[int]:
    """Municipalities where the person works: a membership at the municipality or anywhere below it."""
    ids = set()
    below = []
    for m in memberships(user):
        org = m.organisation
        if org.kind == Kind.MUNICIPALITY:
            ids.add(org.pk)
        elif org.kind in (Kind.ADMINISTRATION, Kind.SCHOOL_UNIT):
            below.append(org)
    if below:
        ancestors = {i for org in below for i in org.ancestor_ids()}
        ids |= set(
            Organisation.objects.filter(pk__in=ancestors, kind=Kind.MUNICIPALITY).values_list("pk", flat=True)
        )
    return ids


def region_ids(user) -> set[int]:
    """Regions for which the person speaks (REGION_ROLES at the region itself)."""
    return {
        m.organisation_id
        for m in memberships(user)
        if m.organisation.kind == Kind.REGION and m.role in REGION_ROLES
    }


def regions_of(user) -> list[Organisation]:
    """The same regions as `region_ids`, as organisations (in membership order, once each)."""
    return list(
        dict.fromkeys(
            m.organisation
            for m in memberships(user)
            if m.organisation.kind == Kind.REGION and m.role in REGION_ROLES
        )
    )


def membership_organisations(user) -> list[Organisation]:
    """The organisations the person holds a role at (once each, in membership order)."""
    return list(dict.fromkeys(m.organisation for m in memberships(user)))


def ancestor_ids_of_memberships(user) -> set[int]:
    """Every organisation at or above one of the person's memberships."""
    return {i for m in memberships(user) for i in m.organisation.ancestor_ids()}


# --- the one way a view loads an object ----------------------------------------------------------------

Permission = str | Callable[..., bool]


def _holds(user, perm: Permission, obj) -> bool:
    return user.has_perm(perm, obj) if isinstance(perm, str) else bool(perm(user, obj))


def require(user, perm: Permission, obj=None) -> None:
    """403 unless the person holds `perm` (a `rules` permission name or a predicate `(user, obj)`)."""
    if not _holds(user, perm, obj):
        raise PermissionDenied()


def get_or_deny(
    user,
    objects: QuerySet | type[Model],
    pk,
    *,
    sees: Permission | None = None,
    perm: Permission | None = None,
):
    """The object `pk` of `objects` (the person's visible queryset, or a model), or 404 when it is not
    there or the person may not know it exists (`sees`); 403 when they see it but lack `perm`.

    Outsiders get the same 404 as for an id that never existed, so existence is not revealed; insiders
    without the right get 403, so they learn why a page they can reach is closed."""
    queryset = objects if isinstance(objects, QuerySet) else objects._default_manager.all()
    try:
        obj = queryset.filter(pk=pk).first()
    except (ValueError, TypeError, ValidationError):
        obj = None
    if obj is None or (sees is not None and not _holds(user, sees, obj)):
        raise Http404()
    if perm is not None:
        require(user, perm, obj)
    return obj


def require_org_perm(perm: str, kwarg: str = "org_id"):
    """View decorator: sign-in required; the URL's `org_id` becomes an `org` argument the person may use."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            org = get_organisation_for(request.user, kwargs.pop(kwarg), perm)
            return view(request, org, *args, **kwargs)

        return wrapper

    return decorator


def get_organisation_for(user, pk, perm: Permission = "organisations.view_organisation") -> Organisation:
    """An organisation the person sees (404 otherwise), 403 without `perm`."""
    return get_or_deny(user, visible_organisations(user), pk, perm=perm)


def get_membership_for(user, pk, perm: Permission = "organisations.manage_members") -> Membership:
    """A membership at an organisation the person sees (404 otherwise); 403 without `perm` there."""
    memberships_seen = Membership.objects.select_related("organisation", "user").filter(
        organisation__in=visible_organisations(user)
    )
    return get_or_deny(user, memberships_seen, pk, perm=lambda u, m: _holds(u, perm, m.organisation))


def get_invitation_for(user, pk) -> Invitation:
    """An invitation to an organisation the person sees (404 otherwise); 403 unless they manage its people."""
    invitations = Invitation.objects.select_related("organisation").filter(
        organisation__in=visible_organisations(user)
    )
    return get_or_deny(user, invitations, pk, perm=lambda u, i: can_manage_members(u, i.organisation))


def get_own_membership(user, pk) -> Membership:
    """One of the person's own active memberships (the organisation switcher); 404 for any other."""
    try:
        wanted = int(pk or "")
    except (TypeError, ValueError):
        raise Http404() from None
    chosen = next((m for m in memberships(user) if m.pk == wanted), None)
    if chosen is None:
        raise Http404()
    return chosen


def openable_ancestors(user, org: Organisation) -> list[Organisation]:
    """The organisations above `org` whose pages the person may open (the breadcrumb)."""
    return [a for a in org.ancestors() if can_view_organisation(user, a)]


def visible_children(user, org: Organisation) -> QuerySet:
    """The organisations right below `org` that the person sees."""
    return visible_organisations(user).filter(parent=org)


def may_deactivate_person(user, membership: Membership) -> bool:
    """`may_deactivate` for the person of `membership`, over all their active memberships."""
    person = membership.user
    return may_deactivate(user, person, person.memberships.active().select_related("organisation"))


# --- permissions for user.has_perm and {% has_perm %} ----------------------------------------------------


def add_object_perm(name: str, check: Callable[..., bool], *, of: str | None = None) -> None:
    """Register `check(user, obj)` as the `rules` permission `name`: False without an object; with `of`,
    the check is about that attribute of the object when it has one (e.g. an action's `organisation`)."""

    def holds(user, obj=None) -> bool:
        if of is not None:
            obj = getattr(obj, of, obj)
        return obj is not None and bool(check(user, obj))

    holds.__name__ = name.replace(".", "_")
    rules.add_perm(name, rules.predicate(holds))


add_object_perm("organisations.view_organisation", can_view_organisation)
add_object_perm("organisations.view_members", can_view_members)
add_object_perm("organisations.manage_members", can_manage_members)
add_object_perm("organisations.change_organisation", can_change_organisation)
