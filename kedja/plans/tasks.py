"""The documents as background tasks (docs/plans.md, "Documents"): made in the background because they can
take more than a second, with progress shown and the file kept for download. The view records a Document
(queued) through actions.request_document, which enqueues `generate_document`; with django-tasks-db a
`manage.py db_worker` runs it, in tests the ImmediateBackend runs it at once. The Document row carries status,
progress and the error either way, and the file is saved through the default storage (MEDIA_ROOT)."""

import logging

from django.core.files.base import ContentFile
from django.tasks import task
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Document

logger = logging.getLogger(__name__)

DOCUMENT_LANGUAGE = "sv"  # the documents a Swedish municipality circulates are in Swedish
FILE_STEMS = {Document.Kind.STRATEGY: "steam-strategi", Document.Kind.FOLLOW_UP: "uppfoljning"}


def file_name(document: Document) -> str:
    stem = FILE_STEMS[document.kind]
    organisation = slugify(document.organisation.name) or "organisation"
    when = timezone.localdate(document.requested_at).isoformat()
    return f"{stem}-{organisation}-{when}.{document.format}"


def _progress(document: Document, percent: int, status: str = Document.Status.RUNNING) -> None:
    Document.objects.filter(pk=document.pk).update(status=status, progress=percent)


def make_document(document: Document) -> Document:
    """Gather, render and save one document; the Document row records each step."""
    from .documents import content as gather  # heavy imports (WeasyPrint) only in the worker
    from .documents.docx import render_docx
    from .documents.pdf import render_pdf

    _progress(document, 10)
    with translation.override(DOCUMENT_LANGUAGE):
        if document.kind == Document.Kind.FOLLOW_UP:
            data = gather.follow_up_content(document.organisation, document.period_start, document.period_end)
        else:
            data = gather.strategy_content(document.organisation)
        _progress(document, 40)
        rendered = render_pdf(data) if document.format == Document.Format.PDF else render_docx(data)
    _progress(document, 90)
    document.file.save(file_name(document), ContentFile(rendered), save=False)
    document.status = Document.Status.READY
    document.progress = 100
    document.error = ""
    document.finished_at = timezone.now()
    document.save(update_fields=["file", "status", "progress", "error", "finished_at"])
    return document


@task
def generate_document(document_id: int) -> str:
    document = Document.objects.select_related("organisation").filter(pk=document_id).first()
    if document is None or document.status in (Document.Status.READY, Document.Status.FAILED):
        return document.status if document else "missing"  # a retried task does not make it twice
    try:
        return make_document(document).status
    except Exception as error:  # recorded on the row for the person who asked; the log has the traceback
        logger.exception("Document %s could not be made", document_id)
        Document.objects.filter(pk=document.pk).update(
            status=Document.Status.FAILED,
            error=_("The document could not be made: %(error)s") % {"error": error},
            finished_at=timezone.now(),
        )
        return Document.Status.FAILED
