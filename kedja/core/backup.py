"""One backup of a Kedja instance: the database and the uploaded and generated files (MEDIA_ROOT) together,
in one .tar.gz archive, and the way back. `manage.py backup PATH` / `manage.py restore PATH`.

The archive holds
- `kedja-backup.json`: what it is (format, database vendor, when, how many files);
- `database.sqlite3` (SQLite, taken with SQLite's online backup API: a consistent copy while Kedja writes,
  WAL included) or `database.dump` (PostgreSQL, `pg_dump --format=custom`);
- `media/…`: every file under MEDIA_ROOT (plan documents, application files, deliverables, evidence, logos).

Restoring writes the database back (SQLite: the backup API again, into the configured database; PostgreSQL:
`pg_restore --clean --if-exists --single-transaction`), moves the current MEDIA_ROOT aside (nothing is
deleted) and unpacks the archive's files in its place, then runs the migrations (an older backup is brought
up to date). Unpacking uses tarfile's "data" filter: no absolute paths, no "..", no links out of the folder.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

FORMAT = 1
MANIFEST = "kedja-backup.json"
SQLITE_NAME = "database.sqlite3"
POSTGRES_NAME = "database.dump"


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words for the operator."""


@dataclass
class Summary:
    path: Path
    vendor: str
    files: int
    seconds: float


def _vendor(alias: str = "default") -> str:
    return connections[alias].vendor  # "sqlite" or "postgresql"


def _pg_args(alias: str = "default") -> tuple[list[str], dict]:
    db = settings.DATABASES[alias]
    args = ["--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def _dump_database(target: Path, alias: str) -> str:
    vendor = _vendor(alias)
    connection = connections[alias]
    if vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target / SQLITE_NAME)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return SQLITE_NAME
    if vendor == "postgresql":
        args, env = _pg_args(alias)
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target / POSTGRES_NAME), *args], env)
        return POSTGRES_NAME
    raise BackupError(f"Backups are made for SQLite and PostgreSQL, not {vendor}.")


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def make_backup(path: Path, *, alias: str = "default", now: datetime | None = None) -> Summary:
    started = datetime.now(UTC)
    path = Path(path)
    media = media_root()
    files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        work = Path(work)
        database = _dump_database(work, alias)
        manifest = {
            "format": FORMAT,
            "vendor": _vendor(alias),
            "database": database,
            "created_at": (now or started).isoformat(),
            "files": len(files),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(work / database, arcname=database)
            for file in files:
                archive.add(file, arcname=f"media/{file.relative_to(media).as_posix()}")
        partial.replace(path)  # a backup is either complete or absent
    seconds = (datetime.now(UTC) - started).total_seconds()
    return Summary(path=path, vendor=manifest["vendor"], files=len(files), seconds=seconds)


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("This is not a Kedja backup (no kedja-backup.json in it).")
    manifest = json.loads(member.read().decode("utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Backup format {manifest.get('format')} is not one this Kedja reads ({FORMAT}).")
    return manifest


def _restore_database(work: Path, manifest: dict, alias: str) -> None:
    vendor = _vendor(alias)
    if manifest["vendor"] != vendor:
        raise BackupError(
            f"The backup is of a {manifest['vendor']} database; this Kedja uses {vendor}. Restore it into a "
            f"Kedja configured for {manifest['vendor']}."
        )
    connection = connections[alias]
    if vendor == "sqlite":
        connection.close()
        connection.ensure_connection()
        source = sqlite3.connect(work / SQLITE_NAME)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    args, env = _pg_args(alias)
    connection.close()
    _run(
        [
            "pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges",
            *args, str(work / POSTGRES_NAME),
        ],
        env,
    )  # fmt: skip


def _restore_media(work: Path) -> Path | None:
    """Put the archive's files in MEDIA_ROOT; the files there before are moved aside, never deleted.
    Returns where they went (None when there were none)."""
    media = media_root()
    unpacked = work / "media"
    unpacked.mkdir(exist_ok=True)
    media.parent.mkdir(parents=True, exist_ok=True)
    aside = None
    if media.exists() and any(media.iterdir()):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        aside = media.with_name(f"{media.name}.before-restore-{stamp}")
        media.rename(aside)
    elif media.exists():
        media.rmdir()
    shutil.move(str(unpacked), str(media))
    return aside


def restore_backup(path: Path, *, alias: str = "default") -> tuple[Summary, Path | None]:
    started = datetime.now(UTC)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    with tempfile.TemporaryDirectory(
        dir=media_root().parent if media_root().parent.exists() else None
    ) as work:
        work = Path(work)
        with tarfile.open(path, "r:gz") as archive:
            manifest = read_manifest(archive)
            archive.extractall(work, filter="data")  # refuses absolute paths, "..", links leaving the folder
        if not (work / manifest["database"]).is_file():
            raise BackupError("The backup has no database in it.")
        _restore_database(work, manifest, alias)
        aside = _restore_media(work)
    seconds = (datetime.now(UTC) - started).total_seconds()
    return Summary(path=path, vendor=manifest["vendor"], files=manifest["files"], seconds=seconds), aside
