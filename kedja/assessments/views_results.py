"""A round's result: the page, priorities, and the PDF and Excel exports. Thin: the access layer fetches
(404 outside, 403 without the right), exports.result_report gathers, actions change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kedja.core.files import download_response
from kedja.frameworks.models import Node

from . import actions
from .access import get_round_for
from .exports import answers_workbook, export_filename, report_pdf, result_report
from .forms import PriorityForm
from .models import Priority

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def priority_form(node, priority=None, data=None) -> PriorityForm:
    """One form per item, with ids of its own (several sit on one page)."""
    return PriorityForm(
        data,
        auto_id=f"priority-{node.pk}-%s",
        initial={"action": "mark", "note": priority.note if priority else ""},
    )


def _result_page(request, round_, *, bound: tuple[int, PriorityForm] | None = None, status: int = 200):
    report = result_report(round_)
    can_manage = request.user.has_perm("assessments.manage_round", round_)
    if can_manage:
        for item in report.result.items():
            if bound is not None and bound[0] == item.node.pk:
                item.priority_form = bound[1]
            else:
                item.priority_form = priority_form(item.node, item.priority)
    return render(
        request,
        "assessments/result.html",
        {
            "round": round_,
            "report": report,
            "result": report.result,
            "priorities": report.priorities,
            "can_manage": can_manage,
        },
        status=status,
    )


@login_required
@require_safe
def result(request, round_id):
    round_ = get_round_for(request.user, round_id, "assessments.view_result")
    return _result_page(request, round_)


@login_required
@require_POST
def priority(request, round_id, node_id):
    """Mark an item of the result as a priority (with a note) or unmark it. htmx gets the item's priority
    block back (and the list at the top, out of band); a plain post returns to the item on the page."""
    round_ = get_round_for(request.user, round_id, "assessments.manage_round")
    node = Node.objects.filter(
        pk=node_id, framework_version_id=round_.framework_version_id, kind=Node.Kind.ITEM
    ).first()
    if node is None:
        raise Http404()
    form = priority_form(node, data=request.POST)
    changed = ""
    if form.is_valid():
        try:
            if form.cleaned_data["action"] == "mark":
                actions.mark_priority(round_, node, note=form.cleaned_data["note"], by=request.user)
                changed = _("%(item)s is marked as a priority.") % {"item": node.code}
            else:
                actions.unmark_priority(round_, node, by=request.user)
                changed = _("%(item)s is no longer a priority.") % {"item": node.code}
        except ValidationError as error:
            form.add_error(None, error)
    if not request.htmx:
        if form.errors:
            return _result_page(request, round_, bound=(node.pk, form), status=400)
        messages.success(request, changed)
        return redirect(f"{reverse('assessments:result', args=[round_.pk])}#item-{node.code}")
    current = Priority.objects.filter(round=round_, node=node).first()
    if not form.errors:
        form = priority_form(node, current)
    context = {
        "round": round_,
        "node": node,
        "priority": current,
        "form": form,
        "can_manage": True,
        "changed": changed,
    }
    # htmx swaps only 2xx answers, so a form with errors comes back as 200 with the errors beside the field.
    html = render_to_string("assessments/result.html#priority", context, request=request)
    if not form.errors:
        priorities = list(round_.priorities.select_related("node"))
        html += render_to_string(
            "assessments/result.html#priorities",
            {"round": round_, "priorities": priorities, "oob": True},
            request=request,
        )
    return HttpResponse(html)


@login_required
@require_safe
def export_pdf(request, round_id):
    round_ = get_round_for(request.user, round_id, "assessments.view_result")
    pdf = report_pdf(result_report(round_))
    return download_response(pdf, filename=export_filename(round_, "pdf"), content_type="application/pdf")


@login_required
@require_safe
def export_xlsx(request, round_id):
    round_ = get_round_for(request.user, round_id, "assessments.view_result")
    workbook = answers_workbook(result_report(round_))
    return download_response(workbook, filename=export_filename(round_, "xlsx"), content_type=XLSX)
