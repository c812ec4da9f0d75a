"""The repository stands alone: no file points a maintainer at something they cannot open.

Kedja was built from briefs and notes kept outside the repository, and from numbered issues in a
tracker. A maintainer who clones Kedja has neither, so comments, docstrings, templates, data files and docs
cite docs/ (docs/domain.md for the domain, docs/security.md and docs/privacy.md for what must hold) or a
public source by its public name — never a brief's file name, a folder outside the repository or an issue
number. This test reads every file of the repository (git's tracked files and new ones not ignored) and
fails naming file:line for any such pointer.
"""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Folders never part of the repository (the same as .gitignore), for a copy without git.
IGNORED_DIRS = {".git", ".venv", "node_modules", "var", "static_vendor", "staticfiles", "__pycache__"}
IGNORED_DIRS |= {".pytest_cache", ".ruff_cache", "test-results"}

# Each pattern with what it catches. The file names are split so that this file does not match itself.
BRIEF_NAMES = "|".join(["DOMAIN", "TRUST", "STYLE", "TOOLCHAIN"])
NOTE_NAMES = "|".join(["kolada_api", "skolverket_api", "suppression"])
SHARED = "shar" + "ed"
POINTERS = [
    (re.compile(rf"\b(?:{BRIEF_NAMES})\.md\b"), "a brief outside the repository"),
    (
        re.compile(rf"\.\./{SHARED}\b|\b{SHARED}/(?:reference\b|[A-Z]+\.md)|/" + "work/"),
        "a folder outside the repository",
    ),
    (re.compile(rf"\b(?:{NOTE_NAMES})\.md\b"), "a note outside the repository"),
    (re.compile(r"\breference" + r" notes?\b", re.IGNORECASE), "a note outside the repository"),
    (re.compile(r"\bissues?\s+#?\d+", re.IGNORECASE), "an issue number"),
]


def repository_files() -> list[str]:
    """Paths relative to ROOT: git's tracked files plus untracked ones that are not ignored; without git (a
    copy of the tree), every file outside the ignored folders."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        return sorted({p for p in out.decode("utf-8").split("\0") if p and (ROOT / p).is_file()})
    except (OSError, subprocess.CalledProcessError):
        return sorted(
            p.relative_to(ROOT).as_posix()
            for p in ROOT.rglob("*")
            if p.is_file() and not IGNORED_DIRS.intersection(p.relative_to(ROOT).parts)
        )


def text_of(path: str) -> str | None:
    """The file's text, or None for a binary file (images, fonts, compiled catalogues)."""
    data = (ROOT / path).read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def pointers_in(text: str) -> list[tuple[int, str, str]]:
    """(line number, what it points at, the matched text) for every outside pointer in `text`."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern, what in POINTERS:
            for match in pattern.finditer(line):
                found.append((number, what, match.group(0)))
    return found


def test_the_patterns_catch_each_kind_of_pointer_and_leave_ordinary_words_alone():
    caught = [
        "see " + "DOMAIN" + ".md §4",
        "(" + SHARED + "/" + "TRUST" + ".md test 11)",
        "STYLE" + ".md §8",
        "../" + SHARED + "/reference/",
        SHARED + "/reference/municipalities_se.csv",
        "/" + "work/" + SHARED + "/",
        "kolada_api" + ".md §2",
        "the " + "reference" + " note",
        "(" + "issue" + " 8)",
        "Issue" + " 7 part 2",
        "issue" + " #12",
    ]
    for line in caught:
        assert pointers_in(line), line
    ordinary = [
        "the decision summary is issued on 7 August",
        "an issue of the report",
        'docs/domain.md, "Calls"',
        "kedja/organisations/data/SOURCES.md",
        "BUN § 12",
        "shared with the region",
    ]
    for line in ordinary:
        assert not pointers_in(line), line


def test_no_file_points_outside_the_repository():
    files = repository_files()
    assert len(files) > 100, "the repository's files were not found"
    problems = []
    for path in files:
        text = text_of(path)
        if text is None:
            continue
        for number, what, matched in pointers_in(text):
            problems.append(f"{path}:{number}: {what}: {matched!r}")
    assert not problems, (
        "Cite docs/ or a public source by name instead (docs/domain.md, docs/security.md, docs/privacy.md):\n"
        + "\n".join(problems)
    )
