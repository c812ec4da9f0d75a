"""What needs my attention: the start page's items, per role. Plain functions over the database; each
returns items the person may see, computed through the access layer."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kedja.assessments import access as assessment_access
from kedja.assessments.models import Respondent, Round
from kedja.organisations import access as organisation_access
from kedja.organisations.models import Invitation, Membership, Organisation
from kedja.organisations.roles import Kind, Role


@dataclass
class Item:
    title: str
    text: str = ""
    url: str = ""
    tone: str = "info"  # info | warning | success
    links: list[tuple[str, str]] = field(default_factory=list)


def for_membership(user, membership: Membership) -> list[Item]:
    """Attention items for the role the person works as now, by where in the tree that role sits."""
    from . import attention_followup as followup
    from . import attention_work as work

    org = membership.organisation
    items: list[Item] = personal_items(user)
    if organisation_access.can_manage_members(user, org):
        items += _admin_items(org)
    if membership.role == Role.REGIONAL_OFFICER:
        items += work.region_items(user, org)
        items += _region_items(user, org)
    elif membership.role == Role.MUNICIPAL_COORDINATOR:
        items += work.coordinator_items(user, org)
        items += _municipality_items(user, org)
    elif membership.role in (Role.HEAD_OF_SCHOOLS, Role.QUALITY_DEVELOPER):
        items += work.round_items(user, org) + followup.manager_items(user, org)
        items += _municipality_items(user, org)
    elif membership.role == Role.READER:
        items += work.plan_items(user, org)
        # a reader follows the work; inviting principals is not theirs to do
        items += _municipality_items(user, org, flag_missing=False) if org.kind != Kind.REGION else []
    elif membership.role == Role.PRINCIPAL:
        items += followup.principal_items(user, org) + _unit_items(org, membership.role)
    elif membership.role == Role.TEACHER:
        items += followup.teacher_items(user, org) + _unit_items(org, membership.role)
    elif membership.role == Role.PARTNER_CONTACT:
        items += _partner_items(org)
    return items


def personal_items(user) -> list[Item]:
    """What the person is asked to do whatever role they work as (or with no role at all, e.g. an outside
    reviewer of a call): self-assessments to answer, applications to review, their own actions."""
    from . import attention_work as work

    return _answer_items(user) + work.review_items(user) + plan_items(user)


def plan_items(user, today=None) -> list[Item]:
    """Actions of the action plan the person is responsible for that are overdue or due within two weeks
    (plans.rules), whatever role they work as now; each links to its row in the plan."""
    from kedja.plans import rules as plan_rules
    from kedja.plans.access import visible_actions

    today = today or timezone.localdate()
    soon = today + timedelta(days=plan_rules.DUE_SOON_DAYS)
    mine = (
        visible_actions(user)
        .filter(responsible_people=user, due__isnull=False, due__lte=soon)
        .exclude(status__in=plan_rules.CLOSED)
        .select_related("organisation")
        .order_by("due", "pk")
    )
    overdue, due_soon = [], []
    for action in mine:
        link = (
            _("%(title)s (%(org)s, due %(date)s)")
            % {
                "title": action.title,
                "org": action.organisation,
                "date": date_format(action.due, "SHORT_DATE_FORMAT"),
            },
            reverse("plans:plan", args=[action.organisation_id]) + f"#action-{action.pk}",
        )
        if plan_rules.is_overdue(action, today):
            overdue.append(link)
        elif plan_rules.is_due_soon(action, today):
            due_soon.append(link)
    items = []
    if overdue:
        items.append(
            Item(
                ngettext(
                    "%(n)d of your actions is overdue", "%(n)d of your actions are overdue", len(overdue)
                )
                % {"n": len(overdue)},
                _("Update the status and progress, or agree a new due date."),
                tone="warning",
                links=overdue,
            )
        )
    if due_soon:
        items.append(
            Item(
                ngettext(
                    "%(n)d of your actions is due within two weeks",
                    "%(n)d of your actions are due within two weeks",
                    len(due_soon),
                )
                % {"n": len(due_soon)},
                _("Actions of the action plan you are responsible for."),
                links=due_soon,
            )
        )
    return items


def _admin_items(org: Organisation) -> list[Item]:
    now = timezone.now()
    invitations = Invitation.objects.filter(
        organisation__path__startswith=org.path, accepted_at=None, revoked_at=None
    ).aggregate(
        open=Count("pk", filter=Q(expires_at__gt=now)), expired=Count("pk", filter=Q(expires_at__lte=now))
    )
    items = []
    url = reverse("organisations:members", args=[org.pk])
    if invitations["open"]:
        items.append(
            Item(
                ngettext(
                    "%(n)d invitation not yet accepted",
                    "%(n)d invitations not yet accepted",
                    invitations["open"],
                )
                % {"n": invitations["open"]},
                _("People you invited have not yet chosen a password."),
                url,
            )
        )
    if invitations["expired"]:
        items.append(
            Item(
                ngettext(
                    "%(n)d invitation has expired", "%(n)d invitations have expired", invitations["expired"]
                )
                % {"n": invitations["expired"]},
                _("Withdraw expired invitations and send new ones."),
                url,
                tone="warning",
            )
        )
    if not org.org_number and org.kind != Kind.SCHOOL_UNIT:
        items.append(
            Item(
                _("The organisation number is missing"),
                _("Calls and applications need it. Add it to the organisation's details."),
                reverse("organisations:edit", args=[org.pk]),
                tone="warning",
            )
        )
    return items


def _answer_items(user) -> list[Item]:
    """Self-assessments the person is asked to answer and has not yet said they are done with."""
    waiting = (
        Respondent.objects.filter(user=user, round__status=Round.Status.OPEN, submitted_at=None)
        .select_related("round__municipality")
        .with_answered()
    )
    items = []
    for respondent in waiting:
        total = respondent.round.framework_version.nodes.filter(kind="item").count()
        items.append(
            Item(
                _("Answer the self-assessment “%(title)s”") % {"title": respondent.round.title},
                _("%(org)s · %(done)d of %(total)d items answered. Your answers are saved as you go.")
                % {"org": respondent.round.municipality, "done": respondent.answered, "total": total},
                reverse("assessments:answer", args=[respondent.round_id]),
                tone="warning",
            )
        )
    return items


def _region_items(user, region: Organisation) -> list[Item]:
    municipalities = (
        organisation_access.visible_organisations(user)
        .filter(parent=region, kind=Kind.MUNICIPALITY)
        .order_by("name")
    )
    links = [(str(m), reverse("organisations:detail", args=[m.pk])) for m in municipalities]
    shared = (
        Round.objects.filter(municipality__parent=region, status=Round.Status.CLOSED, shares_with_region=True)
        .values("municipality")
        .distinct()
        .count()
    )
    overview = []
    if assessment_access.can_view_region_results(user, region):
        overview.append(
            Item(
                ngettext(
                    "%(n)d municipality shares its self-assessment",
                    "%(n)d municipalities share their self-assessment",
                    shared,
                )
                % {"n": shared},
                _("See the region's heat map of areas and which municipalities have a round open."),
                reverse("assessments:region_overview", args=[region.pk]),
            )
        )
        overview.append(
            Item(
                _("Gaps in the chain across the region"),
                _("Municipalities × stages of the education chain, from the initiatives they share."),
                reverse("initiatives:region_gaps", args=[region.pk]),
            )
        )
    return overview + [
        Item(
            ngettext("%(n)d municipality in your region", "%(n)d municipalities in your region", len(links))
            % {"n": len(links)},
            _("Open a municipality to see its units and contacts."),
            reverse("organisations:detail", args=[region.pk]),
            # the round status item lists every municipality already, for those who see the results
            links=[] if assessment_access.can_view_region_results(user, region) else links,
        )
    ]


def _municipality_items(user, org: Organisation, *, flag_missing: bool = True) -> list[Item]:
    units = (
        organisation_access.visible_organisations(user)
        .descendants_of(org, include_self=False)
        .order_by("path")
    )
    links = [(u.name, reverse("organisations:detail", args=[u.pk])) for u in units]
    without_people = (
        units.filter(kind=Kind.SCHOOL_UNIT)
        .annotate(n=Count("memberships", filter=Q(memberships__is_active=True)))
        .filter(n=0)
    )
    items = [
        Item(
            ngettext("%(n)d unit in %(org)s", "%(n)d units in %(org)s", len(links))
            % {"n": len(links), "org": org},
            _("Administrations and school units that belong to your organisation."),
            reverse("organisations:detail", args=[org.pk]),
            links=links,
        )
    ]
    missing = list(without_people) if flag_missing else []
    if missing:
        items.append(
            Item(
                ngettext(
                    "%(n)d school unit has nobody in Kedja yet",
                    "%(n)d school units have nobody in Kedja yet",
                    len(missing),
                )
                % {"n": len(missing)},
                _("Ask the organisation admin to invite the principals."),
                tone="warning",
                links=[(u.name, reverse("organisations:detail", args=[u.pk])) for u in missing],
            )
        )
    return items


def _unit_items(org: Organisation, role: str) -> list[Item]:
    from kedja.followup.models import Round as FollowupRound

    open_round = (
        FollowupRound.objects.filter(school_unit=org, status=FollowupRound.Status.OPEN)
        .order_by("-year", "-term")
        .first()
    )
    if role == Role.PRINCIPAL:
        return [
            Item(
                str(org),
                _("Your school unit's page: its people and details."),
                reverse("organisations:detail", args=[org.pk]),
            ),
            Item(
                _("Mid-term follow-up at %(unit)s") % {"unit": org},
                _("Rounds, groups, students, results and the access log of the unit's follow-up."),
                reverse("followup:unit", args=[org.pk]),
            ),
        ]
    if open_round is not None:
        return [
            Item(
                str(org),
                _("Your school unit's page: its people and details."),
                reverse("organisations:detail", args=[org.pk]),
            ),
            Item(
                _("Mid-term follow-up: %(round)s is open") % {"round": open_round},
                _("Fill in your groups' scores under My groups."),
                reverse("followup:my_groups"),
            ),
        ]
    text = _("Your school unit. Your groups appear here once mid-term follow-up is in use.")
    return [Item(str(org), text, reverse("organisations:detail", args=[org.pk]))]


def _partner_items(org: Organisation) -> list[Item]:
    items = [
        Item(str(org), _("Your partner organisation's page."), reverse("organisations:detail", args=[org.pk]))
    ]
    if not org.email:
        items.append(
            Item(
                _("Add a contact e-mail address"),
                _("Municipalities and regions use it to reach your organisation."),
                reverse("organisations:edit", args=[org.pk]),
                tone="warning",
            )
        )
    return items
