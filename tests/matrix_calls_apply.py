"""Who may reach applying (kedja/calls/urls_apply.py).

On a published call of Region Norr, the people who may apply for Norrby kommun (coordinator, head of
schools at its administration, admin) write, save, submit and withdraw its application. The regional
officer organises the call: she sees the call and the submitted application (receipt PDF, attached files)
but the applicant's pages are not hers (403). Principal, teacher, reader, partner and the outsider in
another region get 404.
"""

from django.core.files.base import ContentFile

from kedja.calls.factories import make_application, make_call
from kedja.calls.models import ApplicationFile
from tests.matrix_base import Entry

APPLICANTS = frozenset({"coordinator", "head_of_schools", "admin"})
ORGANISER = frozenset({"regional_officer"})


def small_call(w):
    return [make_call(w.region, from_template=False).pk]


def motivation(w, persona):
    return {"motivation": "Vi vill utveckla matematikundervisningen."}


def submitted(w):
    call = make_call(w.region, from_template=False)
    app = make_application(call, w.municipality, answers={"motivation": "Därför."}, submit=True)
    return app


def submitted_application(w):
    return [submitted(w).pk]


def attached_file(w):
    app = submitted(w)
    stored = ApplicationFile(
        application=app, field_key="plan", name="plan.pdf", size=9, content_type="application/pdf"
    )
    stored.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    stored.save()
    return [stored.pk]


ENTRIES = {
    "calls:apply": Entry("get", small_call, APPLICANTS, forbidden=ORGANISER),
    "calls:autosave": Entry("post", small_call, APPLICANTS, forbidden=ORGANISER, data=motivation),
    "calls:submit": Entry("post", small_call, APPLICANTS, forbidden=ORGANISER, ok=302, data=motivation),
    "calls:my_application": Entry("get", submitted_application, APPLICANTS, forbidden=ORGANISER),
    "calls:receipt": Entry("get", submitted_application, APPLICANTS, forbidden=ORGANISER),
    "calls:receipt_pdf": Entry("get", submitted_application, APPLICANTS | ORGANISER),
    "calls:withdraw": Entry("post", submitted_application, APPLICANTS, forbidden=ORGANISER, ok=302),
    "calls:application_file": Entry("get", attached_file, APPLICANTS | ORGANISER),
}
