"""Who may reach the gap analysis (kedja/initiatives/urls_gaps.py).

A municipality's gaps are for everyone who works there — at the municipality (coordinator, admin, reader),
its administration (head of schools) or its schools (principal, teacher). The regional officer sees the
municipality but has the region's view instead (403). The region's view is for the region's people only;
municipal staff do not see the region organisation, so they get 404, like the partner and another region's
admin. The cell URL without a chosen cell sends the person to the municipality's gaps (302).
"""

from kedja.frameworks.factories import make_framework_version
from kedja.initiatives.factories import make_initiative
from tests.matrix_base import Entry

WORKS_IN_MUNICIPALITY = frozenset(
    {"coordinator", "head_of_schools", "admin", "reader", "principal", "teacher"}
)
REGION_SEES_IT = frozenset({"regional_officer"})


def mapped(attr):
    """A framework and an initiative of the world's municipality (shared with the region), so every page
    has something to show; then the URL argument."""

    def args(w):
        version = make_framework_version(areas=2, items=2)
        make_initiative(w.school, items=[version.items().first()], stages=["f3", "y4_6"], sharing="region")
        return [getattr(w, attr).pk]

    return args


ENTRIES = {
    "initiatives:gaps": Entry("get", mapped("municipality"), WORKS_IN_MUNICIPALITY, forbidden=REGION_SEES_IT),
    "initiatives:gap_cell": Entry(
        "get", mapped("municipality"), WORKS_IN_MUNICIPALITY, forbidden=REGION_SEES_IT, ok=302
    ),
    "initiatives:gaps_export": Entry(
        "get", mapped("municipality"), WORKS_IN_MUNICIPALITY, forbidden=REGION_SEES_IT
    ),
    "initiatives:region_gaps": Entry("get", mapped("region"), REGION_SEES_IT),
    "initiatives:region_gaps_xlsx": Entry("get", mapped("region"), REGION_SEES_IT),
}
