"""The building blocks of the URL × role × tenant matrix (tests/test_url_matrix.py).

Each app with URLs has a module tests/matrix_<app>.py exporting ENTRIES: {url name: Entry}.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.world import PERSONAS, World

EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE


@dataclass(frozen=True)
class Entry:
    method: str
    args: Callable[[World], list]
    allowed: frozenset[str]
    forbidden: frozenset[str] = frozenset()  # sees the object but lacks the right: 403 (the rest get 404)
    public: bool = False
    ok: int = 200
    data: Callable[[World, str], dict] = field(default=lambda w, p: {})
    # What anonymous gets on a public URL (None = same as `ok`)
    anonymous: int | None = None
    # Signing out legitimately ends on the sign-in page
    may_end_at_login: bool = False
    # Pages with student rows need a second factor: each persona's session is verified first
    verified: bool = False


def org_of(attr):
    return lambda w: [getattr(w, attr).pk]


def membership_of(persona):
    return lambda w: [w.membership(persona).pk]


def own_membership(w, persona):
    return {"membership": w.membership(persona).pk} if persona in w.people else {}
