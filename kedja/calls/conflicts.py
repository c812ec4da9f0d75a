"""Conflicts of interest by membership: a reviewer who belongs to the applying organisation, to one below it
(a school unit of the applying municipality) or to one above it short of the region (the municipality of an
applying administration) is in conflict with that application automatically, as if they had declared it.
The region is left out: it organises the region's calls, and everyone there would otherwise be in conflict
with every municipality. The access layer (calls.access.has_conflict) hides such an application from the
reviewer; the ranking, the decision page and the reviewer picker show the conflict to the organiser."""

from kedja.organisations.models import Membership, Organisation
from kedja.organisations.roles import Kind

from .models import Application, Call


def related(member: Organisation, applicant: Organisation) -> bool:
    """Is `member` the applicant, below it, or above it short of a region or partner?"""
    if member.path.startswith(applicant.path):
        return True
    return applicant.path.startswith(member.path) and member.kind not in (Kind.REGION, Kind.PARTNER)


def membership_conflicts(call: Call, reviewers=None) -> dict[int, dict[int, Organisation]]:
    """{application id: {reviewer id: the reviewer's organisation in conflict}} for the call's applications
    (drafts left out) and its reviewers (or `reviewers`): two queries however many there are."""
    reviewers = list(call.reviewers.all()) if reviewers is None else list(reviewers)
    held = list(
        Membership.objects.active().filter(user__in=reviewers).select_related("organisation").order_by("pk")
    )
    out: dict[int, dict[int, Organisation]] = {}
    applications = call.applications.exclude(status=Application.Status.DRAFT).select_related("organisation")
    for application in applications:
        for m in held:
            if related(m.organisation, application.organisation):
                out.setdefault(application.pk, {}).setdefault(m.user_id, m.organisation)
    return out


def candidate_conflicts(call: Call, people) -> dict[int, list[Organisation]]:
    """{person id: the applying organisations (drafts included: they may still submit) the person belongs
    to}, for the reviewer picker."""
    people = list(people)
    held = list(Membership.objects.active().filter(user__in=people).select_related("organisation"))
    applicants = [a.organisation for a in call.applications.select_related("organisation")]
    out: dict[int, list[Organisation]] = {}
    for m in held:
        for org in applicants:
            if related(m.organisation, org) and org not in out.get(m.user_id, []):
                out.setdefault(m.user_id, []).append(org)
    return out
