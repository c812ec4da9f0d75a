"""Who may reach the follow-up figures above the unit (kedja/followup/urls_overview.py).

Asked of the administration, with a filled round at its school: the head of schools (at the
administration), the regional officer and the reader (above it) may — aggregates only, suppressed. The
coordinator and the organisation admin see the administration but may not see students' figures: 403.
The principal and teacher do not see the administration (their unit only), the partner and the outsider
not at all: 404. No second factor is needed here: no student row is shown (tests/test_followup_log.py).
"""

from kedja.followup.factories import fill_round, make_group, make_round
from tests.matrix_base import Entry

AGGREGATES = frozenset({"head_of_schools", "regional_officer", "reader"})
SEE_BUT_MAY_NOT = frozenset({"coordinator", "admin"})


def administration_with_data(w):
    if getattr(w, "followup_overview", None) is None:
        make_group(w.school, name="9C", students=12)
        fill_round(make_round(w.school), seed=3)
        w.followup_overview = True
    return [w.administration.pk]


ENTRIES = {
    "followup:overview": Entry("get", administration_with_data, AGGREGATES, forbidden=SEE_BUT_MAY_NOT),
    "followup:overview_xlsx": Entry("get", administration_with_data, AGGREGATES, forbidden=SEE_BUT_MAY_NOT),
}
