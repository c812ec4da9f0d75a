"""Who may see and change initiatives (part of the one access layer; DOMAIN.md §3 "Sharing").

- Everyone working in a municipality (at the municipality or any of its units) sees all its initiatives.
- The region (regional officers, readers, admins at the region) sees initiatives shared with the region
  (sharing "region" or "all"); other municipalities of the same region see only those shared with "all".
- The municipality's coordinator, head of schools, quality developer and organisation admin edit every
  initiative of the municipality; a principal edits the initiatives their own school unit owns.
"""

from django.db.models import Q

from kedja.initiatives.models import Initiative, Sharing
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind, Role

from .assessments import REGION_ROLES, staff_municipality_ids
from .policy import _is_root, memberships

EDITORS = frozenset(
    {Role.MUNICIPAL_COORDINATOR, Role.HEAD_OF_SCHOOLS, Role.QUALITY_DEVELOPER, Role.ORG_ADMIN}
)


def member_municipality_ids(user) -> set[int]:
    """Municipalities where the person works: a membership at the municipality or anywhere below it."""
    ids = set()
    municipality_paths = {}
    for m in memberships(user):
        org = m.organisation
        if org.kind == Kind.MUNICIPALITY:
            ids.add(org.pk)
        elif org.kind in (Kind.ADMINISTRATION, Kind.SCHOOL_UNIT):
            municipality_paths[org.pk] = org.ancestor_ids()
    if municipality_paths:
        ancestors = {i for path in municipality_paths.values() for i in path}
        ids |= set(
            Organisation.objects.filter(pk__in=ancestors, kind=Kind.MUNICIPALITY).values_list("pk", flat=True)
        )
    return ids


def region_ids(user) -> set[int]:
    return {
        m.organisation_id
        for m in memberships(user)
        if m.organisation.kind == Kind.REGION and m.role in REGION_ROLES
    }


def region_of_my_municipalities(user) -> set[int]:
    ids = member_municipality_ids(user)
    return set(Organisation.objects.filter(pk__in=ids).values_list("parent_id", flat=True))


def visible_initiatives(user):
    if _is_root(user):
        return Initiative.objects.all()
    own = member_municipality_ids(user)
    regions = region_ids(user)
    neighbour_regions = region_of_my_municipalities(user)
    return Initiative.objects.filter(
        Q(municipality_id__in=own)
        | Q(municipality__parent_id__in=regions, sharing__in=[Sharing.REGION, Sharing.ALL])
        | Q(municipality__parent_id__in=neighbour_regions, sharing=Sharing.ALL)
    )


def editable_municipality_ids(user) -> set[int]:
    return staff_municipality_ids(user, EDITORS)


def can_edit_initiative(user, initiative: Initiative) -> bool:
    if _is_root(user) or initiative.municipality_id in editable_municipality_ids(user):
        return True
    return any(
        m.role == Role.PRINCIPAL and m.organisation_id == initiative.owner_id for m in memberships(user)
    )


def owners_for_new_initiative(user):
    """Organisations the person may register an initiative for: their municipalities (and all units
    below) if they edit for the municipality, and their own school unit if they are its principal."""
    if _is_root(user):
        return Organisation.objects.filter(
            kind__in=[Kind.MUNICIPALITY, Kind.ADMINISTRATION, Kind.SCHOOL_UNIT]
        )
    q = Q(pk__in=[m.organisation_id for m in memberships(user) if m.role == Role.PRINCIPAL])
    for municipality in Organisation.objects.filter(pk__in=editable_municipality_ids(user)):
        q |= Q(path__startswith=municipality.path)
    return Organisation.objects.filter(q, is_active=True).exclude(kind__in=[Kind.REGION, Kind.PARTNER])


def can_view_municipality_gaps(user, municipality: Organisation) -> bool:
    return municipality.kind == Kind.MUNICIPALITY and (
        _is_root(user) or municipality.pk in member_municipality_ids(user)
    )


def can_view_region_gaps(user, region: Organisation) -> bool:
    return region.kind == Kind.REGION and (_is_root(user) or region.pk in region_ids(user))
