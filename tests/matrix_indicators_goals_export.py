"""Who may download the goal tree as Excel (kedja/indicators/exports.py): whoever sees the goals
(tests/matrix_indicators.py); the partner and the outsider get 404."""

from tests.matrix_base import Entry, org_of
from tests.matrix_indicators import SEES

ENTRIES = {
    "indicators:goals_xlsx": Entry("get", org_of("municipality"), SEES),
}
