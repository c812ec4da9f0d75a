"""Who may reach the region's view of self-assessment (kedja/assessments/urls_region.py).

Only people with a region role (regional officer, reader, admin at the region) see the region's shared
results. Nobody else among the personas sees the region organisation itself (municipal staff see their
municipality and below), so they get 404 rather than 403: the region page's existence is not revealed.
The page's Excel file follows the page.
"""

from kedja.frameworks.factories import make_framework_version
from tests.matrix_base import Entry, org_of


def region_with_framework(w):
    """A shipped framework to show (the Excel file needs one; without any framework it is 404)."""
    make_framework_version(areas=2, items=2)
    return [w.region.pk]


ENTRIES = {
    "assessments:region_overview": Entry("get", org_of("region"), frozenset({"regional_officer"})),
    "assessments:region_overview_xlsx": Entry("get", region_with_framework, frozenset({"regional_officer"})),
}
