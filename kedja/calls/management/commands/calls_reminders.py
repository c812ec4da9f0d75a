"""The programme's daily reminders (kedja/calls/tasks.py): the deliverable N days before it is due and each
confirmed meeting a week before. Run it once a day from cron or a systemd timer (docs/operations.md); a
second run sends nothing new."""

import os

from django.core.management.base import BaseCommand, CommandError

from kedja.calls.tasks import DELIVERABLE_DAYS, send_deliverable_reminders, send_meeting_reminders


class Command(BaseCommand):
    help = (
        "E-mail participants whose deliverable is not delivered N days before it is due, and organisers and "
        "participants a week before each confirmed meeting. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            default=",".join(str(d) for d in DELIVERABLE_DAYS),
            help="Days before the deliverable is due to remind, comma-separated (default: 14,3)",
        )
        parser.add_argument(
            "--base-url",
            default=os.environ.get("KEDJA_BASE_URL", ""),
            help="The site's address for links in the e-mails (default: $KEDJA_BASE_URL)",
        )

    def handle(self, *args, **options):
        try:
            days = tuple(sorted({int(d) for d in options["days"].split(",") if d.strip()}, reverse=True))
        except ValueError:
            raise CommandError("--days takes whole numbers separated by commas, e.g. 14,3") from None
        if not days or min(days) < 0:
            raise CommandError("--days takes whole numbers of 0 or more, e.g. 14,3")
        deliverable = send_deliverable_reminders(days=days, base_url=options["base_url"])
        meetings = send_meeting_reminders(base_url=options["base_url"])
        self.stdout.write(
            f"Deliverable reminders: {deliverable} e-mails. Meeting reminders: {meetings} e-mails."
        )
