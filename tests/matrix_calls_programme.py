"""Who may reach the programme that follows a call (kedja/calls/urls_programme.py).

The region's call is decided and Norrby kommun accepted. The regional officer organises: they see the
programme and edit it. Everyone at Norrby kommun or below (coordinator, head of schools, admin, principal,
teacher, reader) is a participant: they see the programme and its calendar but get 403 when editing.
Only the applicant roles (coordinator, head of schools, admin) upload the municipality's deliverable; the
organiser sets its status and, with them, downloads the file. The partner and the outsider in another
region get 404 everywhere.
"""

from django.core.files.base import ContentFile

from kedja.calls.factories import make_call, make_programme
from tests.matrix_base import Entry

ORGANISER = frozenset({"regional_officer"})
DELIVERERS = frozenset({"coordinator", "head_of_schools", "admin"})
PARTICIPANTS = DELIVERERS | {"principal", "teacher", "reader"}
SEES = ORGANISER | PARTICIPANTS


def programme(w, *, from_template: bool = True):
    return make_programme(make_call(w.region), [w.municipality], from_template=from_template)


def call_of_programme(w):
    return [programme(w).call_id]


def call_without_meetings(w):
    return [programme(w, from_template=False).call_id]


def a_meeting(w):
    return [programme(w).meetings.order_by("position").first().pk]


def a_participant(w):
    return [programme(w).participants.get().pk]


def participant_with_file(w):
    participant = programme(w).participants.get()
    participant.deliverable_file.save("plan.pdf", ContentFile(b"%PDF-1.7 plan"), save=True)
    return [participant.pk]


def organiser_page(args):
    return Entry("get", args, ORGANISER, forbidden=PARTICIPANTS)


def organiser_post(args, data=lambda w, p: {}):
    return Entry("post", args, ORGANISER, forbidden=PARTICIPANTS, ok=302, data=data)


ENTRIES = {
    "calls:programme": Entry("get", call_of_programme, SEES),
    "calls:programme_ics": Entry("get", call_of_programme, SEES),
    "calls:programme_xlsx": organiser_page(call_of_programme),
    "calls:programme_edit": organiser_page(call_of_programme),
    "calls:programme_fill": organiser_post(call_without_meetings),
    "calls:meeting_add": organiser_page(call_of_programme),
    "calls:meeting_edit": organiser_page(a_meeting),
    "calls:meeting_delete": organiser_post(a_meeting),
    "calls:deliverable_upload": Entry("get", a_participant, DELIVERERS, forbidden=SEES - DELIVERERS),
    "calls:deliverable_status": organiser_post(
        a_participant, lambda w, p: {"status": "in_progress", "version": 0}
    ),
    "calls:deliverable_file": Entry(
        "get", participant_with_file, ORGANISER | DELIVERERS, forbidden=SEES - ORGANISER - DELIVERERS
    ),
}
