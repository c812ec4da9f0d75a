"""Who may see and do what with calls, applications, reviews and programmes (issue 7; part of the one access
layer).

- Organisers: a regional officer or organisation admin at the call's organising organisation (or above it)
  builds, publishes, assigns reviewers, ranks, decides and runs the programme.
- Applicants: people who lead an eligible organisation (coordinator, head of schools, quality developer or
  admin at the municipality or its administration) see the published call and write their organisation's
  one application together; they never see another organisation's application or any score.
- Reviewers: people the organiser named on the call see submitted applications; one who declared a conflict
  of interest on an application sees neither it nor its reviews; a reviewer sees other reviewers' scores on
  an application only after submitting their own.
- Conflicts of interest by membership (kedja.calls.conflicts): a reviewer who belongs to the applying
  organisation, one below it or one above it short of the region is in conflict automatically.
- Participants: after the decision, the accepted organisations' people see the programme.
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value

from kedja.calls.conflicts import related
from kedja.calls.models import Application, Call, Review
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind, Role

from .policy import _is_root, memberships

ORGANISER_ROLES = frozenset({Role.REGIONAL_OFFICER, Role.ORG_ADMIN})
APPLICANT_ROLES = frozenset(
    {Role.MUNICIPAL_COORDINATOR, Role.HEAD_OF_SCHOOLS, Role.QUALITY_DEVELOPER, Role.ORG_ADMIN}
)


def can_organise_at(user, org: Organisation) -> bool:
    """May the person create calls organised by `org`?"""
    if not org.is_active:
        return False
    if _is_root(user):
        return True
    ancestors = set(org.ancestor_ids())
    return any(m.role in ORGANISER_ROLES and m.organisation_id in ancestors for m in memberships(user))


def organiser_orgs(user) -> list[Organisation]:
    return [
        m.organisation
        for m in memberships(user)
        if m.role in ORGANISER_ROLES and m.organisation.kind in (Kind.REGION, Kind.MUNICIPALITY)
    ]


def can_manage_call(user, call: Call) -> bool:
    return can_organise_at(user, call.organiser)


def is_eligible(org: Organisation, call: Call) -> bool:
    if not org.is_active:
        return False
    if call.eligible == Call.Eligible.LISTED:
        if "eligible_organisations" in getattr(call, "_prefetched_objects_cache", {}):
            return any(o.pk == org.pk for o in call.eligible_organisations.all())
        return call.eligible_organisations.filter(pk=org.pk).exists()
    return org.kind == Kind.MUNICIPALITY and call.organiser_id in org.ancestor_ids()[:-1]


def _applicant_candidates(user) -> list[Organisation]:
    """The organisation each applicant-role membership applies for: the municipality of a membership at an
    administration, else the membership's own organisation (cached with the memberships it came from)."""
    mine = memberships(user)
    cached = getattr(user, "_kedja_applicant_candidates", None)
    if cached is not None and cached[0] is mine:
        return cached[1]
    found = []
    for m in mine:
        if m.role not in APPLICANT_ROLES:
            continue
        org = m.organisation
        if org.kind == Kind.ADMINISTRATION:
            org = (
                Organisation.objects.filter(pk__in=org.ancestor_ids(), kind=Kind.MUNICIPALITY).first() or org
            )
        found.append(org)
    if getattr(user, "is_authenticated", False):
        user._kedja_applicant_candidates = (mine, found)
    return found


def applicant_orgs_anywhere(user) -> list[Organisation]:
    """The organisations the person could apply for, whichever the call (eligibility aside)."""
    return list(_applicant_candidates(user))


def applicant_orgs(user, call: Call) -> list[Organisation]:
    """The eligible organisations the person may apply for: the municipality of each applicant-role
    membership at the municipality or its administration."""
    found: dict[int, Organisation] = {}
    for org in _applicant_candidates(user):
        if is_eligible(org, call):
            found[org.pk] = org
    return list(found.values())


def _known(call: Call, user, fact: str):
    """A fact about `user` the list's query annotated on the call (calls_visible_to), else None."""
    if getattr(call, "_kedja_viewer", None) != getattr(user, "pk", None):
        return None
    return getattr(call, fact, None)


def is_reviewer(user, call: Call) -> bool:
    known = _known(call, user, "_kedja_reviews")
    if known is not None:
        return known
    return bool(getattr(user, "pk", None)) and call.reviewers.filter(pk=user.pk).exists()


def can_view_call(user, call: Call) -> bool:
    if can_manage_call(user, call):
        return True
    if call.status == Call.Status.DRAFT:
        return False
    return is_reviewer(user, call) or bool(applicant_orgs(user, call)) or is_participant(user, call)


def can_apply_for(user, call: Call, org: Organisation) -> bool:
    return any(o.pk == org.pk for o in applicant_orgs(user, call))


def membership_conflict(user, application: Application) -> Organisation | None:
    """The organisation through which the person belongs to the applying organisation (calls.conflicts:
    the applicant itself, one below it, or one above it short of the region), or None."""
    for m in memberships(user):
        if related(m.organisation, application.organisation):
            return m.organisation
    return None


def has_conflict(user, application: Application) -> bool:
    """A conflict of interest declared by the reviewer, or one by membership (`membership_conflict`)."""
    if membership_conflict(user, application) is not None:
        return True
    return Review.objects.filter(application=application, reviewer=user, conflict=True).exists()


def can_view_application(user, application: Application) -> bool:
    call = application.call
    if can_apply_for(user, call, application.organisation):
        return True
    if application.status == Application.Status.DRAFT:
        return False
    if can_manage_call(user, call):
        return True
    return is_reviewer(user, call) and not has_conflict(user, application)


def can_edit_application(user, application: Application) -> bool:
    """Applicants of the organisation, while it is a draft (deadline checked by the actions)."""
    return application.status == Application.Status.DRAFT and can_apply_for(
        user, application.call, application.organisation
    )


def can_review(user, application: Application) -> bool:
    return (
        application.status == Application.Status.SUBMITTED
        and is_reviewer(user, application.call)
        and not has_conflict(user, application)
    )


def can_see_scores_of_others(user, application: Application) -> bool:
    """The organiser always; a reviewer only after submitting their own review (and never with a conflict);
    applicants never."""
    if can_manage_call(user, application.call):
        return True
    if not can_review(user, application):
        return False
    return Review.objects.filter(application=application, reviewer=user, submitted_at__isnull=False).exists()


def is_participant(user, call: Call) -> bool:
    """People of an accepted organisation once the decision is published."""
    if call.status != Call.Status.DECIDED:
        return False
    known = _known(call, user, "_kedja_participates")
    if known is not None:
        return known
    accepted = call.applications.filter(decision=Application.Decision.ACCEPTED).values_list(
        "organisation__path", flat=True
    )
    paths = set(accepted)
    return any(any(m.organisation.path.startswith(p) for p in paths) for m in memberships(user))


def can_view_programme(user, call: Call) -> bool:
    return can_manage_call(user, call) or is_participant(user, call)


def calls_visible_to(user, calls: QuerySet | None = None) -> QuerySet:
    """The calls the person may see (the rule of can_view_call) as one query, annotated with what the
    per-call checks would otherwise ask the database for each call (is_reviewer, is_participant; the
    eligible organisations prefetched), so a list of calls costs a fixed number of queries."""
    calls = Call.objects.all() if calls is None else calls
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return calls.none()
    mine = memberships(user)
    if _is_root(user):
        manages = Q(organiser__is_active=True)
    else:
        manages = Q(pk__in=[])
        for m in mine:
            if m.role in ORGANISER_ROLES:
                manages |= Q(organiser__is_active=True, organiser__path__startswith=m.organisation.path)
    reviews = Exists(Call.reviewers.through.objects.filter(call=OuterRef("pk"), user_id=user.pk))
    own_and_above = {pk for m in mine for pk in m.organisation.ancestor_ids()}
    participates = ExpressionWrapper(
        Q(status=Call.Status.DECIDED)
        & Exists(
            Application.objects.filter(
                call=OuterRef("pk"), decision=Application.Decision.ACCEPTED, organisation_id__in=own_and_above
            )
        ),
        output_field=BooleanField(),
    )
    candidates = [org for org in _applicant_candidates(user) if org.is_active]
    listed = [org.pk for org in candidates]
    below = {pk for org in candidates if org.kind == Kind.MUNICIPALITY for pk in org.ancestor_ids()[:-1]}
    applies = Q(
        eligible=Call.Eligible.LISTED,
        pk__in=Call.eligible_organisations.through.objects.filter(organisation_id__in=listed).values(
            "call_id"
        ),
    ) | (~Q(eligible=Call.Eligible.LISTED) & Q(organiser_id__in=below))
    annotated = calls.annotate(
        _kedja_viewer=Value(user.pk), _kedja_reviews=reviews, _kedja_participates=participates
    )
    sees = manages | (
        ~Q(status=Call.Status.DRAFT) & (Q(_kedja_reviews=True) | applies | Q(_kedja_participates=True))
    )
    return annotated.filter(sees).prefetch_related("eligible_organisations")
