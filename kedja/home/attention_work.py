"""What needs attention, per role, beyond the basics in attention.py: the coordinator's rounds, fragile
money, top gaps and calls; the regional officer's municipalities, calls, meetings and fetches; the
reviewer's applications; the reader's adopted plan. Plain functions over the database, each returning
`attention.Item`s the person may see and act on (each links to where to act)."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kedja.assessments import access as assessment_access
from kedja.assessments.models import Round
from kedja.calls import access as call_access
from kedja.calls.models import Application, Call, Meeting, Review
from kedja.frameworks.selectors import default_framework
from kedja.initiatives import gap_report
from kedja.initiatives.models import Funding, Initiative
from kedja.initiatives.risks import ENDING_SOON
from kedja.kolada.models import FetchRun
from kedja.organisations.models import Membership, Organisation
from kedja.organisations.roles import Kind, Role
from kedja.plans.access import can_view_plan_of, visible_plan_versions

from .attention import Item

TOP_GAPS = 3


def _short(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def municipality_of(org: Organisation) -> Organisation | None:
    if org.kind == Kind.MUNICIPALITY:
        return org
    return Organisation.objects.filter(pk__in=org.ancestor_ids(), kind=Kind.MUNICIPALITY).first()


# --- the coordinator --------------------------------------------------------------------------------------


def round_items(user, org: Organisation) -> list[Item]:
    """Open self-assessment rounds of the municipality, for those who run them: "1 of 3 done" and who has
    not yet marked themselves done, each linking to the round."""
    municipality = municipality_of(org)
    if municipality is None or not assessment_access.can_run_rounds(user, municipality):
        return []
    items = []
    rounds = (
        Round.objects.filter(municipality=municipality, status=Round.Status.OPEN)
        .prefetch_related("respondents__user")
        .order_by("-opened_at", "pk")
    )
    for round_ in rounds:
        respondents = list(round_.respondents.all())
        done = [r for r in respondents if r.submitted_at is not None]
        waiting = sorted(
            r.user.get_full_name() or r.user.email for r in respondents if r.submitted_at is None
        )
        progress = _("%(done)d of %(total)d done") % {"done": len(done), "total": len(respondents)}
        text = (
            _("Not yet done: %(names)s.") % {"names": ", ".join(waiting)}
            if waiting
            else _("Everyone is done: close the round when you are ready.")
        )
        items.append(
            Item(
                _("Self-assessment “%(title)s”: %(progress)s")
                % {"title": round_.title, "progress": progress},
                text,
                reverse("assessments:round_detail", args=[round_.pk]),
                tone="warning" if waiting else "success",
            )
        )
    return items


def funding_items(org: Organisation, today: date) -> list[Item]:
    """The municipality's running initiatives on project money or a grant that ends within a year."""
    municipality = municipality_of(org)
    if municipality is None:
        return []
    ending = (
        Initiative.objects.filter(
            municipality=municipality,
            funding__in=(Funding.PROJECT, Funding.GRANT),
            funding_ends__isnull=False,
            funding_ends__lte=today + ENDING_SOON,
        )
        .filter(Q(ends__isnull=True) | Q(ends__gte=today))
        .order_by("funding_ends", "name")
    )
    links = [
        (
            _("%(name)s (the money ends %(date)s)") % {"name": i.name, "date": _short(i.funding_ends)},
            reverse("initiatives:detail", args=[i.pk]),
        )
        for i in ending
    ]
    if not links:
        return []
    return [
        Item(
            ngettext(
                "%(n)d initiative's funding ends within a year",
                "%(n)d initiatives' funding ends within a year",
                len(links),
            )
            % {"n": len(links)},
            _("Plan how each will go on: the ordinary budget, a new grant, or an end."),
            tone="warning",
            links=links,
        )
    ]


def gap_items(org: Organisation, today: date, *, top: int = TOP_GAPS) -> list[Item]:
    """The municipality's first ranked gaps, each with why it ranks there, linking to it on the gap page."""
    municipality = municipality_of(org)
    framework = default_framework()
    if municipality is None or framework is None:
        return []
    gaps = gap_report.ranked_gaps(municipality, framework, today)[:top]
    if not gaps:
        return []
    page = reverse("initiatives:gaps", args=[municipality.pk])
    return [
        Item(
            _("The gaps to close first"),
            _("Ranked by what the municipality already knows; each says why."),
            page,
            links=[
                (f"{g.rank}. {g.stage_label} · {g.column_label}: {g.reason_text}", f"{page}#gap-{g.rank}")
                for g in gaps
            ],
        )
    ]


def call_items(user, now=None) -> list[Item]:
    """Published calls open now that an organisation of the person may apply to, and its drafts."""
    now = now or timezone.now()
    orgs = call_access.applicant_orgs_anywhere(user)
    if not orgs:
        return []
    open_calls = (
        Call.objects.filter(status=Call.Status.PUBLISHED, opens_at__lte=now, closes_at__gt=now)
        .prefetch_related("eligible_organisations")
        .order_by("closes_at", "pk")
    )
    drafts = {
        a.call_id: a
        for a in Application.objects.filter(
            organisation__in=orgs, status=Application.Status.DRAFT, call__in=open_calls
        )
    }
    items = []
    for call in open_calls:
        if not call_access.applicant_orgs(user, call):
            continue
        closes = date_format(timezone.localtime(call.closes_at), "SHORT_DATETIME_FORMAT")
        if call.pk in drafts:
            items.append(
                Item(
                    _("Your application to “%(title)s” is a draft") % {"title": call.title},
                    _("Submit it before %(closes)s.") % {"closes": closes},
                    reverse("calls:apply", args=[call.pk]),
                    tone="warning",
                )
            )
        else:
            items.append(
                Item(
                    _("Open call: %(title)s") % {"title": call.title},
                    _("You may apply until %(closes)s.") % {"closes": closes},
                    reverse("calls:detail", args=[call.pk]),
                )
            )
    return items


# --- the reviewer -----------------------------------------------------------------------------------------


def review_items(user) -> list[Item]:
    """Submitted applications in calls the person reviews that wait for their review (no conflict declared,
    not yet submitted), with the call's decision date as the deadline."""
    if not getattr(user, "pk", None):
        return []
    mine = Review.objects.filter(application=OuterRef("pk"), reviewer=user).filter(
        Q(submitted_at__isnull=False) | Q(conflict=True)
    )
    waiting = (
        Application.objects.filter(
            call__reviewers=user,
            call__status=Call.Status.PUBLISHED,
            status=Application.Status.SUBMITTED,
        )
        .exclude(Exists(mine))
        .select_related("call", "organisation")
        .order_by("call__decision_by", "call_id", "organisation__name")
    )
    by_call: dict[int, list[Application]] = {}
    for application in waiting:
        by_call.setdefault(application.call_id, []).append(application)
    items = []
    for applications in by_call.values():
        call = applications[0].call
        deadline = _("Decision by %(date)s.") % {"date": _short(call.decision_by)} if call.decision_by else ""
        items.append(
            Item(
                ngettext(
                    "%(n)d application to “%(title)s” waits for your review",
                    "%(n)d applications to “%(title)s” wait for your review",
                    len(applications),
                )
                % {"n": len(applications), "title": call.title},
                deadline,
                reverse("calls:reviews", args=[call.pk]),
                tone="warning",
                links=[(str(a.organisation), reverse("calls:review", args=[a.pk])) for a in applications],
            )
        )
    return items


# --- the regional officer ---------------------------------------------------------------------------------


def _region_municipalities(region: Organisation):
    return Organisation.objects.filter(parent=region, kind=Kind.MUNICIPALITY, is_active=True).order_by("name")


def round_status_label(latest: Round | None) -> str:
    """How the region reads a municipality's self-assessment: open, closed and shared, closed and kept to
    itself, or no round at all (Swedish "Ingen omgång")."""
    if latest is None:
        return _("No round")
    if latest.status == Round.Status.OPEN:
        return _("Round open: %(title)s") % {"title": latest.title}
    if latest.shares_with_region:
        return _("Closed and shared: %(title)s") % {"title": latest.title}
    return _("Closed, not shared: %(title)s") % {"title": latest.title}


def region_round_items(user, region: Organisation) -> list[Item]:
    """Each municipality of the region with its latest self-assessment round's status and sharing."""
    if not assessment_access.can_view_region_results(user, region):
        return []
    municipalities = list(_region_municipalities(region))
    latest: dict[int, Round] = {}
    for round_ in Round.objects.filter(municipality__in=municipalities).order_by("opened_at", "pk"):
        latest[round_.municipality_id] = round_
    links = [
        (
            f"{m}: {round_status_label(latest.get(m.pk))}",
            reverse("organisations:detail", args=[m.pk]),
        )
        for m in municipalities
    ]
    without = sum(1 for m in municipalities if m.pk not in latest)
    text = (
        ngettext("%(n)d municipality has no round yet.", "%(n)d municipalities have no round yet.", without)
        % {"n": without}
        if without
        else _("Every municipality has a round.")
    )
    return [
        Item(
            _("The municipalities' self-assessments"),
            text,
            reverse("assessments:region_overview", args=[region.pk]),
            links=links,
        )
    ]


def region_call_items(region: Organisation, now=None) -> list[Item]:
    """The region's published calls with submitted applications whose reviews are not all in, or that are
    closed and wait for a decision."""
    now = now or timezone.now()
    calls = (
        Call.objects.filter(organiser=region, status=Call.Status.PUBLISHED)
        .annotate(
            submitted=Count(
                "applications", filter=Q(applications__status=Application.Status.SUBMITTED), distinct=True
            ),
            reviewers_n=Count("reviewers", distinct=True),
            reviews_done=Count(
                "applications__reviews",
                filter=Q(applications__status=Application.Status.SUBMITTED)
                & (
                    Q(applications__reviews__submitted_at__isnull=False)
                    | Q(applications__reviews__conflict=True)
                ),
                distinct=True,
            ),
        )
        .order_by("closes_at", "pk")
    )
    items = []
    for call in calls:
        if not call.submitted:
            continue
        missing = call.submitted * call.reviewers_n - call.reviews_done
        if missing > 0:
            items.append(
                Item(
                    _("“%(title)s”: reviews waiting") % {"title": call.title},
                    ngettext(
                        "%(n)d review of %(apps)d submitted applications is not in yet.",
                        "%(n)d reviews of %(apps)d submitted applications are not in yet.",
                        missing,
                    )
                    % {"n": missing, "apps": call.submitted},
                    reverse("calls:ranking", args=[call.pk]),  # the organiser's view of every review
                    tone="warning",
                )
            )
        elif call.closes_at <= now:
            items.append(
                Item(
                    _("“%(title)s”: ready for a decision") % {"title": call.title},
                    _("Every review is in. Rank the applications and publish the decision."),
                    reverse("calls:ranking", args=[call.pk]),
                    tone="warning",
                )
            )
    return items


def next_meeting_items(region: Organisation, today: date) -> list[Item]:
    """The next dated meeting of a programme that follows one of the region's calls."""
    meeting = (
        Meeting.objects.filter(programme__call__organiser=region, date__gte=today)
        .select_related("programme__call")
        .order_by("date", "pk")
        .first()
    )
    if meeting is None:
        return []
    return [
        Item(
            _("Next programme meeting: %(title)s, %(date)s")
            % {"title": meeting.title, "date": _short(meeting.date)},
            meeting.programme.title,
            reverse("calls:programme", args=[meeting.programme.call_id]),
        )
    ]


def kolada_items(region: Organisation) -> list[Item]:
    """The latest statistics fetch for the region or one of its organisations, when it failed."""
    latest = (
        FetchRun.objects.filter(organisation__path__startswith=region.path)
        .exclude(status=FetchRun.Status.RUNNING)
        .order_by("-started_at", "-pk")
        .first()
    )
    if latest is None or latest.status != FetchRun.Status.FAILED:
        return []
    return [
        Item(
            _("The latest fetch from Kolada failed"),
            _("Started %(date)s. Kedja shows the figures it already has; try the fetch again.")
            % {"date": date_format(timezone.localtime(latest.started_at), "SHORT_DATETIME_FORMAT")},
            reverse("indicators:kolada_run", args=[latest.pk]),
            tone="warning",
        )
    ]


def no_coordinator_items(region: Organisation) -> list[Item]:
    """Municipalities of the region where nobody works as STEAM coordinator in Kedja."""
    coordinators = Membership.objects.active().filter(
        organisation=OuterRef("pk"), role=Role.MUNICIPAL_COORDINATOR
    )
    missing = list(_region_municipalities(region).exclude(Exists(coordinators)))
    if not missing:
        return []
    return [
        Item(
            ngettext(
                "%(n)d municipality has no STEAM coordinator in Kedja",
                "%(n)d municipalities have no STEAM coordinator in Kedja",
                len(missing),
            )
            % {"n": len(missing)},
            _("Ask the municipality to invite its coordinator."),
            tone="warning",
            links=[(str(m), reverse("organisations:detail", args=[m.pk])) for m in missing],
        )
    ]


# --- the reader -------------------------------------------------------------------------------------------


def plan_items(user, org: Organisation) -> list[Item]:
    """The latest adopted action plan of the municipality and its documents."""
    municipality = municipality_of(org)
    if municipality is None or not can_view_plan_of(user, municipality):
        return []
    latest = (
        visible_plan_versions(user).filter(organisation=municipality).order_by("-adopted_on", "-pk").first()
    )
    documents = (reverse("plans:documents", args=[municipality.pk]), _("The plan's documents"))
    if latest is None:
        return [
            Item(
                _("No action plan adopted yet"),
                _("The current draft of the action plan and its documents."),
                reverse("plans:plan", args=[municipality.pk]),
                links=[documents[::-1]],
            )
        ]
    return [
        Item(
            _("Adopted action plan: %(title)s") % {"title": latest.title},
            _("Version %(number)d, adopted %(date)s by %(body)s.")
            % {"number": latest.number, "date": _short(latest.adopted_on), "body": latest.adopted_by_body},
            reverse("plans:versions", args=[municipality.pk]),
            links=[documents[::-1]],
        )
    ]


def coordinator_items(user, org: Organisation, today: date | None = None) -> list[Item]:
    today = today or timezone.localdate()
    return round_items(user, org) + funding_items(org, today) + gap_items(org, today) + call_items(user)


def region_items(user, region: Organisation, today: date | None = None) -> list[Item]:
    today = today or timezone.localdate()
    return (
        region_round_items(user, region)
        + region_call_items(region)
        + next_meeting_items(region, today)
        + kolada_items(region)
        + no_coordinator_items(region)
    )
