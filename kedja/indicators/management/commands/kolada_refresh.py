"""The schedule's entry point: refresh every followed Kolada KPI. Run it from cron or a systemd timer
(docs/operations.md). It lives in indicators, not kolada, because it updates the indicators that follow
the KPIs (kolada may not import indicators)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kedja.indicators.tasks import refresh_followed
from kedja.kolada.client import FakeTransport, KoladaClient


class Command(BaseCommand):
    help = (
        "Refresh every followed Kolada KPI: fetch the last twelve years for each following municipality, "
        "the municipalities of its region and Sweden, store them and update the indicators."
    )

    def add_arguments(self, parser):
        parser.add_argument("--offline-from", help="Serve recorded JSON responses from this directory")

    def handle(self, *args, **options):
        client = None
        if options["offline_from"]:
            directory = Path(options["offline_from"])
            if not directory.is_dir():
                raise CommandError(f"No such directory: {directory}")
            client = KoladaClient(transport=FakeTransport(directory=directory))
        runs = refresh_followed(client=client)
        if not runs:
            self.stdout.write("No Kolada KPI is followed; nothing to fetch.")
            return
        for run in runs:
            self.stdout.write(
                f"Fetch {run.pk} ({', '.join(run.kpi_ids)}; {len(run.area_codes)} areas): {run.get_status_display()}"
                f" – {run.rows_created} created, {run.rows_updated} updated, {run.rows_unchanged} unchanged"
            )
        failed = [run for run in runs if run.status == run.Status.FAILED]
        for run in failed:
            self.stderr.write(run.error)
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(runs)} fetches failed; the stored figures were kept. Try again later."
            )
        self.stdout.write(self.style.SUCCESS(f"{len(runs)} fetches finished."))
