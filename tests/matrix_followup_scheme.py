"""Who may reach a municipality's follow-up scheme (kedja/followup/urls_scheme.py).

The scheme and its older versions are read by everyone who sees the municipality and by the teachers and
principals of its units (they score against its columns); the editor that makes a new version is the
head of schools' or quality developer's — the others who read the scheme get 403 there. Anyone of another
organisation gets 404. The scheme holds no student data: no second factor is needed (Entry.verified False).
"""

from kedja.followup.actions import ensure_scheme
from tests.matrix_base import Entry

EDITORS = frozenset({"head_of_schools"})
READERS = frozenset({"regional_officer", "coordinator", "admin", "reader", "principal", "teacher"})


def municipality_args(w):
    ensure_scheme(w.municipality)
    return [w.municipality.pk]


def version_args(w):
    return [*municipality_args(w), 1]


ENTRIES = {
    "followup:scheme": Entry("get", municipality_args, EDITORS | READERS),
    "followup:scheme_version": Entry("get", version_args, EDITORS | READERS),
    "followup:scheme_edit": Entry("get", municipality_args, EDITORS, forbidden=READERS),
}
