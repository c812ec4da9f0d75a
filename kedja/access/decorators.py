"""How views ask the access layer: `require_perm` loads the object through the visible queryset (404 for
outsiders, so existence is not revealed) and checks the permission (403 for insiders without the right)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kedja.assessments.models import Respondent, Round
from kedja.frameworks.models import Framework, FrameworkVersion, Node
from kedja.initiatives.models import Initiative
from kedja.organisations.models import Membership, Organisation
from kedja.organisations.roles import Kind

from . import assessments as assessment_access
from . import indicators as indicator_access
from . import initiatives as initiative_access
from . import policy


def get_organisation_for(user, pk, perm: str = "organisations.view_organisation") -> Organisation:
    try:
        org = policy.visible_organisations(user).get(pk=pk)
    except (Organisation.DoesNotExist, ValueError):
        raise Http404() from None
    if not user.has_perm(perm, org):
        raise PermissionDenied()
    return org


def get_membership_for(user, pk, perm: str = "organisations.manage_members") -> Membership:
    try:
        membership = Membership.objects.select_related("organisation", "user").get(
            pk=pk, organisation__in=policy.visible_organisations(user)
        )
    except (Membership.DoesNotExist, ValueError):
        raise Http404() from None
    if not user.has_perm(perm, membership.organisation):
        raise PermissionDenied()
    return membership


def require_org_perm(perm: str, kwarg: str = "org_id"):
    """Decorator: sign-in required; the URL's `org_id` becomes an `org` argument the person may use."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            org = get_organisation_for(request.user, kwargs.pop(kwarg), perm)
            return view(request, org, *args, **kwargs)

        return wrapper

    return decorator


# --- frameworks and rounds --------------------------------------------------------------------------


def get_framework_for(user, framework_id) -> Framework:
    framework = (
        Framework.objects.filter(
            pk__in=assessment_access.visible_frameworks(user).values("pk"), pk=framework_id
        )
        .select_related("owner")
        .first()
    )
    if framework is None:
        raise Http404()
    return framework


def get_version_for(user, version_id) -> FrameworkVersion:
    version = (
        FrameworkVersion.objects.filter(
            pk=version_id, framework__in=assessment_access.visible_frameworks(user).values("pk")
        )
        .select_related("framework__owner", "published_by")
        .first()
    )
    if version is None:
        raise Http404()
    return version


def get_node_for(user, node_id) -> Node:
    node = (
        Node.objects.filter(
            pk=node_id,
            framework_version__framework__in=assessment_access.visible_frameworks(user).values("pk"),
        )
        .select_related("framework_version__framework__owner")
        .first()
    )
    if node is None:
        raise Http404()
    return node


def get_round_for(user, round_id, perm: str = "assessments.view_result") -> Round:
    """A round for the municipality's staff: 404 unless the person sees its result (a respondent who is
    not staff has only the answer page), 403 for staff without `perm`."""
    round_ = (
        Round.objects.filter(pk__in=assessment_access.visible_rounds(user).values("pk"), pk=round_id)
        .select_related("municipality", "framework_version__framework")
        .first()
    )
    if round_ is None or not user.has_perm("assessments.view_result", round_):
        raise Http404()
    if not user.has_perm(perm, round_):
        raise PermissionDenied()
    return round_


def get_respondent_for(user, round_id) -> Respondent:
    """The person's own place in a round; 404 for everyone who is not a respondent, staff included."""
    round_ = (
        Round.objects.filter(pk__in=assessment_access.visible_rounds(user).values("pk"), pk=round_id)
        .select_related("municipality", "framework_version__framework")
        .first()
    )
    respondent = assessment_access.respondent_for(user, round_) if round_ is not None else None
    if respondent is None:
        raise Http404()
    respondent.round = round_
    return respondent


def get_initiative_for(user, initiative_id, perm: str | None = None) -> Initiative:
    """An initiative the person may see (404 otherwise); 403 if `perm` is given and they lack it."""
    initiative = (
        initiative_access.visible_initiatives(user)
        .select_related("municipality", "owner")
        .filter(pk=initiative_id)
        .first()
    )
    if initiative is None:
        raise Http404()
    if perm and not user.has_perm(perm, initiative):
        raise PermissionDenied()
    return initiative


def get_municipality_for_gaps(user, municipality_id) -> Organisation:
    """A municipality's gap analysis: 404 unless the person works there (at any unit) or sees it; 403
    without the right (e.g. a regional officer, who has the region's view instead)."""
    municipality = Organisation.objects.filter(
        pk=municipality_id, kind=Kind.MUNICIPALITY, is_active=True
    ).first()
    if municipality is None or not (
        municipality.pk in initiative_access.member_municipality_ids(user)
        or policy.visible_organisations(user).filter(pk=municipality.pk).exists()
    ):
        raise Http404()
    if not user.has_perm("initiatives.view_gaps", municipality):
        raise PermissionDenied()
    return municipality


def get_region_for(user, region_id, perm: str) -> Organisation:
    region = policy.visible_organisations(user).filter(pk=region_id, kind=Kind.REGION).first()
    if region is None:
        raise Http404()
    if not user.has_perm(perm, region):
        raise PermissionDenied()
    return region


def get_goal_organisation_for(user, org_id) -> Organisation:
    """The organisation whose goals the person sees (access.indicators' rule); 404 otherwise."""
    org = Organisation.objects.filter(pk=org_id, is_active=True).first()
    if org is None or not indicator_access.can_view_goals_of(user, org):
        raise Http404()
    return org
