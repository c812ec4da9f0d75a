"""Mid-term follow-up on the start page, kept small and on its own: which open rounds are not yet filled in.
A row is "not filled in" while it has no score at all. Counting such rows names nobody and reads no score;
the head of schools and the quality developer see only which units are not done, the principal the unit's
figures, a teacher their own groups."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kedja.followup import access as followup_access
from kedja.followup.models import Round, Row
from kedja.organisations import access as organisation_access
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from .attention import Item

EMPTY = Q(scores={})


def _open_rounds(units):
    return (
        Round.objects.filter(school_unit__in=units, status=Round.Status.OPEN)
        .annotate(rows_n=Count("rows"), empty_n=Count("rows", filter=Q(rows__scores={})))
        .select_related("school_unit")
        .order_by("school_unit__name", "-year", "term")
    )


def manager_items(user, org: Organisation) -> list[Item]:
    """Units below the organisation whose follow-up round is open and not yet filled in."""
    if not followup_access.can_view_aggregates(user, org):
        return []
    units = (
        organisation_access.visible_organisations(user)
        .descendants_of(org, include_self=False)
        .filter(kind=Kind.SCHOOL_UNIT)
    )
    waiting = [r for r in _open_rounds(units) if r.empty_n]
    if not waiting:
        return []
    return [
        Item(
            ngettext(
                "%(n)d school unit has not finished its follow-up",
                "%(n)d school units have not finished their follow-up",
                len(waiting),
            )
            % {"n": len(waiting)},
            _("The round is open and some students have no scores yet."),
            reverse("followup:overview", args=[org.pk]),
            tone="warning",
            links=[
                (f"{r.school_unit.name}: {r}", reverse("followup:overview", args=[r.school_unit_id]))
                for r in waiting
            ],
        )
    ]


def principal_items(user, unit: Organisation) -> list[Item]:
    """The unit's open follow-up round: how many students are scored."""
    if not followup_access.can_manage_unit(user, unit):
        return []
    return [
        Item(
            _("Follow-up %(round)s: %(done)d of %(total)d students scored")
            % {"round": r, "done": r.rows_n - r.empty_n, "total": r.rows_n},
            _("Open the unit's follow-up to see which groups are not done.")
            if r.empty_n
            else _("Every student is scored: write the unit's analysis."),
            reverse("followup:unit", args=[unit.pk]),
            tone="warning" if r.empty_n else "success",
        )
        for r in _open_rounds([unit])
    ]


def teacher_items(user, unit: Organisation) -> list[Item]:
    """The person's groups at the unit with students not yet scored in the open round."""
    groups = list(followup_access.visible_groups(user, unit))
    rounds = list(Round.objects.filter(school_unit=unit, status=Round.Status.OPEN).order_by("-year", "term"))
    if not groups or not rounds:
        return []
    empty = dict(
        Row.objects.filter(round__in=rounds, group__in=groups)
        .filter(EMPTY)
        .values("round_id", "group_id")
        .annotate(n=Count("pk"))
        .values_list("group_id", "n")
        .order_by()
    )
    links = [
        (
            ngettext("%(group)s: %(n)d student to score", "%(group)s: %(n)d students to score", empty[g.pk])
            % {"group": g.name, "n": empty[g.pk]},
            reverse("followup:group", args=[rounds[0].pk, g.pk]),
        )
        for g in groups
        if empty.get(g.pk)
    ]
    if not links:
        return []
    return [
        Item(
            _("Fill in the follow-up %(round)s") % {"round": rounds[0]},
            _("Your groups with students not yet scored."),
            tone="warning",
            links=links,
        )
    ]
