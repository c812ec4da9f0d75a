"""Who may reach the documents (kedja/plans/urls_documents.py): whoever sees the municipality's plan sees its
documents page and downloads its documents (tests/matrix_plans.py); the partner and the outsider get 404.
Asking for a new document (a POST, tested in kedja/plans/tests/test_documents.py) is for those who edit the
plan."""

from django.core.files.base import ContentFile

from kedja.plans.models import Document
from tests.matrix_base import Entry, org_of
from tests.matrix_indicators import SEES


def ready_document(w):
    document = Document(
        organisation=w.municipality, kind="strategy", format="pdf", status="ready", progress=100
    )
    document.file.save("strategi.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return [document.pk]


ENTRIES = {
    "plans:documents": Entry("get", org_of("municipality"), SEES),
    "plans:document_file": Entry("get", ready_document, SEES),
}
