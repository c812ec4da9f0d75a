"""The documents page (docs/plans.md, "Documents"): the documents made for an organisation with their status,
a form to ask for one (made by a background task: plans/tasks.py), and the download. Whoever sees the plan
sees the list and downloads the files; whoever edits the plan asks for new documents (403 for the others)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kedja.core.files import stored_file_response

from . import actions, tasks
from .access import CHANGE, get_document_for, get_plan_organisation_for, require_change
from .documents.forms import DocumentForm
from .models import Document

SHOWN = 20
CONTENT_TYPES = {
    Document.Format.PDF: "application/pdf",
    Document.Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
PENDING = (Document.Status.QUEUED, Document.Status.RUNNING)


def _context(request, org, form=None) -> dict:
    documents = list(Document.objects.filter(organisation=org).select_related("requested_by")[:SHOWN])
    return {
        "organisation": org,
        "documents": documents,
        "pending": any(d.status in PENDING for d in documents),
        "form": form or DocumentForm(initial={"kind": Document.Kind.STRATEGY, "format": Document.Format.PDF}),
        "can_request": request.user.has_perm(CHANGE, org),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def documents(request, org_id):
    org = get_plan_organisation_for(request.user, org_id)
    if request.method == "POST":
        require_change(request.user, org)
        form = DocumentForm(request.POST)
        if not form.is_valid():
            return render(request, "plans/documents.html", _context(request, org, form), status=400)
        data = form.cleaned_data
        document = actions.request_document(
            org,
            kind=data["kind"],
            format=data["format"],
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
            by=request.user,
        )
        messages.success(
            request,
            _("%(document)s (%(format)s) is being made. It appears in the list when it is ready.")
            % {"document": document.get_kind_display(), "format": document.get_format_display()},
        )
        return redirect("plans:documents", org.pk)
    context = _context(request, org)
    if request.htmx:
        return render(request, "plans/documents_list.html", context)
    return render(request, "plans/documents.html", context)


@login_required
@require_safe
def document_file(request, document_id):
    document = get_document_for(request.user, document_id)
    if document.status != Document.Status.READY or not document.file:
        raise Http404()
    return stored_file_response(
        request,
        document.file,
        filename=tasks.file_name(document),
        content_type=CONTENT_TYPES[document.format],
    )
