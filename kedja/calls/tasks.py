"""The programme's reminders (docs/calls.md, "Reminders"), run daily by `manage.py calls_reminders` or the
task `send_reminders` (docs/operations.md):

- the deliverable: the people of each participant organisation whose deliverable is not delivered yet are
  e-mailed N days before it is due (default 14 and 3 days). Participant.reminded_at records the last
  reminder; a reminder is due when today has entered a reminder window (due date − N days) that began after
  the last reminder — so a second run on the same day, or any day before the next window, sends nothing.
- meetings: the organisers and the participants' people are e-mailed once a week before each meeting with
  a confirmed date. The audit log records each reminder (verb "call.meeting_reminder", the meeting and its
  date), so a second run sends nothing new; a meeting moved to another date is announced again.

Recipients are people with an active membership and an e-mail address: at a participant organisation (or
below it) with an applicant role, and at the organising organisation with an organiser role.

The receipt and the decision e-mails (docs/calls.md) are tasks too: actions_apply.submit_application and
actions_review.publish_decision commit first and enqueue them with transaction.on_commit, one task per
application, so a slow or failing mail server never holds the call's lock nor undoes a submission or a
publication. Application.receipt_sent_at / decision_notified_at record that the e-mails went out: a retried
task sends nothing twice once it has succeeded. A task whose e-mail fails logs it and raises, so the worker
records the failure (and the organiser's ranking page shows the applications not notified yet).
"""

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _lazy

from kedja.organisations.actions import record_event
from kedja.organisations.models import AuditEvent, Membership, Organisation

from .access import APPLICANT_ROLES, ORGANISER_ROLES
from .models import Application, Call, Meeting, Participant

logger = logging.getLogger(__name__)
DELIVERABLE_DAYS = (14, 3)
MEETING_DAYS = 7
OPEN_STATUSES = ("not_started", "in_progress")


def people_at(org: Organisation, roles, *, below: bool = True) -> list:
    """Active people with one of `roles` at `org` (and, with `below`, the organisations under it)."""
    memberships = Membership.objects.active().filter(role__in=roles)
    if below:
        memberships = memberships.filter(organisation__path__startswith=org.path)
    else:
        memberships = memberships.filter(organisation=org)
    people = {m.user_id: m.user for m in memberships.select_related("user") if m.user.email}
    return sorted(people.values(), key=lambda u: u.email)


def _send(person, subject, params: dict, template: str, context: dict) -> None:
    """One e-mail in the person's language; `subject` is a lazy translatable text formatted with `params`."""
    with translation.override(getattr(person, "language", "") or settings.LANGUAGE_CODE):
        send_mail(
            subject=str(subject) % {key: str(value) for key, value in params.items()},
            message=render_to_string(template, {**context, "person": person}),
            from_email=None,
            recipient_list=[person.email],
        )


def deliverable_window(due: date, today: date, days=DELIVERABLE_DAYS) -> date | None:
    """The start of the latest reminder window today is in (due − N days), or None (too early or past)."""
    if today > due:
        return None
    started = [due - timedelta(days=n) for n in days if due - timedelta(days=n) <= today]
    return max(started) if started else None


def send_deliverable_reminders(
    *, now: datetime | None = None, days=DELIVERABLE_DAYS, base_url: str = ""
) -> int:
    """E-mail the participants whose deliverable is not delivered; returns the number of e-mails sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    participants = Participant.objects.filter(
        programme__call__status=Call.Status.DECIDED,
        programme__deliverable_due__isnull=False,
        deliverable_status__in=OPEN_STATUSES,
    ).select_related("programme__call__organiser", "organisation")
    for participant in participants:
        programme = participant.programme
        window = deliverable_window(programme.deliverable_due, today, days)
        if window is None:
            continue
        if participant.reminded_at and timezone.localdate(participant.reminded_at) >= window:
            continue
        people = people_at(participant.organisation, APPLICANT_ROLES)
        context = {
            "programme": programme,
            "participant": participant,
            "days_left": (programme.deliverable_due - today).days,
            "url": _programme_url(base_url, programme.call_id),
        }
        for person in people:
            _send(
                person,
                _lazy("Reminder: %(deliverable)s is due %(due)s"),
                {
                    "deliverable": programme.deliverable_title or _lazy("the deliverable"),
                    "due": programme.deliverable_due.isoformat(),
                },
                "calls/programme_deliverable_email.txt",
                context,
            )
        Participant.objects.filter(pk=participant.pk).update(reminded_at=now)
        record_event(
            "call.deliverable_reminder", by=None, organisation=participant.organisation,
            call=programme.call_id, participant=participant.pk, recipients=len(people),
            window=window.isoformat(),
        )  # fmt: skip
        sent += len(people)
    return sent


def send_meeting_reminders(
    *, now: datetime | None = None, days: int = MEETING_DAYS, base_url: str = ""
) -> int:
    """E-mail organisers and participants about each confirmed meeting within `days`; returns e-mails sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    meetings = Meeting.objects.filter(
        programme__call__status=Call.Status.DECIDED, date__gte=today, date__lte=today + timedelta(days=days)
    ).select_related("programme__call__organiser")
    for meeting in meetings:
        when = meeting.date.isoformat()
        if AuditEvent.objects.filter(
            verb="call.meeting_reminder", detail__meeting=meeting.pk, detail__date=when
        ).exists():
            continue
        programme = meeting.programme
        people = {p.pk: p for p in people_at(programme.call.organiser, ORGANISER_ROLES, below=False)}
        for participant in programme.participants.select_related("organisation"):
            people.update({p.pk: p for p in people_at(participant.organisation, APPLICANT_ROLES)})
        context = {
            "meeting": meeting,
            "programme": programme,
            "url": _programme_url(base_url, programme.call_id),
        }
        for person in sorted(people.values(), key=lambda u: u.email):
            _send(
                person,
                _lazy("Reminder: %(meeting)s on %(date)s"),
                {"meeting": meeting.title, "date": when},
                "calls/meeting_reminder_email.txt",
                context,
            )
        record_event(
            "call.meeting_reminder", by=None, organisation=programme.call.organiser, call=programme.call_id,
            meeting=meeting.pk, date=when, recipients=len(people),
        )  # fmt: skip
        sent += len(people)
    return sent


def _programme_url(base_url: str, call_id: int) -> str:
    if not base_url:
        return ""
    return base_url.rstrip("/") + reverse("calls:programme", args=[call_id])


def send_reminders(*, now: datetime | None = None, days=DELIVERABLE_DAYS, base_url: str = "") -> dict:
    return {
        "deliverable": send_deliverable_reminders(now=now, days=days, base_url=base_url),
        "meetings": send_meeting_reminders(now=now, base_url=base_url),
    }


@task
def send_programme_reminders(base_url: str = "") -> dict:
    """The daily reminders as a background task (idempotent: a retried or repeated run sends nothing new)."""
    return send_reminders(base_url=base_url)


# --- the receipt and the decision ------------------------------------------------------------------------


class MailNotSent(Exception):
    """Some e-mails of a task could not be sent (the log has each error); the worker records the failure."""


def _person(user_id):
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


def receipt_recipients(application: Application, submitter, roles=()) -> list[str]:
    """The submitter and the organisation's people with one of `roles` (at the organisation or below it;
    views pass calls.access.APPLICANT_ROLES)."""
    emails = {submitter.email} if getattr(submitter, "email", "") else set()
    emails.update(p.email for p in people_at(application.organisation, roles))
    return sorted(emails)


def decision_recipients(application: Application, roles) -> list:
    """The people told about the decision: who submitted the application and the organisation's people with
    one of `roles` (at the organisation or below it; views pass calls.access.APPLICANT_ROLES)."""
    people = {p.pk: p for p in people_at(application.organisation, roles)}
    submitter = application.submitted_by
    if submitter and submitter.is_active and submitter.email:
        people[submitter.pk] = submitter
    return sorted(people.values(), key=lambda u: u.email)


@task
def send_receipt_mail(
    application_id: int, by_id: int | None, receipt_url: str = "", roles: list | None = None
) -> int:
    """E-mail the receipt of a submitted application (one message, in the submitter's language) to the
    submitter and the organisation's people with `roles`; returns the number of recipients (0 when it was
    already sent)."""
    application = Application.objects.select_related("call", "organisation").get(pk=application_id)
    if application.receipt_sent_at is not None or application.submitted_at is None:
        return 0
    by = _person(by_id)
    recipients = receipt_recipients(application, by, roles or ())
    if recipients:
        with translation.override(getattr(by, "language", "") or settings.LANGUAGE_CODE):
            try:
                send_mail(
                    subject=gettext("Application received: %(title)s") % {"title": application.call.title},
                    message=render_to_string(
                        "calls/receipt_email.txt", {"application": application, "url": receipt_url, "by": by}
                    ),
                    from_email=None,
                    recipient_list=recipients,
                )
            except Exception as error:
                logger.exception("The receipt of application %s could not be e-mailed", application_id)
                raise MailNotSent(f"receipt of application {application_id}") from error
    Application.objects.filter(pk=application_id).update(receipt_sent_at=timezone.now())
    return len(recipients)


@task
def send_decision_mail(
    application_id: int, url: str = "", roles: list | None = None, by_id: int | None = None
) -> int:
    """Tell one application's people about the published decision, each in their own language, then record
    it (Application.decision_notified_at and the audit event "call.decision_notified"); returns the number
    of e-mails sent (0 when they were already sent). Every recipient is tried; if any e-mail fails the
    application stays not notified and the task raises, so a retry sends the decision again."""
    application = Application.objects.select_related("call", "organisation", "submitted_by").get(
        pk=application_id
    )
    call = application.call
    if application.decision_notified_at is not None or call.status != Call.Status.DECIDED:
        return 0
    people = decision_recipients(application, roles or ())
    failed = 0
    for person in people:
        try:
            _send(
                person,
                _lazy("Decision: %(title)s"),
                {"title": call.title},
                "calls/decision_email.txt",
                {"application": application, "url": url},
            )
        except Exception:
            failed += 1
            logger.exception(
                "The decision on application %s could not be e-mailed to user %s", application_id, person.pk
            )
    if failed:
        raise MailNotSent(
            f"decision on application {application_id}: {failed} of {len(people)} e-mails failed"
        )
    with transaction.atomic():
        marked = Application.objects.filter(pk=application_id, decision_notified_at__isnull=True).update(
            decision_notified_at=timezone.now()
        )
        if marked:
            record_event(
                "call.decision_notified", by=_person(by_id), organisation=application.organisation,
                call=call.pk, application=application.pk, decision=application.decision, recipients=len(people),
            )  # fmt: skip
    return len(people)
