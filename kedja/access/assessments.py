"""Who may see and do what with frameworks and self-assessment rounds (part of the one access layer).

- Frameworks shipped with Kedja are visible to everyone signed in; an organisation's own frameworks to
  the people who see that organisation; a framework a region offered to be visible in its municipalities.
  Only an organisation admin (or a regional officer, for the region's frameworks) edits and publishes.
- A round belongs to a municipality. Its coordinator and organisation admin run it; the municipality's
  leadership and readers see its result; a respondent sees only the rounds they were invited to.
  The region never sees a round — only the area levels of rounds the municipality chose to share.
"""

from django.db.models import Q

from kedja.assessments.models import Respondent, Round
from kedja.frameworks.models import Framework, Publication
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind, Role

from .policy import _is_root, memberships, roles_at, roles_here, visible_organisations

MUNICIPAL_STAFF = frozenset(
    {Role.MUNICIPAL_COORDINATOR, Role.HEAD_OF_SCHOOLS, Role.QUALITY_DEVELOPER, Role.READER, Role.ORG_ADMIN}
)
RUNS_ROUNDS = frozenset({Role.MUNICIPAL_COORDINATOR, Role.ORG_ADMIN})
REGION_ROLES = frozenset({Role.REGIONAL_OFFICER, Role.READER, Role.ORG_ADMIN})


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


# --- frameworks -------------------------------------------------------------------------------------


def visible_frameworks(user):
    if _is_root(user):
        return Framework.objects.all()
    ancestor_ids = {i for m in memberships(user) for i in m.organisation.ancestor_ids()}
    return Framework.objects.filter(
        Q(owner=None)
        | Q(owner__in=visible_organisations(user))
        | Q(versions__publications__region_id__in=ancestor_ids)
    ).distinct()


def can_edit_framework(user, framework: Framework) -> bool:
    if framework.owner is None:
        return False  # shipped frameworks are copied (export, import), never edited in place
    if _is_root(user):
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
    return _is_root(user) or bool(roles_here(user, region) & {Role.REGIONAL_OFFICER, Role.ORG_ADMIN})


def regions_of(user) -> list[Organisation]:
    """Regions where the person may see shared results and offer frameworks."""
    return [
        m.organisation
        for m in memberships(user)
        if m.organisation.kind == Kind.REGION and m.role in REGION_ROLES
    ]


def can_view_region_results(user, region: Organisation) -> bool:
    return region.kind == Kind.REGION and (_is_root(user) or bool(roles_here(user, region) & REGION_ROLES))


# --- rounds -----------------------------------------------------------------------------------------


def can_run_rounds(user, municipality: Organisation) -> bool:
    if municipality.kind != Kind.MUNICIPALITY:
        return False
    return _is_root(user) or municipality.pk in staff_municipality_ids(user, RUNS_ROUNDS)


def visible_rounds(user):
    if _is_root(user):
        return Round.objects.all()
    return Round.objects.filter(
        Q(municipality_id__in=staff_municipality_ids(user)) | Q(respondents__user=user)
    ).distinct()


def can_view_result(user, round_: Round) -> bool:
    return _is_root(user) or round_.municipality_id in staff_municipality_ids(user)


def can_manage_round(user, round_: Round) -> bool:
    return _is_root(user) or round_.municipality_id in staff_municipality_ids(user, RUNS_ROUNDS)


def respondent_for(user, round_: Round) -> Respondent | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Respondent.objects.filter(round=round_, user=user).first()


def can_answer(user, round_: Round) -> bool:
    return round_.is_open and respondent_for(user, round_) is not None


# --- helpers for the framework pages (added with the framework management UI) ----------------------


def regions_to_offer_in(user) -> list[Organisation]:
    """Regions where this person may offer a published framework version to the municipalities."""
    return list(dict.fromkeys(region for region in regions_of(user) if can_offer_to_region(user, region)))


def visible_publications(user, framework: Framework):
    """The offers of a framework that this person may know about: to regions they see, and to the regions
    their own organisations belong to (which is why a municipality sees an offered framework at all)."""
    qs = Publication.objects.filter(version__framework=framework).select_related(
        "region", "version", "published_by"
    )
    if _is_root(user):
        return qs
    ancestor_ids = {i for m in memberships(user) for i in m.organisation.ancestor_ids()}
    return qs.filter(Q(region__in=visible_organisations(user)) | Q(region_id__in=ancestor_ids))
