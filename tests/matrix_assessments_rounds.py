"""Access matrix for running and answering assessment rounds (kedja/assessments/urls_rounds.py).

Each entry builds its own round lazily in the world's municipality (Norrby), with a small published
framework, and head_of_schools (who is also round staff) as the one respondent. Who may:
- round_list: everyone signed in (the page lists only what the person may see);
- round_new: whoever may run rounds somewhere — the coordinator and admin of Norrby, and the outsider, who is
  admin of their own municipality; everyone else is refused (403: the page exists for all, the right does not);
- round_detail and evidence files: round staff (coordinator, head of schools, admin, reader: view_result);
  a file also to the respondent who uploaded it;
- managing (respondents, close, reopen, sharing): coordinator and admin; head of schools and reader see the
  round but lack the right (403); everyone else 404;
- answering (answer page, items, uploads, submit): the respondent only; everyone else 404, staff included.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from kedja.assessments import actions
from kedja.assessments.factories import add_respondent, make_round
from kedja.assessments.models import Answer, Round
from kedja.frameworks.factories import make_framework_version
from tests.matrix_base import EVERYONE, SIGNED_IN, Entry

STAFF = frozenset({"coordinator", "head_of_schools", "admin", "reader"})
RUNNERS = frozenset({"coordinator", "admin"})
RESPONDENT = "head_of_schools"


def _round(w, **overrides) -> Round:
    round_ = make_round(w.municipality, make_framework_version(areas=1, items=2), **overrides)
    add_respondent(round_, w.people[RESPONDENT])
    return round_


def _round_id(w):
    return [_round(w).pk]


def _closed_round_id(w):
    return [_round(w, status=Round.Status.CLOSED).pk]


def _round_and_item(w):
    round_ = _round(w)
    return [round_.pk, round_.framework_version.items().first().pk]


def _respondent_id(w):
    return [_round(w).respondents.get().pk]


def _evidence_id(w):
    round_ = _round(w)
    answer = Answer.objects.create(
        respondent=round_.respondents.get(), node=round_.framework_version.items().first(), level=2
    )
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    return [actions.attach_evidence(answer, upload, by=w.people[RESPONDENT]).pk]


def _pdf(w, persona):
    return {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")}


ENTRIES = {
    "assessments:round_list": Entry("get", lambda w: [], SIGNED_IN),
    "assessments:round_new": Entry(
        "get",
        lambda w: [],
        RUNNERS | {"outsider"},
        forbidden=EVERYONE - RUNNERS - {"outsider"},
    ),
    "assessments:round_detail": Entry("get", _round_id, STAFF),
    "assessments:respondent_add": Entry(
        "post",
        _round_id,
        RUNNERS,
        forbidden=STAFF - RUNNERS,
        ok=302,
        data=lambda w, p: {"user": w.people["teacher"].pk, "group": "education"},
    ),
    "assessments:respondent_remove": Entry(
        "post", _respondent_id, RUNNERS, forbidden=STAFF - RUNNERS, ok=302
    ),
    "assessments:round_close": Entry("post", _round_id, RUNNERS, forbidden=STAFF - RUNNERS, ok=302),
    "assessments:round_reopen": Entry("post", _closed_round_id, RUNNERS, forbidden=STAFF - RUNNERS, ok=302),
    "assessments:round_sharing": Entry(
        "post",
        _round_id,
        RUNNERS,
        forbidden=STAFF - RUNNERS,
        ok=302,
        data=lambda w, p: {"shares": "on"},
    ),
    "assessments:answer": Entry("get", _round_id, frozenset({RESPONDENT})),
    "assessments:answer_item": Entry(
        "post",
        _round_and_item,
        frozenset({RESPONDENT}),
        ok=302,
        data=lambda w, p: {"level": "2", "evidence": "Plan antagen", "version": ""},
    ),
    "assessments:evidence_upload": Entry("post", _round_and_item, frozenset({RESPONDENT}), ok=302, data=_pdf),
    "assessments:evidence_download": Entry("get", _evidence_id, STAFF),
    "assessments:submit": Entry("post", _round_id, frozenset({RESPONDENT}), ok=302),
}
