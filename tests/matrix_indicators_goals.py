"""Who may reach the goal and indicator forms (kedja/indicators/urls_goals.py).

The same people as for the goal page (tests/matrix_indicators.py): everyone in Norrby kommun or below and
the regional officer see the municipality's goals, so those who may not edit them get 403; the partner and
the outsider get 404. The coordinator, head of schools and admin build the tree.
"""

from kedja.indicators.factories import make_goal, make_indicator
from tests.matrix_base import Entry, org_of
from tests.matrix_indicators import EDITS, SEES

FORBIDDEN = SEES - EDITS


def goal_of_municipality(w):
    return [make_goal(w.municipality, title="Fler väljer NA/TE").pk]


def indicator_of_municipality(w):
    return [make_indicator(w.municipality, goal=make_goal(w.municipality)).pk]


ENTRIES = {
    "indicators:goal_create": Entry("get", org_of("municipality"), EDITS, forbidden=FORBIDDEN),
    "indicators:goal_edit": Entry("get", goal_of_municipality, EDITS, forbidden=FORBIDDEN),
    "indicators:goal_move": Entry("get", goal_of_municipality, EDITS, forbidden=FORBIDDEN),
    "indicators:goal_delete": Entry("post", goal_of_municipality, EDITS, forbidden=FORBIDDEN, ok=302),
    "indicators:indicator_create": Entry("get", org_of("municipality"), EDITS, forbidden=FORBIDDEN),
    "indicators:indicator_edit": Entry("get", indicator_of_municipality, EDITS, forbidden=FORBIDDEN),
}
