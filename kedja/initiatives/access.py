"""Who may see and change initiatives, and whose gap analysis a person sees.

- Everyone working in a municipality (at the municipality or any of its units) sees all its initiatives.
- The region (regional officers, readers, admins at the region) sees initiatives shared with the region
  (sharing "region" or "all"); other municipalities of the same region see only those shared with "all".
- The municipality's coordinator, head of schools, quality developer and organisation admin edit every
  initiative of the municipality; a principal edits the initiatives their own school unit owns.
"""

from django.db.models import Q

from kedja.organisations.access import (
    MUNICIPAL_EDITORS,
    add_object_perm,
    get_or_deny,
    is_root,
    member_municipality_ids,
    memberships,
    region_ids,
    require,
    staff_municipality_ids,
    visible_organisations,
)
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind, Role

from .models import Initiative, Sharing

CHANGE = "initiatives.change_initiative"


def region_of_my_municipalities(user) -> set[int]:
    ids = member_municipality_ids(user)
    return set(Organisation.objects.filter(pk__in=ids).values_list("parent_id", flat=True))


def visible_initiatives(user):
    if is_root(user):
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
    return staff_municipality_ids(user, MUNICIPAL_EDITORS)


def can_edit_initiative(user, initiative: Initiative) -> bool:
    if is_root(user) or initiative.municipality_id in editable_municipality_ids(user):
        return True
    return any(
        m.role == Role.PRINCIPAL and m.organisation_id == initiative.owner_id for m in memberships(user)
    )


def owners_for_new_initiative(user):
    """Organisations the person may register an initiative for: their municipalities (and all units
    below) if they edit for the municipality, and their own school unit if they are its principal."""
    if is_root(user):
        return Organisation.objects.filter(
            kind__in=[Kind.MUNICIPALITY, Kind.ADMINISTRATION, Kind.SCHOOL_UNIT]
        )
    q = Q(pk__in=[m.organisation_id for m in memberships(user) if m.role == Role.PRINCIPAL])
    for municipality in Organisation.objects.filter(pk__in=editable_municipality_ids(user)):
        q |= Q(path__startswith=municipality.path)
    return Organisation.objects.filter(q, is_active=True).exclude(kind__in=[Kind.REGION, Kind.PARTNER])


def require_owners(user):
    """`owners_for_new_initiative`, ordered along the tree; 403 if there are none."""
    owners = owners_for_new_initiative(user).order_by("path")
    require(user, lambda _user, found: found.exists(), owners)
    return owners


def owners_when_editing(user, initiative: Initiative):
    """The owners the edit form offers: those of a new initiative, and the one it has now."""
    return (
        (owners_for_new_initiative(user) | Organisation.objects.filter(pk=initiative.owner_id))
        .distinct()
        .order_by("path")
    )


def own_municipalities(user):
    """The municipalities where the person works, by name (the initiative list's scopes)."""
    return Organisation.objects.filter(pk__in=member_municipality_ids(user)).order_by("name")


def can_view_municipality_gaps(user, municipality: Organisation) -> bool:
    return municipality.kind == Kind.MUNICIPALITY and (
        is_root(user) or municipality.pk in member_municipality_ids(user)
    )


def can_view_region_gaps(user, region: Organisation) -> bool:
    return region.kind == Kind.REGION and (is_root(user) or region.pk in region_ids(user))


# --- getters for the views: 404 outside what the person sees, 403 without the right ----------------------


def get_initiative_for(user, initiative_id, perm: str | None = None) -> Initiative:
    """An initiative the person may see (404 otherwise); 403 if `perm` is given and they lack it."""
    initiatives = visible_initiatives(user).select_related("municipality", "owner")
    return get_or_deny(user, initiatives, initiative_id, perm=perm)


def get_municipality_for_gaps(user, municipality_id) -> Organisation:
    """A municipality's gap analysis: 404 unless the person works there (at any unit) or sees it; 403
    without the right (e.g. a regional officer, who has the region's view instead)."""
    municipalities = Organisation.objects.filter(kind=Kind.MUNICIPALITY, is_active=True)
    return get_or_deny(
        user,
        municipalities,
        municipality_id,
        sees=lambda u, m: (
            m.pk in member_municipality_ids(u) or visible_organisations(u).filter(pk=m.pk).exists()
        ),
        perm="initiatives.view_gaps",
    )


def get_region_for_gaps(user, region_id) -> Organisation:
    regions = visible_organisations(user).filter(kind=Kind.REGION)
    return get_or_deny(user, regions, region_id, perm="initiatives.view_region_gaps")


add_object_perm(CHANGE, can_edit_initiative)
add_object_perm("initiatives.view_gaps", can_view_municipality_gaps)
add_object_perm("initiatives.view_region_gaps", can_view_region_gaps)
