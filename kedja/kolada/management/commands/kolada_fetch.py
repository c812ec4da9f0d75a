from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kedja.kolada.client import FakeTransport, KoladaClient
from kedja.kolada.store import fetch, load_curated_catalogue


def _ids(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_years(text: str) -> list[int]:
    """ "2015-2024" or "2019,2021"."""
    years: list[int] = []
    try:
        for part in text.split(","):
            if "-" in part:
                first, last = (int(p) for p in part.split("-", 1))
                years.extend(range(first, last + 1))
            elif part.strip():
                years.append(int(part))
    except ValueError as e:
        raise CommandError(f"Years must look like 2015-2024 or 2019,2021, not {text!r}.") from e
    return sorted(set(years))


class Command(BaseCommand):
    help = "Fetch Kolada values for KPIs × municipalities × years and store them (prints progress)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--kpi", action="append", required=True, help="KPI id(s), e.g. N15419 (repeatable)"
        )
        parser.add_argument("--municipality", action="append", required=True, help="Kolada id(s), e.g. 1880")
        parser.add_argument("--years", required=True, help="e.g. 2015-2024")
        parser.add_argument("--offline-from", help="Serve recorded JSON responses from this directory")
        parser.add_argument("--catalogue", action="store_true", help="Load the curated KPI catalogue first")

    def handle(self, *args, **options):
        if options["catalogue"]:
            counts = load_curated_catalogue()
            self.stdout.write(f"Catalogue: {counts.created} created, {counts.updated} updated")
        transport = None
        if options["offline_from"]:
            directory = Path(options["offline_from"])
            if not directory.is_dir():
                raise CommandError(f"No such directory: {directory}")
            transport = FakeTransport(directory=directory)
        client = KoladaClient(transport=transport)
        run = fetch(
            _ids(options["kpi"]),
            _ids(options["municipality"]),
            parse_years(options["years"]),
            client=client,
            on_progress=lambda r: self.stdout.write(f"{r.progress:3d}%"),
        )
        if run.status == run.Status.FAILED:
            raise CommandError(run.error)
        self.stdout.write(
            self.style.SUCCESS(
                f"Fetch {run.pk}: {run.rows_created} created, {run.rows_updated} updated, "
                f"{run.rows_unchanged} unchanged"
            )
        )
