from django.core.management.base import BaseCommand

from kedja.frameworks.actions import load_shipped_frameworks


class Command(BaseCommand):
    help = "Load the frameworks that ship with Kedja (idempotent: a changed file becomes a new published version)."

    def handle(self, *args, **options):
        outcome = load_shipped_frameworks()
        for key, result in outcome.items():
            self.stdout.write(f"{key}: {result}")
        if not outcome:
            self.stdout.write("No framework files found.")
