"""Who may reach the review and the selection (kedja/calls/urls_review.py).

The call is the region's published reference call with the regional officer both its organiser and one of
its reviewers; Norrby kommun has submitted an application. The reviewer (the officer) reaches the review
pages; the organiser (the officer) the ranking, decisions, publication and files. The people who may apply
for Norrby kommun (coordinator, head of schools, admin) see the call and their application, so they get
403 — never a score. Principal, teacher, reader, partner and the outsider in another region get 404.
"""

from datetime import timedelta

from django.utils import timezone

from kedja.calls.factories import make_application, make_call, make_decision
from tests.matrix_base import Entry

OFFICER = frozenset({"regional_officer"})
APPLICANTS = frozenset({"coordinator", "head_of_schools", "admin"})


def _call(w, **overrides):
    return make_call(w.region, reviewers=[w.people["regional_officer"]], **overrides)


def call_with_application(w):
    call = _call(w)
    make_application(call, w.municipality, by=w.people["coordinator"], submit=True)
    return [call.pk]


def submitted_application(w):
    call = _call(w)
    return [make_application(call, w.municipality, by=w.people["coordinator"], submit=True).pk]


def closed_and_decided_call(w):
    now = timezone.now()
    call = _call(w, opens_at=now - timedelta(days=20), closes_at=now - timedelta(days=1))
    application = make_application(call, w.municipality, by=w.people["coordinator"], submit=True)
    make_decision(application, "accepted", by=w.people["regional_officer"])
    return [call.pk]


ENTRIES = {
    "calls:reviews": Entry("get", call_with_application, OFFICER, forbidden=APPLICANTS),
    "calls:review": Entry("get", submitted_application, OFFICER, forbidden=APPLICANTS),
    "calls:ranking": Entry("get", call_with_application, OFFICER, forbidden=APPLICANTS),
    "calls:decide": Entry("get", submitted_application, OFFICER, forbidden=APPLICANTS),
    "calls:publish_decision": Entry("post", closed_and_decided_call, OFFICER, forbidden=APPLICANTS, ok=302),
    "calls:resend_decision_mails": Entry(
        "post", closed_and_decided_call, OFFICER, forbidden=APPLICANTS, ok=302
    ),
    "calls:decision_pdf": Entry("get", call_with_application, OFFICER, forbidden=APPLICANTS),
    "calls:applications_xlsx": Entry("get", call_with_application, OFFICER, forbidden=APPLICANTS),
}
