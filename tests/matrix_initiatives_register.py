"""Who may reach the initiative register (kedja/initiatives/urls_initiatives.py).

Everyone working in Norrby kommun (at the municipality, its administration or a school) sees all its
initiatives. The regional officer sees only those shared with the region ("region" or "all"), so:
- the page is requested for a school-owned initiative shared with the region: the officer sees it;
- the edit form for one shared with the municipality only: the officer gets 404, not 403 (it is not
  shown to the region at all);
- delete and sharing are tried on initiatives the officer sees, so the officer gets 403 there.
The outsider (an admin in another region's municipality) gets 404 even for an initiative shared with
"all": "all" means the region and its other municipalities, never another region.
Editing: the coordinator, head of schools and admin for every initiative of the municipality; the
principal only for their own school's (so 403 on the municipality-owned one). Registering a new
initiative needs a place to register it for: the outsider may, for their own municipality; the teacher,
reader, officer and partner get 403 (there is nothing whose existence to hide).
"""

from kedja.initiatives.factories import make_initiative
from tests.matrix_base import EVERYONE, SIGNED_IN, Entry

IN_MUNICIPALITY = frozenset({"coordinator", "head_of_schools", "admin", "principal", "teacher", "reader"})
EDITS_ALL = frozenset({"coordinator", "head_of_schools", "admin"})
EDITS_SCHOOLS = EDITS_ALL | {"principal"}
CREATES = EDITS_SCHOOLS | {"outsider"}


def school_initiative(sharing):
    return lambda w: [make_initiative(w.school, sharing=sharing).pk]


def municipality_initiative(sharing):
    return lambda w: [make_initiative(w.municipality, sharing=sharing).pk]


ENTRIES = {
    "initiatives:list": Entry("get", lambda w: [], SIGNED_IN),
    "initiatives:new": Entry("get", lambda w: [], CREATES, forbidden=EVERYONE - CREATES),
    "initiatives:detail": Entry("get", school_initiative("region"), IN_MUNICIPALITY | {"regional_officer"}),
    "initiatives:edit": Entry(
        "get", school_initiative("municipality"), EDITS_SCHOOLS, forbidden=IN_MUNICIPALITY - EDITS_SCHOOLS
    ),
    "initiatives:delete": Entry(
        "post",
        municipality_initiative("region"),
        EDITS_ALL,
        forbidden=(IN_MUNICIPALITY | {"regional_officer"}) - EDITS_ALL,
        ok=302,
    ),
    "initiatives:sharing": Entry(
        "post",
        school_initiative("all"),
        EDITS_SCHOOLS,
        forbidden=(IN_MUNICIPALITY | {"regional_officer"}) - EDITS_SCHOOLS,
        ok=302,
        data=lambda w, p: {"sharing": "municipality"},
    ),
}
