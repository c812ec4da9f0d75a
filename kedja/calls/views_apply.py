"""Applying (docs/calls.md, "Applying"): an eligible organisation's people write its one application together
(a draft saved by hand and by autosave, versioned so a colleague's save is never overwritten), submit it
before the closing time (server clock) and get a receipt page, a PDF and an e-mail; they can withdraw before
the deadline and follow the status and, once published, the decision. Thin: the access layer decides who sees
(404) and who may act (403), kedja.calls.actions_apply writes."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kedja.core.concurrency import EditConflict
from kedja.core.files import download_response, stored_file_response
from kedja.core.forms import apply_errors
from kedja.core.pdf import html_to_pdf

from . import access as call_access
from . import actions_apply as actions
from .access import get_application_for, get_call_for
from .forms_render import VERSION, StartedFromForm, build_form, prefill_answers
from .models import Application, ApplicationFile, Call, CallField, FieldKind
from .rules import is_open, overflow, text_length

STOCKHOLM = ZoneInfo("Europe/Stockholm")


# --- helpers ------------------------------------------------------------------------------------------


def _applying_org(request, call: Call):
    """The organisation the person applies for: the only one, or `?org=` among several (None: let them
    choose). 403 for those who see the call but apply for nobody; 404 for an `org` not theirs."""
    orgs = call_access.applying_organisations(request.user, call)
    wanted = request.GET.get("org")
    if wanted:
        org = next((o for o in orgs if str(o.pk) == wanted), None)
        if org is None:
            raise Http404()
        return org, orgs
    return (orgs[0] if len(orgs) == 1 else None), orgs


def _apply_url(call: Call, org) -> str:
    return f"{reverse('calls:apply', args=[call.pk])}?org={org.pk}"


def _raw_answer(field: CallField, bound):
    value = bound.value()
    if field.kind == FieldKind.PERSON:
        parts = list(value) if isinstance(value, (list, tuple)) else ["", ""]
        parts += ["", ""]
        return {"name": parts[0] or "", "title": parts[1] or ""}
    if field.kind == FieldKind.DECLARATION:
        return bool(value)
    return "" if value is None else str(value)


def draft_answers(form) -> dict:
    """What the person wrote, as answers, whether valid or not: cleaned values where a field is valid and
    the text as typed where it is not (a draft never loses text; submitting checks everything)."""
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    answers = {}
    for field, bound in form.layout:
        if bound is None or field.kind == FieldKind.FILE:
            continue
        if field.key in cleaned and field.key not in form.errors:
            value = cleaned[field.key]
            answers[field.key] = value.isoformat() if field.kind == FieldKind.DATE and value else value
            if field.kind == FieldKind.DATE and not value:
                answers[field.key] = ""
        else:
            answers[field.key] = _raw_answer(field, bound)
    return answers


def answer_text(field: CallField, value) -> str:
    """An answer as text for the read-only views, the PDF and the conflict comparison."""
    if field.kind == FieldKind.PERSON and isinstance(value, dict):
        return ", ".join(part for part in (value.get("name"), value.get("title")) if part)
    if field.kind == FieldKind.DECLARATION:
        return _("Yes, confirmed") if value else _("Not confirmed")
    return "" if value in (None, "") else str(value)


def answer_rows(application: Application) -> list[dict]:
    """The form's fields in order with the answers as text (headings included, to structure the page)."""
    rows = []
    for field in application.call.fields.order_by("position", "pk"):
        value = application.answers.get(field.key)
        row = {"field": field, "text": answer_text(field, value), "file": None}
        if field.kind == FieldKind.FILE:
            row["file"] = application.files.filter(field_key=field.key).first()
        rows.append(row)
    return rows


def keep_chosen(post, answers: dict, application: Application | None) -> dict:
    """After an edit conflict the page lists the answers that differ, each with a choice: keep the
    colleague's saved answer (the default) or use one's own. Saving again takes the colleague's answer for
    every listed field not explicitly chosen as one's own, so a second save never silently overwrites what
    the colleague wrote."""
    if application is None:
        return answers
    answers = dict(answers)
    for key in post.getlist(CONFLICT_KEY):
        if post.get(f"{KEEP_PREFIX}{key}") != "mine" and key in answers:
            answers[key] = application.answers.get(key, "")
    return answers


def differences(call: Call, mine: dict, saved: dict) -> list[dict]:
    """The fields where what the person wrote differs from what a colleague saved."""
    rows = []
    for field in call.fields.order_by("position", "pk"):
        if field.kind in (FieldKind.HEADING, FieldKind.FILE) or field.key not in mine:
            continue
        ours, theirs = answer_text(field, mine.get(field.key)), answer_text(field, saved.get(field.key))
        if ours.replace("\r\n", "\n") != theirs.replace("\r\n", "\n"):
            rows.append({"key": field.key, "label": field.label, "saved": theirs, "mine": ours})
    return rows


CONFLICT_KEY = "_conflict_key"
KEEP_PREFIX = "_keep_"


def _posted_version(request, application: Application, created: bool) -> int:
    """The version the person started from; a new application is at its first version, and a page opened
    before a colleague started the application has none (a conflict)."""
    if created:
        return application.version
    started_from = StartedFromForm(request.POST)
    started_from.is_valid()
    return started_from.expected_version


def _store_uploads(form, application, user) -> None:
    for field, bound in form.layout:
        if field.kind != FieldKind.FILE or bound is None or field.key in form.errors:
            continue
        upload = getattr(form, "cleaned_data", {}).get(field.key)
        if upload and hasattr(upload, "size"):
            actions.store_file(application, field.key, upload, by=user)


def _counters(form) -> dict:
    """The server's count for each long text with a limit (the counter script shows the same numbers)."""
    counts = {}
    for field, bound in form.layout:
        if bound is not None and field.kind == FieldKind.LONG_TEXT and field.max_chars:
            text = bound.value() or ""
            counts[field.key] = {
                "length": text_length(text),
                "limit": field.max_chars,
                "over": overflow(text, field.max_chars),
            }
            # The count (and help, errors) describe the text area, so a screen reader announces them.
            described = [f"{bound.auto_id}_help"] if bound.help_text else []
            described += [f"{bound.auto_id}_count"] + ([f"{bound.auto_id}_error"] if bound.errors else [])
            attrs = bound.field.widget.attrs
            attrs.update({"class": "ds-input", "aria-describedby": " ".join(described)})
            if bound.errors:
                attrs["aria-invalid"] = "true"
    return counts


def _render_form(request, call, org, orgs, application, form, *, conflict=None, status=200, version=None):
    files = {f.field_key: f for f in application.files.all()} if application else {}
    counters = _counters(form)
    layout = [
        {"field": f, "bound": b, "file": files.get(f.key), "counter": counters.get(f.key)}
        for f, b in form.layout
    ]
    context = {
        "call": call,
        "org": org,
        "orgs": orgs,
        "application": application,
        "form": form,
        "layout": layout,
        "conflict": conflict,
        "version": application.version if version is None and application else version,
        "version_name": VERSION,
        "apply_url": _apply_url(call, org),
        "submit_url": f"{reverse('calls:submit', args=[call.pk])}?org={org.pk}",
        "autosave_url": f"{reverse('calls:autosave', args=[call.pk])}?org={org.pk}",
        "closes_local": timezone.localtime(call.closes_at, STOCKHOLM),
        "is_open": is_open(call),
    }
    return render(request, "calls/apply_form.html", context, status=status)


def _render_closed(request, call, org, orgs, application, *, status=200):
    context = {
        "call": call,
        "org": org,
        "orgs": orgs,
        "application": application,
        "rows": answer_rows(application) if application else [],
        "closes_local": timezone.localtime(call.closes_at, STOCKHOLM),
        "not_yet": timezone.now() < call.opens_at,
    }
    return render(request, "calls/apply_closed.html", context, status=status)


def _start_or_closed(request, call, org):
    """(application, created) or None when the call is not open."""
    try:
        return actions.start_application(call, org, by=request.user)
    except actions.CallClosed:
        return None


# --- applying -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, call_id):
    """Start or continue the organisation's application; POST saves a draft (nothing validated as
    required, nothing truncated)."""
    call = get_call_for(request.user, call_id)
    org, orgs = _applying_org(request, call)
    if org is None:
        return render(request, "calls/apply_choose.html", {"call": call, "orgs": orgs})
    application = actions.current_application(call, org)
    if application is not None and application.status != Application.Status.DRAFT:
        return redirect("calls:my_application", application.pk)
    if not is_open(call):
        if request.method == "POST":
            messages.error(request, actions.CallClosed().message)
        return _render_closed(request, call, org, orgs, application)
    if request.method != "POST":
        answers = application.answers if application else prefill_answers(call, org)
        return _render_form(request, call, org, orgs, application, build_form(call, answers=answers))

    form = build_form(
        call, request.POST, request.FILES, answers=application.answers if application else {}, draft=True
    )
    answers = keep_chosen(request.POST, draft_answers(form), application)
    started = _start_or_closed(request, call, org)
    if started is None:
        messages.error(request, actions.CallClosed().message)
        return _render_closed(request, call, org, orgs, application)
    application, created = started
    try:
        actions.save_draft(
            application,
            answers,
            expected_version=_posted_version(request, application, created),
            by=request.user,
        )
    except EditConflict:
        application.refresh_from_db()
        return _render_form(
            request,
            call,
            org,
            orgs,
            application,
            form,
            conflict=differences(call, answers, application.answers),
        )
    except ValidationError as error:
        apply_errors(form, error)
        return _render_form(request, call, org, orgs, application, form)
    _store_uploads(form, application, request.user)
    if form.errors:
        messages.warning(
            request, _("The draft is saved as written. Some answers need correcting before you submit.")
        )
        return _render_form(request, call, org, orgs, application, form)
    messages.success(request, _("The draft is saved."))
    return redirect(_apply_url(call, org))


@login_required
@require_POST
def autosave(request, call_id):
    """Save the draft in the background (the page's autosave script); answers with the time saved and the
    new version, 409 on a colleague's save in between, 400 after the deadline. Files are not autosaved."""
    call = get_call_for(request.user, call_id)
    org, _orgs = _applying_org(request, call)
    if org is None:
        raise Http404()
    application = actions.current_application(call, org)
    if application is not None and application.status != Application.Status.DRAFT:
        return JsonResponse({"message": _("The application has already been submitted.")}, status=400)
    form = build_form(call, request.POST, answers=application.answers if application else {}, draft=True)
    answers = keep_chosen(request.POST, draft_answers(form), application)
    started = _start_or_closed(request, call, org)
    if started is None:
        return JsonResponse({"message": str(actions.CallClosed().message)}, status=400)
    application, created = started
    try:
        actions.save_draft(
            application,
            answers,
            expected_version=_posted_version(request, application, created),
            by=request.user,
        )
    except EditConflict:
        return JsonResponse(
            {
                "message": _(
                    "A colleague saved this application while you were writing. Your text is still here: "
                    "choose “Save draft” to compare both versions."
                )
            },
            status=409,
        )
    saved_at = timezone.localtime(application.updated_at, STOCKHOLM).strftime("%H:%M")
    return JsonResponse(
        {
            "version": application.version,
            "saved": saved_at,
            "message": _("Saved %(time)s") % {"time": saved_at},
        }
    )


@login_required
@require_POST
def submit(request, call_id):
    """Validate everything and submit; on errors the draft is saved as written (with valid uploads) and
    the messages are shown beside the fields and summarised at the top."""
    call = get_call_for(request.user, call_id)
    org, orgs = _applying_org(request, call)
    if org is None:
        raise Http404()
    application = actions.current_application(call, org)
    if application is not None and application.status != Application.Status.DRAFT:
        return redirect("calls:my_application", application.pk)
    if not is_open(call):
        messages.error(request, actions.CallClosed().message)
        return _render_closed(request, call, org, orgs, application)
    form = build_form(call, request.POST, request.FILES, answers=application.answers if application else {})
    valid = form.is_valid()
    answers = keep_chosen(request.POST, draft_answers(form), application)
    started = _start_or_closed(request, call, org)
    if started is None:
        messages.error(request, actions.CallClosed().message)
        return _render_closed(request, call, org, orgs, application)
    application, created = started
    expected = _posted_version(request, application, created)
    try:
        if not valid:
            actions.save_draft(application, answers, expected_version=expected, by=request.user)
            _store_uploads(form, application, request.user)
            return _render_form(request, call, org, orgs, application, form)
        _store_uploads(form, application, request.user)
        actions.submit_application(
            application,
            answers,
            expected_version=expected,
            by=request.user,
            receipt_url=lambda a: request.build_absolute_uri(reverse("calls:receipt", args=[a.pk])),
            notify_roles=call_access.APPLICANT_ROLES,
        )
    except EditConflict:
        application.refresh_from_db()
        return _render_form(
            request,
            call,
            org,
            orgs,
            application,
            form,
            conflict=differences(call, answers, application.answers),
        )
    except actions.CallClosed as error:
        messages.error(request, error.message)
        return _render_closed(request, call, org, orgs, application)
    except ValidationError as error:
        apply_errors(form, error)
        return _render_form(request, call, org, orgs, application, form)
    messages.success(request, _("Your application has been received."))
    return redirect("calls:receipt", application.pk)


# --- after submitting ---------------------------------------------------------------------------------


def _received_local(application: Application):
    return timezone.localtime(application.submitted_at, STOCKHOLM) if application.submitted_at else None


@login_required
@require_safe
def receipt(request, application_id):
    application = get_application_for(request.user, application_id, applicant=True)
    if application.status != Application.Status.SUBMITTED:
        return redirect("calls:my_application", application.pk)
    context = {
        "application": application,
        "call": application.call,
        "received": _received_local(application),
        "rows": answer_rows(application),
    }
    return render(request, "calls/receipt.html", context)


def receipt_pdf_bytes(application: Application) -> bytes:
    """The receipt with the whole application as an A4 PDF, in Swedish, the date received in
    Europe/Stockholm time (WeasyPrint; the report styles of core/kedja.css)."""
    with translation.override("sv"):
        html = render_to_string(
            "calls/receipt_pdf.html",
            {
                "application": application,
                "call": application.call,
                "received": _received_local(application),
                "rows": answer_rows(application),
            },
        )
    return html_to_pdf(html)


@login_required
@require_safe
def receipt_pdf(request, application_id):
    application = get_application_for(request.user, application_id)
    if application.submitted_at is None:
        raise Http404()
    name = f"kvitto-{application.receipt_number or application.pk}.pdf"
    return download_response(receipt_pdf_bytes(application), filename=name, content_type="application/pdf")


@login_required
@require_safe
def my_application(request, application_id):
    """The applicant's view: status, answers, and the decision with its justification once published —
    never scores or reviewers."""
    application = get_application_for(request.user, application_id, applicant=True)
    call = application.call
    context = {
        "application": application,
        "call": call,
        "received": _received_local(application),
        "rows": answer_rows(application),
        "is_open": is_open(call),
        "decision_published": call.status == Call.Status.DECIDED and bool(application.decision),
        "apply_url": _apply_url(call, application.organisation),
        "closes_local": timezone.localtime(call.closes_at, STOCKHOLM),
        "confirm_withdraw": request.GET.get("withdraw") == "1"
        and application.status != Application.Status.WITHDRAWN,
    }
    return render(request, "calls/apply_status.html", context)


@login_required
@require_POST
def withdraw(request, application_id):
    """Withdraw (confirmed on the status page, ?withdraw=1) before the deadline."""
    application = get_application_for(request.user, application_id, applicant=True)
    if application.status == Application.Status.WITHDRAWN:
        return redirect("calls:my_application", application.pk)
    try:
        actions.withdraw_application(application, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("calls:my_application", application.pk)
    messages.success(request, _("The application has been withdrawn."))
    return redirect("calls:my_application", application.pk)


@login_required
@require_safe
def application_file(request, file_id):
    stored = ApplicationFile.objects.filter(pk=file_id).first()
    if stored is None:
        raise Http404()
    get_application_for(request.user, stored.application_id)
    return stored_file_response(request, stored.file, filename=stored.name)
