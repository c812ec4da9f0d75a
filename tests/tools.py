"""Helpers for tests that need a command-line tool (poppler-utils' pdftotext, pdfinfo, pdfimages;
libreoffice-writer-nogui's soffice): on a laptop without it the test skips with the reason; in CI (CI=true,
where .ci/run installs them) it fails, so a check never goes unrun there."""

import os
import shutil
import subprocess

import pytest


def require_tools(*names: str, package: str = "poppler-utils") -> None:
    missing = [name for name in names if not shutil.which(name)]
    if missing:
        reason = f"{', '.join(missing)} ({package}) not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The PDF's text as pdftotext reads it."""
    require_tools("pdftotext")
    command = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode()


def refresh_planner_statistics() -> None:
    """On PostgreSQL, ANALYZE after a fixture has filled the database inside its open transaction.

    PostgreSQL plans each query from table statistics, and autovacuum never gathers them for rows that an
    uncommitted transaction inserted: to the planner the tables still look empty, and a join over the demo
    world can then take minutes instead of milliseconds. ANALYZE run inside the transaction counts its own
    rows, so the tests meet the plans a real database would use (and the statistics roll back with it)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
