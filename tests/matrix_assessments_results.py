"""Who may reach a round's result, its priorities and its exports (kedja/assessments/urls_results.py).

The round belongs to the world's municipality. Its staff (coordinator, head of schools at the
administration, organisation admin, reader) see the result and download the report and the answers; only
those who run rounds (coordinator, admin) mark priorities — the head of schools and the reader see the
round but lack that right (403). Everyone else (the region, schools, partners, another region's admin)
gets 404: a round's existence is not revealed outside the municipality.
"""

from kedja.assessments.factories import add_respondent, answer_all, make_round
from kedja.assessments.models import RespondentGroup
from kedja.frameworks.factories import make_framework_version
from tests.matrix_base import Entry

SEES_RESULT = frozenset({"coordinator", "head_of_schools", "admin", "reader"})
RUNS_ROUNDS = frozenset({"coordinator", "admin"})


def answered_round(w):
    version = make_framework_version(areas=2, items=2)
    round_ = make_round(w.municipality, version, by=w.people["coordinator"])
    answer_all(add_respondent(round_, w.people["coordinator"], RespondentGroup.EDUCATION), [1, 3, 2, None])
    answer_all(add_respondent(round_, w.people["head_of_schools"], RespondentGroup.BUSINESS), [3, 3, 0, 2])
    return round_


def round_args(w):
    return [answered_round(w).pk]


def priority_args(w):
    round_ = answered_round(w)
    return [round_.pk, round_.framework_version.items().first().pk]


ENTRIES = {
    "assessments:result": Entry("get", round_args, SEES_RESULT),
    "assessments:export_pdf": Entry("get", round_args, SEES_RESULT),
    "assessments:export_xlsx": Entry("get", round_args, SEES_RESULT),
    "assessments:priority": Entry(
        "post",
        priority_args,
        RUNS_ROUNDS,
        forbidden=SEES_RESULT - RUNS_ROUNDS,
        ok=302,
        data=lambda w, p: {"action": "mark", "note": "Prioritet från matrisen"},
    ),
}
