"""The embedded default must survive concurrent writers (docs/security.md, "Reliability: SQLite under
concurrent writers"): Django's DEFERRED transactions fail about half of concurrent read-then-write
transactions with "database is locked"."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
WORKER = [sys.executable, "-m", "kedja.core.tests.sqlite_worker"]


def _env(db: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DATABASE_URL=f"sqlite:///{db}", DJANGO_SETTINGS_MODULE="kedja.settings", PYTHONPATH=str(ROOT))
    return env


def _run(args, db):
    return subprocess.run(
        [*WORKER, *args], env=_env(db), cwd=ROOT, capture_output=True, text=True, check=True
    )


def test_sqlite_connection_runs_with_wal_foreign_keys_and_busy_timeout(tmp_path):
    out = json.loads(_run(["pragmas"], tmp_path / "p.sqlite3").stdout)
    assert out["journal_mode"] == "wal"
    assert out["foreign_keys"] == 1
    assert out["busy_timeout"] >= 5000
    assert out["synchronous"] == 1  # NORMAL


def test_eight_concurrent_writer_processes_see_no_lock_error_and_lose_no_update(tmp_path):
    db = tmp_path / "c.sqlite3"
    _run(["init"], db)
    writers, each = 8, 50
    procs = [
        subprocess.Popen(
            [*WORKER, "write", str(each)], env=_env(db), cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for _ in range(writers)
    ]
    results = [json.loads(p.communicate(timeout=120)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sum(r["locked"] for r in results) == 0
    assert sqlite3.connect(db).execute("SELECT n FROM counter").fetchone()[0] == writers * each
