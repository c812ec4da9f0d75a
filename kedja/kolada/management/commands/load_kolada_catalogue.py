from django.core.management.base import BaseCommand

from kedja.kolada.store import load_curated_catalogue


class Command(BaseCommand):
    help = "Load the curated Kolada KPI catalogue that ships with Kedja (idempotent)."

    def handle(self, *args, **options):
        counts = load_curated_catalogue()
        self.stdout.write(f"{counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged")
