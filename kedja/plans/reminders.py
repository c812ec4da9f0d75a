"""E-mail reminders of the action plan (issue 8), run daily by `manage.py plan_reminders` or the task
`send_plan_reminders` (docs/operations.md).

Each responsible person of an action that is not done or cancelled is e-mailed when the action is due within
REMIND_DAYS days or is overdue — once per action and due date: the audit log records each reminder (verb
"plan.reminder" with the action and its due date), so a second run sends nothing new, and an action given a
new due date is reminded again when that date comes near.
"""

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


def send_reminders(*, today: date | None = None, days: int = REMIND_DAYS, base_url: str = "") -> int:
    """Send what is due; returns the number of e-mails sent."""
    today = today or timezone.localdate()
    sent = 0
    for action in due_for_reminder(today, days):
        due = action.due.isoformat()
        if AuditEvent.objects.filter(verb=VERB, detail__action=action.pk, detail__due=due).exists():
            continue
        people = sorted(
            (p for p in action.responsible_people.all() if p.is_active and p.email), key=lambda p: p.email
        )
        url = (
            f"{base_url.rstrip('/')}{reverse('plans:plan', args=[action.organisation_id])}"
            if base_url
            else ""
        )
        overdue = rules.is_overdue(action, today)
        for person in people:
            with translation.override(getattr(person, "language", "") or settings.LANGUAGE_CODE):
                subject = (
                    _("Overdue: %(title)s (due %(due)s)")
                    if overdue
                    else _("Reminder: %(title)s is due %(due)s")
                ) % {"title": action.title, "due": due}
                send_mail(
                    subject=subject,
                    message=render_to_string(
                        "plans/action_reminder_email.txt",
                        {"person": person, "action": action, "overdue": overdue, "url": url},
                    ),
                    from_email=None,
                    recipient_list=[person.email],
                )
        record_event(
            VERB, by=None, organisation=action.organisation, action=action.pk, due=due, recipients=len(people)
        )
        sent += len(people)
    return sent


@task
def send_plan_reminders(base_url: str = "") -> int:
    return send_reminders(base_url=base_url)
