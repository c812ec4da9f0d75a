"""Who may reach goals and indicators (kedja/indicators/urls.py).

Everyone with a membership in Norrby kommun or below (the municipality, its administration, its schools)
sees the municipality's goals and indicators; the regional officer sees them from above. The partner and
the outsider (another region) get 404. The coordinator, head of schools and admin edit them (values and
target); the others who see them get 403.
"""

from kedja.indicators.factories import make_goal, make_indicator
from tests.matrix_base import Entry, org_of

SEES = frozenset(
    {"regional_officer", "coordinator", "head_of_schools", "admin", "principal", "teacher", "reader"}
)
EDITS = frozenset({"coordinator", "head_of_schools", "admin"})


def indicator_of_municipality(w):
    goal = make_goal(w.municipality, title="Fler väljer NA/TE")
    return [make_indicator(w.municipality, goal=goal, values={2022: 30.0}).pk]


ENTRIES = {
    "indicators:goals": Entry("get", org_of("municipality"), SEES),
    "indicators:indicator": Entry("get", indicator_of_municipality, SEES),
    "indicators:export_xlsx": Entry("get", indicator_of_municipality, SEES),
    "indicators:export_csv": Entry("get", indicator_of_municipality, SEES),
    "indicators:values": Entry("get", indicator_of_municipality, EDITS, forbidden=SEES - EDITS),
    "indicators:target": Entry(
        "post",
        indicator_of_municipality,
        EDITS,
        forbidden=SEES - EDITS,
        ok=302,
        data=lambda w, p: {"target_value": "50", "target_year": "2030"},
    ),
}
