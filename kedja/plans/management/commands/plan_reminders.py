"""The action plan's daily reminders (kedja/plans/reminders.py): responsible people of actions due within a
week or overdue, once per action and due date. Run it once a day from cron or a systemd timer
(docs/operations.md); a second run sends nothing new."""

import os

from django.core.management.base import BaseCommand, CommandError

from kedja.plans.reminders import REMIND_DAYS, send_reminders


class Command(BaseCommand):
    help = "E-mail the people responsible for actions due within a week or overdue. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=REMIND_DAYS, help="Days ahead to remind (default: 7)")
        parser.add_argument(
            "--base-url",
            default=os.environ.get("KEDJA_BASE_URL", ""),
            help="The site's address for links in the e-mails (default: $KEDJA_BASE_URL)",
        )

    def handle(self, *args, **options):
        if options["days"] < 0:
            raise CommandError("--days takes a whole number of 0 or more")
        queued = send_reminders(days=options["days"], base_url=options["base_url"])
        self.stdout.write(f"Action plan reminders: {queued} actions queued for the task worker.")
