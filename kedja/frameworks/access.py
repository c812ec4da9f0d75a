"""Who may see and change frameworks, and offer them to a region's municipalities.

- Frameworks shipped with Kedja are visible to everyone signed in and edited by none (export, change,
  import as your own); an organisation's own frameworks to the people who see that organisation; a version
  a region offered, in that region's municipalities.
- Only an organisation admin (and, for a region's frameworks, its regional officers) edits and publishes.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from kedja.organisations.access import (
    add_object_perm,
    ancestor_ids_of_memberships,
    get_or_deny,
    is_root,
    memberships,
    regions_of,
    require,
    roles_at,
    roles_here,
    visible_organisations,
)
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind, Role

from .models import Framework, FrameworkVersion, Node, Publication
from .selectors import offered_items

CHANGE = "frameworks.change_framework"


def visible_frameworks(user):
    if is_root(user):
        return Framework.objects.all()
    return Framework.objects.filter(
        Q(owner=None)
        | Q(owner__in=visible_organisations(user))
        | Q(versions__publications__region_id__in=ancestor_ids_of_memberships(user))
    ).distinct()


def can_edit_framework(user, framework: Framework) -> bool:
    if framework.owner is None:
        return False  # shipped frameworks are copied (export, import), never edited in place
    if is_root(user):
        return True
    roles = roles_at(user, framework.owner)
    return Role.ORG_ADMIN in roles or (framework.owner.kind == Kind.REGION and Role.REGIONAL_OFFICER in roles)


def frameworks_importable_to(user) -> list[Organisation]:
    """Organisations this person may import a framework into (as its owner)."""
    out = []
    for m in memberships(user):
        org = m.organisation
        if m.role == Role.ORG_ADMIN or (m.role == Role.REGIONAL_OFFICER and org.kind == Kind.REGION):
            if org not in out:
                out.append(org)
    return out


def can_offer_to_region(user, region: Organisation) -> bool:
    if region.kind != Kind.REGION:
        return False
    return is_root(user) or bool(roles_here(user, region) & {Role.REGIONAL_OFFICER, Role.ORG_ADMIN})


def regions_to_offer_in(user) -> list[Organisation]:
    """Regions where this person may offer a published framework version to the municipalities."""
    return [region for region in regions_of(user) if can_offer_to_region(user, region)]


def visible_publications(user, framework: Framework):
    """The offers of a framework that this person may know about: to regions they see, and to the regions
    their own organisations belong to (which is why a municipality sees an offered framework at all)."""
    qs = Publication.objects.filter(version__framework=framework).select_related(
        "region", "version", "published_by"
    )
    if is_root(user):
        return qs
    return qs.filter(
        Q(region__in=visible_organisations(user)) | Q(region_id__in=ancestor_ids_of_memberships(user))
    )


def offered_items_for(user, organisations, *, keep=()):
    """The items a form for `organisations` offers (selectors.offered_items), less those of frameworks the
    person may not see: a form never lists what the framework's own page would answer 404 to. Items already
    chosen (`keep`) stay, so saving a form never drops a choice someone else made."""
    return offered_items(organisations, keep=keep).filter(
        Q(framework_version__framework__in=visible_frameworks(user).values("pk")) | Q(pk__in=list(keep))
    )


# --- getters for the views: 404 outside what the person sees, 403 without the right ----------------------


def get_framework_for(user, framework_id) -> Framework:
    frameworks = Framework.objects.filter(pk__in=visible_frameworks(user).values("pk")).select_related(
        "owner"
    )
    return get_or_deny(user, frameworks, framework_id)


def get_version_for(user, version_id) -> FrameworkVersion:
    versions = FrameworkVersion.objects.filter(
        framework__in=visible_frameworks(user).values("pk")
    ).select_related("framework__owner", "published_by")
    return get_or_deny(user, versions, version_id)


def get_node_for(user, node_id) -> Node:
    nodes = Node.objects.filter(
        framework_version__framework__in=visible_frameworks(user).values("pk")
    ).select_related("framework_version__framework__owner")
    return get_or_deny(user, nodes, node_id)


def require_change(user, framework: Framework) -> None:
    """403 unless the person edits `framework` (for checks after the framework is loaded)."""
    require(user, CHANGE, framework)


def require_importer(user) -> list[Organisation]:
    """The organisations the person may import a framework into; 403 if there are none."""
    owners = frameworks_importable_to(user)
    require(user, lambda _user, found: bool(found), owners)
    return owners


def region_to_offer_to(user, region: Organisation | None) -> Organisation:
    """The region a version is offered to (chosen in the offer form): 403 unless it is a region the person
    offers frameworks in; a choice that is no region at all is refused the same way."""
    if region is None or not user.has_perm("frameworks.offer_to_region", region):
        raise PermissionDenied()
    return region


add_object_perm(CHANGE, can_edit_framework)
add_object_perm("frameworks.offer_to_region", can_offer_to_region)
