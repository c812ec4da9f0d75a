"""How views ask the access layer: `require_perm` loads the object through the visible queryset (404 for
outsiders, so existence is not revealed) and checks the permission (403 for insiders without the right)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kedja.assessments.models import Respondent, Round
from kedja.frameworks.models import Framework, FrameworkVersion, Node
from kedja.initiatives.models import Initiative
from kedja.kolada.models import FetchRun
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


def get_fetch_run_for(user, run_id):
    """A Kolada fetch run the person may see (access.indicators.can_view_fetch_run); 404 otherwise."""
    run = FetchRun.objects.select_related("organisation").filter(pk=run_id).first()
    if run is None or not indicator_access.can_view_fetch_run(user, run):
        raise Http404()
    return run


# --- the action plan (issue 8) ---------------------------------------------------------------------------


def get_plan_organisation_for(user, org_id, perm: str | None = None) -> Organisation:
    """The organisation whose action plan the person sees (access.plans; 404 otherwise); 403 if `perm` is
    given and they lack it."""
    from . import plans as plan_access

    org = Organisation.objects.filter(pk=org_id, is_active=True).first()
    if org is None or not plan_access.can_view_plan_of(user, org):
        raise Http404()
    if perm and not user.has_perm(perm, org):
        raise PermissionDenied()
    return org


def get_action_for(user, action_id, perm: str | None = None):
    """An action of a plan the person sees (404 otherwise); 403 if `perm` is given and they lack it."""
    from . import plans as plan_access

    action = (
        plan_access.visible_actions(user).select_related("organisation", "goal").filter(pk=action_id).first()
    )
    if action is None:
        raise Http404()
    if perm and not user.has_perm(perm, action):
        raise PermissionDenied()
    return action


def get_plan_version_for(user, version_id):
    """An adopted plan version of an organisation whose plan the person sees; 404 otherwise."""
    from . import plans as plan_access

    version = (
        plan_access.visible_plan_versions(user)
        .select_related("organisation", "recorded_by")
        .filter(pk=version_id)
        .first()
    )
    if version is None:
        raise Http404()
    return version


# --- calls (issue 7) ----------------------------------------------------------------------------------


def get_call_for(user, call_id, *, manage: bool = False):
    """A call the person may see (access.calls.can_view_call; 404 otherwise); with `manage`, 403 unless
    the person organises it (can_manage_call)."""
    from kedja.calls.models import Call

    from . import calls as call_access

    call = Call.objects.select_related("organiser").filter(pk=call_id).first()
    if call is None or not call_access.can_view_call(user, call):
        raise Http404()
    if manage and not call_access.can_manage_call(user, call):
        raise PermissionDenied()
    return call


def get_application_for(user, application_id, *, applicant: bool = False):
    """An application the person may see (access.calls.can_view_application; 404 otherwise); with
    `applicant`, 403 unless the person applies for its organisation (organisers and reviewers see it but
    the applicant's pages are not theirs)."""
    from kedja.calls.models import Application

    from . import calls as call_access

    application = (
        Application.objects.select_related("call__organiser", "organisation")
        .filter(pk=application_id)
        .first()
    )
    if application is None or not call_access.can_view_application(user, application):
        raise Http404()
    if applicant and not call_access.can_apply_for(user, application.call, application.organisation):
        raise PermissionDenied()
    return application


def get_application_to_review(user, application_id):
    """A submitted application the person reviews: 404 for those who may not see it (a reviewer who declared
    a conflict of interest no longer does), 403 for those who see it but do not review it."""
    from . import calls as call_access

    application = get_application_for(user, application_id)
    if application.status != application.Status.SUBMITTED or not call_access.is_reviewer(
        user, application.call
    ):
        raise PermissionDenied()
    return application


def get_application_to_decide(user, application_id):
    """An application the person decides on as the call's organiser: 404 for those who may not see it, 403
    for those who see it but do not organise the call."""
    from . import calls as call_access

    application = get_application_for(user, application_id)
    if not call_access.can_manage_call(user, application.call):
        raise PermissionDenied()
    return application


def get_programme_call_for(user, call_id, *, manage: bool = False):
    """A call whose programme the person may see (access.calls.can_view_programme: its organisers and, once
    the decision is published, the accepted organisations' people; 404 for everyone else, applicants and
    reviewers included); with `manage`, 403 unless the person organises the call."""
    from kedja.calls.models import Call

    from . import calls as call_access

    call = Call.objects.select_related("organiser").filter(pk=call_id).first()
    if call is None or not call_access.can_view_programme(user, call):
        raise Http404()
    if manage and not call_access.can_manage_call(user, call):
        raise PermissionDenied()
    return call


def get_meeting_for(user, meeting_id):
    """A meeting the organiser edits: 404 unless the person sees the programme, 403 unless they organise."""
    from kedja.calls.models import Meeting

    meeting = Meeting.objects.select_related("programme__call__organiser").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404()
    get_programme_call_for(user, meeting.programme.call_id, manage=True)
    return meeting


def get_participant_for(
    user, participant_id, *, deliver: bool = False, manage: bool = False, file: bool = False
):
    """A participant of a programme the person sees (404 otherwise). With `deliver`, 403 unless the person
    uploads for its organisation (rules perm calls.deliver); with `manage`, 403 unless the person organises
    the call; with `file`, 403 unless either (the deliverable file is for the organiser and its own people)."""
    from kedja.calls.models import Participant

    from . import calls as call_access

    participant = (
        Participant.objects.select_related("programme__call__organiser", "organisation")
        .filter(pk=participant_id)
        .first()
    )
    if participant is None:
        raise Http404()
    call = get_programme_call_for(user, participant.programme.call_id)
    organises = call_access.can_manage_call(user, call)
    delivers = user.has_perm("calls.deliver", participant)
    if (deliver and not delivers) or (manage and not organises) or (file and not (organises or delivers)):
        raise PermissionDenied()
    return participant
