from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kedja.core.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "Write one archive with the database and every uploaded or generated file (MEDIA_ROOT)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive to write, e.g. /backup/kedja-2026-12-07.tar.gz")

    def handle(self, *args, path, **options):
        target = Path(path)
        if target.exists():
            raise CommandError(f"{target} exists already; choose a new name (a backup never overwrites one).")
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        try:
            summary = make_backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backup written to {summary.path}: {summary.vendor} database and {summary.files} files, "
            f"{summary.path.stat().st_size} bytes, {summary.seconds:.1f} s."
        )
