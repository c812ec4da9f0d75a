"""Who may reach the framework pages (kedja/frameworks/urls.py).

The pages are requested for a framework owned by the region (Region Norr) and offered to it, so everyone
in the region's tree sees it; partner and outsider (another region) get 404. Only the region's regional
officer changes it (drafts, node edits, publishing); the others who see it get 403.
Importing needs a role that may own a framework: a regional officer, or an organisation admin anywhere —
so the outsider (admin in another region's municipality) may import into their own municipality.
Offering is tried with a shipped framework (which everybody sees) to Region Norr: only its officer may.
"""

from kedja.frameworks import actions
from kedja.frameworks.factories import make_framework_version
from tests.matrix_base import EVERYONE, SIGNED_IN, Entry

IN_REGION = frozenset(
    {"regional_officer", "coordinator", "head_of_schools", "admin", "principal", "teacher", "reader"}
)
EDITS = frozenset({"regional_officer"})
IMPORTS = frozenset({"regional_officer", "admin", "outsider"})


def offered_version(w):
    """A published version of a region-owned framework, offered to the region's municipalities."""
    version = make_framework_version(owner=w.region, key="region-framework")
    actions.publish_to_region(version, w.region)
    return version


def draft_of_offered(w):
    return actions.start_draft(offered_version(w).framework)


ENTRIES = {
    "frameworks:list": Entry("get", lambda w: [], SIGNED_IN),
    "frameworks:import": Entry("get", lambda w: [], IMPORTS, forbidden=EVERYONE - IMPORTS),
    "frameworks:detail": Entry("get", lambda w: [offered_version(w).framework_id], IN_REGION),
    "frameworks:version": Entry("get", lambda w: [offered_version(w).pk], IN_REGION),
    "frameworks:export": Entry("get", lambda w: [offered_version(w).pk], IN_REGION),
    "frameworks:start_draft": Entry(
        "post", lambda w: [offered_version(w).framework_id], EDITS, forbidden=IN_REGION - EDITS, ok=302
    ),
    "frameworks:node_edit": Entry(
        "get",
        lambda w: [draft_of_offered(w).nodes.order_by("position").first().pk],
        EDITS,
        forbidden=IN_REGION - EDITS,
    ),
    "frameworks:publish": Entry(
        "post", lambda w: [draft_of_offered(w).pk], EDITS, forbidden=IN_REGION - EDITS, ok=302
    ),
    "frameworks:offer": Entry(
        "post",
        lambda w: [make_framework_version().pk],
        EDITS,
        forbidden=EVERYONE - EDITS,
        ok=302,
        data=lambda w, p: {"region": w.region.pk},
    ),
}
