"""Who may reach the region's view of self-assessment (kedja/assessments/urls_region.py).

Only people with a region role (regional officer, reader, admin at the region) see the region's shared
results. Nobody else among the personas sees the region organisation itself (municipal staff see their
municipality and below), so they get 404 rather than 403: the region page's existence is not revealed.
"""

from tests.matrix_base import Entry, org_of

ENTRIES = {
    "assessments:region_overview": Entry("get", org_of("region"), frozenset({"regional_officer"})),
}
