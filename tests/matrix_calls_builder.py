"""Who may reach the call builder and a call's page (kedja/calls/urls_builder.py).

The regional officer organises the region's calls. A draft is seen by its organisers only (everyone else
gets 404). A published call of the region is also seen by the people who may apply for Norrby kommun
(coordinator, head of schools, admin): they read the call's page but get 403 in the builder. Principal,
teacher, reader, partner and the outsider in another region get 404.
"""

from kedja.calls.factories import make_call
from kedja.calls.models import Call
from tests.matrix_base import SIGNED_IN, Entry, org_of

ORGANISER = frozenset({"regional_officer"})
APPLICANTS = frozenset({"coordinator", "head_of_schools", "admin"})


def published(w):
    return make_call(w.region)


def draft(w):
    return make_call(w.region, status=Call.Status.DRAFT, reviewers=[w.people["regional_officer"]])


def published_call(w):
    return [published(w).pk]


def draft_call(w):
    return [draft(w).pk]


def published_field(w):
    return [published(w).fields.get(key="question_1").pk]


def draft_field(w):
    return [draft(w).fields.get(key="question_1").pk]


def published_criterion(w):
    return [published(w).criteria.order_by("position").first().pk]


def draft_criterion(w):
    return [draft(w).criteria.order_by("position").last().pk]


def builder_page(args):
    return Entry("get", args, ORGANISER, forbidden=APPLICANTS)


def builder_post(args, data=lambda w, p: {}):
    return Entry("post", args, ORGANISER, ok=302, data=data)


ENTRIES = {
    "calls:list": Entry("get", lambda w: [], SIGNED_IN),
    "calls:create": Entry("get", org_of("region"), ORGANISER),
    "calls:detail": Entry("get", published_call, ORGANISER | APPLICANTS),
    "calls:edit": builder_page(published_call),
    "calls:fields": builder_page(published_call),
    "calls:field_edit": builder_page(published_field),
    "calls:field_delete": builder_post(draft_field),
    "calls:field_move": builder_post(draft_field, lambda w, p: {"direction": "up"}),
    "calls:criteria": builder_page(published_call),
    "calls:criterion_edit": builder_page(published_criterion),
    "calls:criterion_delete": builder_post(draft_criterion),
    "calls:criterion_move": builder_post(draft_criterion, lambda w, p: {"direction": "up"}),
    "calls:preview": builder_page(published_call),
    "calls:publish": builder_post(draft_call),
}
