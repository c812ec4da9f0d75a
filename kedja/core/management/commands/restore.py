from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kedja.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup`: the database is replaced by the backup's, MEDIA_ROOT's files "
        "are moved aside and the backup's files put in their place, then the migrations run. Stop the web "
        "server and the task worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="an archive written by `manage.py backup`")
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the data")

    def handle(self, *args, path, yes, **options):
        if not yes and input("This replaces the database and the files of this Kedja. Type yes: ") != "yes":
            raise CommandError("Nothing was restored.")
        try:
            summary, aside = restore_backup(Path(path))
        except BackupError as error:
            raise CommandError(str(error)) from error
        call_command("migrate", verbosity=0, interactive=False)
        self.stdout.write(
            f"Restored {summary.path}: {summary.vendor} database and {summary.files} files in "
            f"{summary.seconds:.1f} s; migrations applied."
        )
        if aside:
            self.stdout.write(f"The files that were in MEDIA_ROOT before are kept in {aside}.")
        self.stdout.write("Run the retention commands again (followup_retention, housekeeping).")
