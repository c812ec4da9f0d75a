"""Delete follow-up rounds past their retention date (kept as counts) and students no longer in any group.
Run daily as a scheduled task: `manage.py followup_retention` (add --dry-run to see what would go)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kedja.followup import retention


class Command(BaseCommand):
    help = (
        "Delete follow-up rounds whose delete_after date has passed (their counts are kept) and old students."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be deleted; delete nothing."
        )
        parser.add_argument("--today", help="The date to count from (YYYY-MM-DD); default today.")

    def handle(self, *args, dry_run=False, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError("--today must be a date like 2027-01-31.") from None
        rounds, students = retention.run(day, dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        for item in rounds:
            self.stdout.write(
                f"{verb}: {item.unit}, {item.round}, {item.rows} rows"
                + ("" if dry_run else f" ({item.aggregates} aggregate counts kept)")
            )
        self.stdout.write(f"{verb}: {len(rounds)} rounds, {students} students in no group and without rows")
