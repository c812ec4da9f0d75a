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
