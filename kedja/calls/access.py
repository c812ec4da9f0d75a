"""Who may see and do what with calls, applications, reviews and programmes.

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

from kedja.organisations.access import add_object_perm, get_or_deny, is_root, memberships, require
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind, Role

from .conflicts import related
from .models import Application, Call, Meeting, Participant, Review

ORGANISER_ROLES = frozenset({Role.REGIONAL_OFFICER, Role.ORG_ADMIN})
APPLICANT_ROLES = frozenset(
    {Role.MUNICIPAL_COORDINATOR, Role.HEAD_OF_SCHOOLS, Role.QUALITY_DEVELOPER, Role.ORG_ADMIN}
)


def can_organise_at(user, org: Organisation) -> bool:
    """May the person create calls organised by `org`?"""
    if not org.is_active:
        return False
    if is_root(user):
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
    if is_root(user):
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


# --- getters for the views: 404 outside what the person sees, 403 without the right ----------------------


def get_call_for(user, call_id, *, manage: bool = False) -> Call:
    """A call the person may see (can_view_call; 404 otherwise); with `manage`, 403 unless the person
    organises it (can_manage_call)."""
    return get_or_deny(
        user,
        Call.objects.select_related("organiser"),
        call_id,
        sees=can_view_call,
        perm=can_manage_call if manage else None,
    )


def get_call_to_review(user, call_id) -> Call:
    """A call whose applications the person reviews: 404 unless they see the call, 403 unless they were
    named its reviewer."""
    return get_or_deny(
        user, Call.objects.select_related("organiser"), call_id, sees=can_view_call, perm=is_reviewer
    )


def require_organiser_at(user, org: Organisation) -> None:
    """403 unless the person may create calls organised by `org`."""
    require(user, can_organise_at, org)


def get_application_for(user, application_id, *, applicant: bool = False) -> Application:
    """An application the person may see (can_view_application; 404 otherwise); with `applicant`, 403
    unless the person applies for its organisation (organisers and reviewers see it but the applicant's
    pages are not theirs)."""
    return get_or_deny(
        user,
        Application.objects.select_related("call__organiser", "organisation"),
        application_id,
        sees=can_view_application,
        perm=(lambda u, a: can_apply_for(u, a.call, a.organisation)) if applicant else None,
    )


def get_application_to_review(user, application_id) -> Application:
    """A submitted application the person reviews: 404 for those who may not see it (a reviewer who declared
    a conflict of interest no longer does), 403 for those who see it but do not review it."""
    application = get_application_for(user, application_id)
    require(user, _reviews_now, application)
    return application


def _reviews_now(user, application: Application) -> bool:
    """Submitted, the person is named reviewer of its call, and has not declared a conflict of interest."""
    return (
        application.status == Application.Status.SUBMITTED
        and is_reviewer(user, application.call)
        and not Review.objects.filter(application=application, reviewer=user, conflict=True).exists()
    )


def get_application_to_decide(user, application_id) -> Application:
    """An application the person decides on as the call's organiser: 404 for those who may not see it, 403
    for those who see it but do not organise the call."""
    application = get_application_for(user, application_id)
    require(user, lambda u, a: can_manage_call(u, a.call), application)
    return application


def applying_organisations(user, call: Call) -> list[Organisation]:
    """`applicant_orgs`; 403 for those who see the call but apply for nobody."""
    orgs = applicant_orgs(user, call)
    require(user, lambda _user, found: bool(found), orgs)
    return orgs


def get_programme_call_for(user, call_id, *, manage: bool = False) -> Call:
    """A call whose programme the person may see (can_view_programme: its organisers and, once the decision
    is published, the accepted organisations' people; 404 for everyone else, applicants and reviewers
    included); with `manage`, 403 unless the person organises the call."""
    return get_or_deny(
        user,
        Call.objects.select_related("organiser"),
        call_id,
        sees=can_view_programme,
        perm=can_manage_call if manage else None,
    )


def get_meeting_for(user, meeting_id) -> Meeting:
    """A meeting the organiser edits: 404 unless the person sees the programme, 403 unless they organise."""
    meetings = Meeting.objects.select_related("programme__call__organiser")
    return get_or_deny(
        user,
        meetings,
        meeting_id,
        sees=lambda u, m: can_view_programme(u, m.programme.call),
        perm=lambda u, m: can_manage_call(u, m.programme.call),
    )


def get_participant_for(
    user, participant_id, *, deliver: bool = False, manage: bool = False, file: bool = False
) -> Participant:
    """A participant of a programme the person sees (404 otherwise). With `deliver`, 403 unless the person
    uploads for its organisation (calls.deliver); with `manage`, 403 unless the person organises the call;
    with `file`, 403 unless either (the deliverable file is for the organiser and its own people)."""

    def allowed(u, participant) -> bool:
        call = participant.programme.call
        organises = can_manage_call(u, call)
        delivers = u.has_perm("calls.deliver", participant)
        return not (
            (deliver and not delivers) or (manage and not organises) or (file and not (organises or delivers))
        )

    participants = Participant.objects.select_related("programme__call__organiser", "organisation")
    return get_or_deny(
        user,
        participants,
        participant_id,
        sees=lambda u, p: can_view_programme(u, p.programme.call),
        perm=allowed,
    )


def delivers_for(user, participant: Participant) -> bool:
    """The people who upload a participant organisation's deliverable: an applicant role (coordinator, head of
    schools, quality developer, admin) at the organisation or below it, once the decision is published."""
    if participant.programme.call.status != Call.Status.DECIDED:
        return False
    path = participant.organisation.path
    return any(m.role in APPLICANT_ROLES and m.organisation.path.startswith(path) for m in memberships(user))


add_object_perm("calls.deliver", delivers_for)
