"""Answering a self-assessment round: the respondent's page, autosaved item forms, evidence files.
(Running rounds is in views_rounds.py.)"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kedja.core.concurrency import EditConflict
from kedja.core.files import stored_file_response
from kedja.frameworks.models import Node

from . import actions
from .access import get_evidence_for, get_respondent_for
from .forms import AnswerForm, EvidenceForm
from .models import Answer, Respondent, Round
from .views_rounds import get_item

# --- answering ------------------------------------------------------------------------------------


@dataclass
class ItemEntry:
    """One item on the answer page: the item, its answer (if any) and the forms that change it."""

    node: Node
    answer: Answer | None
    form: AnswerForm
    upload_form: EvidenceForm
    conflict: Answer | None = None  # the saved answer that won, after an edit conflict
    typed: Answer | None = None  # what was posted to a closed round (shown, not saved)

    @property
    def files(self):
        return list(self.answer.files.all()) if self.answer is not None else []


def _answers(respondent: Respondent) -> dict[int, Answer]:
    return {a.node_id: a for a in respondent.answers.prefetch_related("files")}


def _entry(node, answer, *, form=None, upload_form=None, **extra) -> ItemEntry:
    return ItemEntry(
        node=node,
        answer=answer,
        form=form or AnswerForm(node=node, answer=answer),
        upload_form=upload_form or EvidenceForm(node=node),
        **extra,
    )


def _progress(respondent: Respondent) -> dict:
    total = respondent.round.framework_version.items().count()
    answered = respondent.answers.answered().count()
    return {"answered": answered, "total": total}


def _render_answer_page(request, respondent: Respondent, *, replace: ItemEntry | None = None, status=200):
    """The whole answer page; `replace` is the one item shown as just posted (errors, kept input)."""
    round_ = respondent.round
    answers = _answers(respondent)
    areas = []
    current = None
    for node in round_.framework_version.nodes.order_by("position"):
        if node.parent_id is None:
            current = {"node": node, "children": []}
            areas.append(current)
            continue
        if node.kind == Node.Kind.ITEM:
            entry = replace if replace is not None and replace.node.pk == node.pk else None
            current["children"].append(entry or _entry(node, answers.get(node.pk)))
        else:
            current["children"].append({"node": node, "group": True})
    answered = sum(1 for a in answers.values() if a.is_answered)
    total = sum(1 for area in areas for c in area["children"] if isinstance(c, ItemEntry))
    return render(
        request,
        "assessments/answer.html",
        {
            "round": round_,
            "respondent": respondent,
            "areas": areas,
            "progress": {"answered": answered, "total": total},
            "closed": not round_.is_open,
        },
        status=status,
    )


def _render_item(request, respondent: Respondent, entry: ItemEntry, status: int):
    """A whole item: the partial for htmx (swapped over the item), else the page. Used after a failed
    post, and after a save that clears the errors or conflict the item was showing."""
    if not request.htmx:
        return _render_answer_page(request, respondent, replace=entry, status=status)
    response = render(
        request,
        "assessments/answer.html#item_swap",
        {
            "round": respondent.round,
            "respondent": respondent,
            "entry": entry,
            "closed": not respondent.round.is_open,
            "progress": _progress(respondent),
        },
        status=status,
    )
    response["HX-Retarget"] = f"#answer-{entry.node.pk}"
    response["HX-Reswap"] = "outerHTML"
    return response


def _back_to_item(round_: Round, node: Node):
    return redirect(f"{reverse('assessments:answer', args=[round_.pk])}#item-{node.code}")


@login_required
def answer(request, round_id):
    respondent = get_respondent_for(request.user, round_id)
    return _render_answer_page(request, respondent)


@login_required
@require_POST
def answer_item(request, round_id, node_id):
    respondent = get_respondent_for(request.user, round_id)
    node = get_item(respondent, node_id)
    current = Answer.objects.filter(respondent=respondent, node=node).first()
    form = AnswerForm(request.POST, node=node, answer=current)
    if not respondent.round.is_open:
        entry = _entry(node, current, form=form, typed=form.typed_answer())
        return _render_item(request, respondent, entry, 400)
    if not form.is_valid():
        return _render_item(request, respondent, _entry(node, current, form=form), 400)
    with form.saving(current=lambda: Answer.objects.filter(respondent=respondent, node=node).first()):
        saved = actions.save_answer(
            respondent, node, data=form.answer_data(), expected_version=form.expected_version
        )
    if form.conflict:
        current = None if form.conflict is True else form.conflict  # True: the answer was removed
        entry = _entry(node, current, form=form, conflict=current)
        return _render_item(request, respondent, entry, form.response_status)
    if form.errors:  # refused by a rule of save_answer
        return _render_item(request, respondent, _entry(node, current, form=form), form.response_status)
    if request.htmx and form.cleaned_data["recovering"]:
        # The item was showing errors or a conflict: swap the whole item so they go away.
        saved.refresh_from_db()
        return _render_item(request, respondent, _entry(node, saved), 200)
    if request.htmx:
        return render(
            request,
            "assessments/answer.html#saved",
            {"round": respondent.round, "node": node, "answer": saved, "progress": _progress(respondent)},
        )
    messages.success(request, _("Your answer to %(code)s has been saved.") % {"code": node.code})
    return _back_to_item(respondent.round, node)


@login_required
@require_POST
def evidence_upload(request, round_id, node_id):
    respondent = get_respondent_for(request.user, round_id)
    node = get_item(respondent, node_id)
    upload_form = EvidenceForm(request.POST, request.FILES, node=node)
    current = Answer.objects.filter(respondent=respondent, node=node).first()
    status = 400
    if upload_form.is_valid():
        try:
            answer_ = current or actions.save_answer(respondent, node, data={}, expected_version=None)
            evidence = actions.attach_evidence(answer_, upload_form.cleaned_data["file"], by=request.user)
        except ValidationError as error:
            upload_form.add_error("file", error.messages)
        except EditConflict:  # a first answer was saved elsewhere at the same moment: try once more
            upload_form.add_error("file", _("Please try again: the answer was just saved elsewhere."))
            status = 409
        else:
            if request.htmx:
                entry = _entry(node, evidence.answer)
                return render(
                    request,
                    "assessments/answer.html#files",
                    {"round": respondent.round, "entry": entry, "closed": False, "just_uploaded": evidence},
                )
            messages.success(request, _("The file %(name)s has been attached.") % {"name": evidence.name})
            return _back_to_item(respondent.round, node)
        current = Answer.objects.filter(respondent=respondent, node=node).first()
    entry = _entry(node, current, upload_form=upload_form)
    if request.htmx:
        return render(
            request,
            "assessments/answer.html#files",
            {"round": respondent.round, "entry": entry, "closed": not respondent.round.is_open},
            status=status,
        )
    return _render_answer_page(request, respondent, replace=entry, status=status)


@login_required
@require_safe
def evidence_download(request, file_id):
    evidence = get_evidence_for(request.user, file_id)
    return stored_file_response(
        request, evidence.file, filename=evidence.name, content_type=evidence.content_type
    )


@login_required
@require_POST
def submit(request, round_id):
    respondent = get_respondent_for(request.user, round_id)
    try:
        actions.submit_answers(respondent, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assessments:answer", round_id=respondent.round_id)
    progress = _progress(respondent)
    if progress["answered"] < progress["total"]:
        messages.warning(
            request,
            _(
                "Thank you! You have answered %(answered)s of %(total)s items; you can still add answers "
                "while the round is open."
            )
            % progress,
        )
    else:
        messages.success(
            request, _("Thank you! Your answers are in. You can still change them while the round is open.")
        )
    return redirect("assessments:answer", round_id=respondent.round_id)
