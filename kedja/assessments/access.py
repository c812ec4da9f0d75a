"""Who may see and do what with self-assessment rounds.

A round belongs to a municipality. Its coordinator and organisation admin run it; the municipality's
leadership and readers see its result; a respondent sees only the rounds they were invited to. The region
never sees a round — only the area levels of rounds the municipality chose to share.
"""

from django.db.models import Q
from django.http import Http404

from kedja.accounts.models import User
from kedja.organisations.access import (
    REGION_ROLES,
    add_object_perm,
    get_or_deny,
    is_root,
    require,
    roles_here,
    staff_municipality_ids,
    visible_organisations,
)
from kedja.organisations.models import Membership, Organisation
from kedja.organisations.roles import Kind, Role

from .models import EvidenceFile, Respondent, Round

RUNS_ROUNDS = frozenset({Role.MUNICIPAL_COORDINATOR, Role.ORG_ADMIN})
VIEW_RESULT = "assessments.view_result"


def can_view_region_results(user, region: Organisation) -> bool:
    return region.kind == Kind.REGION and (is_root(user) or bool(roles_here(user, region) & REGION_ROLES))


def can_run_rounds(user, municipality: Organisation) -> bool:
    if municipality.kind != Kind.MUNICIPALITY:
        return False
    return is_root(user) or municipality.pk in staff_municipality_ids(user, RUNS_ROUNDS)


def municipalities_for_new_round(user):
    """Municipalities where the person may open a round."""
    if is_root(user):
        return Organisation.objects.filter(kind=Kind.MUNICIPALITY, is_active=True).order_by("name")
    return Organisation.objects.filter(
        kind=Kind.MUNICIPALITY, is_active=True, pk__in=staff_municipality_ids(user, RUNS_ROUNDS)
    ).order_by("name")


def require_new_round(user):
    """`municipalities_for_new_round`; 403 if there are none."""
    municipalities = municipalities_for_new_round(user)
    require(user, lambda _user, found: found.exists(), municipalities)
    return municipalities


def visible_rounds(user):
    if is_root(user):
        return Round.objects.all()
    return Round.objects.filter(
        Q(municipality_id__in=staff_municipality_ids(user)) | Q(respondents__user=user)
    ).distinct()


def rounds_with_result(user):
    """The rounds whose result (overview, respondents, levels) the person sees: the rule of
    can_view_result as one query."""
    if is_root(user):
        return Round.objects.all()
    return Round.objects.filter(municipality_id__in=staff_municipality_ids(user))


def can_view_result(user, round_: Round) -> bool:
    return is_root(user) or round_.municipality_id in staff_municipality_ids(user)


def can_manage_round(user, round_: Round) -> bool:
    return is_root(user) or round_.municipality_id in staff_municipality_ids(user, RUNS_ROUNDS)


def respondent_for(user, round_: Round) -> Respondent | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Respondent.objects.filter(round=round_, user=user).first()


def can_answer(user, round_: Round) -> bool:
    return round_.is_open and respondent_for(user, round_) is not None


def invitable_people(round_: Round):
    """Who may be asked to answer: active members of the municipality and of its administrations and
    units, not yet respondents."""
    members = Membership.objects.active().filter(organisation__path__startswith=round_.municipality.path)
    return (
        User.objects.filter(pk__in=members.values("user_id"))
        .exclude(pk__in=round_.respondents.values("user_id"))
        .order_by("full_name", "email")
    )


# --- getters for the views: 404 outside what the person sees, 403 without the right ----------------------


def _rounds(user):
    return Round.objects.filter(pk__in=visible_rounds(user).values("pk")).select_related(
        "municipality", "framework_version__framework"
    )


def get_round_for(user, round_id, perm: str = VIEW_RESULT) -> Round:
    """A round for the municipality's staff: 404 unless the person sees its result (a respondent who is
    not staff has only the answer page), 403 for staff without `perm`."""
    return get_or_deny(user, _rounds(user), round_id, sees=VIEW_RESULT, perm=perm)


def get_respondent_for(user, round_id) -> Respondent:
    """The person's own place in a round; 404 for everyone who is not a respondent, staff included."""
    round_ = get_or_deny(user, _rounds(user), round_id)
    respondent = respondent_for(user, round_)
    if respondent is None:  # staff who see the round but were not asked to answer it
        raise Http404()
    respondent.round = round_
    return respondent


def get_respondent_to_remove(user, respondent_id) -> Respondent:
    """A respondent of a round the person sees (404 otherwise); 403 unless they run the round."""
    respondents = Respondent.objects.filter(round__in=visible_rounds(user).values("pk")).select_related(
        "user", "round"
    )
    return get_or_deny(
        user,
        respondents,
        respondent_id,
        sees=lambda u, r: u.has_perm(VIEW_RESULT, r.round),
        perm=lambda u, r: u.has_perm("assessments.manage_round", r.round),
    )


def get_evidence_for(user, file_id) -> EvidenceFile:
    """An evidence file: its respondent's own, and the round's staff who see the result; 404 for everyone
    else."""
    files = EvidenceFile.objects.filter(
        answer__respondent__round__in=visible_rounds(user).values("pk")
    ).select_related("answer__respondent__round")
    return get_or_deny(
        user,
        files,
        file_id,
        sees=lambda u, f: (
            f.answer.respondent.user_id == u.pk or u.has_perm(VIEW_RESULT, f.answer.respondent.round)
        ),
    )


def get_region_for_results(user, region_id) -> Organisation:
    """A region whose shared results the person sees (404 outside what they see, 403 without the right)."""
    regions = visible_organisations(user).filter(kind=Kind.REGION)
    return get_or_deny(user, regions, region_id, perm="assessments.view_region_results")


add_object_perm(VIEW_RESULT, can_view_result)
add_object_perm("assessments.manage_round", can_manage_round)
add_object_perm("assessments.answer_round", can_answer)
add_object_perm("assessments.run_rounds", can_run_rounds)
add_object_perm("assessments.view_region_results", can_view_region_results)
