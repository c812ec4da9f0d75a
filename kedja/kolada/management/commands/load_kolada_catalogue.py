from django.core.management.base import BaseCommand

from kedja.kolada.store import load_catalogues, load_curated_catalogue


class Command(BaseCommand):
    help = (
        "Load the Kolada KPI catalogue that ships with Kedja: the full v3 catalogue and the curated STEAM "
        "set marked in it (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--curated-only", action="store_true", help="Load only the curated STEAM set (122 KPIs)"
        )

    def handle(self, *args, **options):
        counts = load_curated_catalogue() if options["curated_only"] else load_catalogues()
        self.stdout.write(f"{counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged")
