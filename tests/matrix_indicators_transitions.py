"""Who may reach the transitions view and choose its chain (kedja/indicators/urls_transitions.py).

The same people who see the municipality's goals see its transitions (the regional officer from above);
the coordinator, head of schools and admin choose the chain's KPIs, the others who see it get 403; the
partner and the outsider (another region) get 404.
"""

from tests.matrix_base import Entry, org_of
from tests.matrix_indicators import EDITS, SEES

ENTRIES = {
    "indicators:transitions": Entry("get", org_of("municipality"), SEES),
    "indicators:transitions_chain": Entry("get", org_of("municipality"), EDITS, forbidden=SEES - EDITS),
}
