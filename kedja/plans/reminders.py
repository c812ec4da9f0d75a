"""E-mail reminders of the action plan (docs/plans.md, "Start page and reminders"), run daily by `manage.py
plan_reminders` or the task `send_plan_reminders` (docs/operations.md).

Each responsible person of an action that is not done or cancelled is e-mailed when the action is due within
REMIND_DAYS days or is overdue — once per action and due date: the audit log records each reminder (verb
"plan.reminder" with the action and its due date), so a second run sends nothing new, and an action given a
new due date is reminded again when that date comes near. The run only queues one task per action
(`send_action_reminder`); the task worker sends the e-mails, as it does every other e-mail of Kedja.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kedja.organisations.actions import record_event
from kedja.organisations.models import AuditEvent

from . import rules
from .models import Action

REMIND_DAYS = 7
VERB = "plan.reminder"
logger = logging.getLogger(__name__)


def due_for_reminder(today: date, days: int = REMIND_DAYS):
    """Open actions of active organisations due within `days` days or overdue, with responsible people."""
    return (
        Action.objects.filter(
            due__isnull=False, due__lte=today + timedelta(days=days), organisation__is_active=True
        )
        .exclude(status__in=rules.CLOSED)
        .filter(responsible_people__isnull=False)
        .distinct()
        .select_related("organisation")
        .prefetch_related("responsible_people")
        .order_by("due", "pk")
    )


class MailNotSent(RuntimeError):
    """An action's reminder could not be e-mailed to every responsible person (the worker records it)."""


def send_reminders(*, today: date | None = None, days: int = REMIND_DAYS, base_url: str = "") -> int:
    """Queue one task per action that is due for a reminder and not yet reminded for its due date; the task
    worker (django-tasks-db, like every other e-mail of Kedja) sends them. Returns the number queued."""
    today = today or timezone.localdate()
    queued = 0
    for action in due_for_reminder(today, days):
        due = action.due.isoformat()
        if AuditEvent.objects.filter(verb=VERB, detail__action=action.pk, detail__due=due).exists():
            continue
        send_action_reminder.enqueue(action.pk, due, today.isoformat(), base_url)
        queued += 1
    return queued


@task
def send_action_reminder(action_id: int, due: str, today: str, base_url: str = "") -> int:
    """E-mail one action's responsible people, each in their language, then record the reminder (verb
    "plan.reminder" with the action and due date). Nothing is sent when the action is gone, closed, has
    another due date by now or was already reminded for it. If an e-mail fails the others are still tried,
    nothing is recorded (so tomorrow's run tries again) and the task fails with MailNotSent."""
    action = Action.objects.filter(pk=action_id).select_related("organisation").first()
    if action is None or action.status in rules.CLOSED or not action.due or action.due.isoformat() != due:
        return 0
    if AuditEvent.objects.filter(verb=VERB, detail__action=action.pk, detail__due=due).exists():
        return 0
    people = sorted(
        (p for p in action.responsible_people.all() if p.is_active and p.email), key=lambda p: p.email
    )
    url = f"{base_url.rstrip('/')}{reverse('plans:plan', args=[action.organisation_id])}" if base_url else ""
    overdue = rules.is_overdue(action, date.fromisoformat(today))
    failed = 0
    for person in people:
        with translation.override(getattr(person, "language", "") or settings.LANGUAGE_CODE):
            subject = (
                _("Overdue: %(title)s (due %(due)s)") if overdue else _("Reminder: %(title)s is due %(due)s")
            ) % {"title": action.title, "due": due}
            try:
                send_mail(
                    subject=subject,
                    message=render_to_string(
                        "plans/action_reminder_email.txt",
                        {"person": person, "action": action, "overdue": overdue, "url": url},
                    ),
                    from_email=None,
                    recipient_list=[person.email],
                )
            except Exception:
                failed += 1
                logger.exception(
                    "The reminder of action %s could not be e-mailed to user %s", action_id, person.pk
                )
    if failed:
        raise MailNotSent(f"reminder of action {action_id}: {failed} of {len(people)} e-mails failed")
    record_event(
        VERB, by=None, organisation=action.organisation, action=action.pk, due=due, recipients=len(people)
    )
    return len(people)


@task
def send_plan_reminders(base_url: str = "") -> int:
    return send_reminders(base_url=base_url)
