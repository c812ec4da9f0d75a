from django.core.management.base import BaseCommand

from kedja.organisations.reference import load_reference_data


class Command(BaseCommand):
    help = "Load Swedish and Norwegian regions and municipalities (idempotent)."

    def handle(self, *args, **options):
        report = load_reference_data()
        self.stdout.write(
            f"Reference data: {report.created} created, {report.updated} updated, {report.unchanged} unchanged."
        )
