"""The organiser's call builder (docs/calls.md, "The call builder"): the list of calls, a call from a shipped
template or blank, its details, form fields, criteria, the preview of the form exactly as applicants will
see it, publishing, and the call's own page. Thin: the access layer decides who sees (404) and who may
build (403), actions_builder writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kedja.core.forms import apply_errors
from kedja.organisations.access import get_organisation_for

from . import access as call_access
from . import actions_builder as actions
from . import rules
from .access import get_call_for
from .forms_builder import (
    CallDetailsForm,
    CreateForm,
    CriterionForm,
    FieldForm,
    MoveForm,
)
from .forms_render import build_form
from .models import Application, Call, CallField, Criterion
from .text import date_warnings, render_description


def visible_calls(user) -> list[Call]:
    """The calls the person may see: organised by them, open for their organisation, to review or
    participate in — one query (calls.access.calls_visible_to, the rule of can_view_call), with the
    person's own applications to each call prefetched for call_links."""
    own = [org.pk for org in call_access.applicant_orgs_anywhere(user)]
    calls = call_access.calls_visible_to(user).select_related("organiser").order_by("-closes_at", "pk")
    mine = Application.objects.filter(organisation__in=own).select_related("organisation")
    return list(calls.prefetch_related(Prefetch("applications", queryset=mine, to_attr="own_applications")))


def call_links(user, call: Call) -> dict:
    """What the person can do at the call, by role (the access layer decides): booleans for the call page
    and the list, and the person's applications ({"organisation", "application" or None}) when they apply.
    The templates resolve the URLs."""
    manages = call_access.can_manage_call(user, call)
    decided = call.status == Call.Status.DECIDED
    applications = []
    orgs = call_access.applicant_orgs(user, call) if call.status != Call.Status.DRAFT else []
    if orgs:
        if hasattr(call, "own_applications"):  # prefetched by visible_calls
            own = [a for a in call.own_applications if a.organisation_id in {o.pk for o in orgs}]
        else:
            own = call.applications.filter(organisation__in=orgs)
        found = {a.organisation_id: a for a in own}
        applications = [{"organisation": org, "application": found.get(org.pk)} for org in orgs]
    return {
        "manages": manages,
        "applies": bool(orgs),
        "applications": applications,
        "reviews": call.status != Call.Status.DRAFT and call_access.is_reviewer(user, call),
        "builds": manages,
        "ranks": manages and call.status != Call.Status.DRAFT,
        "programme": decided and call_access.can_view_programme(user, call),
        "participates": decided and not manages and call_access.is_participant(user, call),
    }


@login_required
@require_safe
def call_list(request):
    now = timezone.now()
    rows = []
    for call in visible_calls(request.user):
        rows.append(
            {
                "call": call,
                "manages": call_access.can_manage_call(request.user, call),
                "open": rules.is_open(call, now),
                "closed": rules.has_closed(call, now),
                "links": call_links(request.user, call),
            }
        )
    return render(
        request,
        "calls/call_list.html",
        {
            "rows": rows,
            "organiser_orgs": [o for o in call_access.organiser_orgs(request.user) if o.is_active],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request, org_id):
    org = get_organisation_for(request.user, org_id)
    call_access.require_organiser_at(request.user, org)
    form = CreateForm(request.POST or None, initial={"template": "maths_support_2026"})
    if request.method == "POST" and form.is_valid():
        call = actions.create_call(org, by=request.user, template_key=form.cleaned_data["template"])
        messages.success(request, _("The call has been created as a draft. Check its details and dates."))
        return redirect("calls:edit", call.pk)
    return render(request, "calls/call_create.html", {"form": form, "organisation": org})


# --- details ------------------------------------------------------------------------------------------


def _details_initial(call: Call) -> dict:
    return {
        "version": call.version,
        "title": call.title,
        "description": call.description,
        "eligible": call.eligible,
        "eligible_organisations": list(call.eligible_organisations.all()),
        "opens_at": timezone.localtime(call.opens_at),
        "closes_at": timezone.localtime(call.closes_at),
        "decision_by": call.decision_by,
        "places": call.places,
        "reviewers": list(call.reviewers.all()),
    }


def _builder_context(call: Call, step: str, **extra) -> dict:
    return {
        "call": call,
        "step": step,
        "description_html": render_description(call),
        "date_warnings": date_warnings(call),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request, call_id):
    call = get_call_for(request.user, call_id, manage=True)
    form = CallDetailsForm(request.POST or None, call=call, initial=_details_initial(call))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with form.saving(current=lambda: Call.objects.get(pk=call.pk)):
            actions.update_call(
                call,
                data,
                by=request.user,
                expected_version=form.expected_version,
                reviewers=data["reviewers"],
                eligible_organisations=data["eligible_organisations"],
            )
            messages.success(request, _("The call's details have been saved."))
            if data.get("confirm_tightening"):
                actions.record_tightening(call, by=request.user)
            return redirect("calls:edit", call.pk)
    saved = form.conflict
    context = _builder_context(call, "details", form=form, saved=saved)
    if saved:
        context["saved_html"] = render_description(saved)
    return render(request, "calls/builder_details.html", context, status=form.response_status)


# --- fields -------------------------------------------------------------------------------------------


def _get_field(request, field_id) -> CallField:
    field = get_object_or_404(CallField.objects.select_related("call"), pk=field_id)
    get_call_for(request.user, field.call_id, manage=True)
    return field


def _field_initial(field: CallField) -> dict:
    return {
        "kind": field.kind,
        "label": field.label,
        "help_text": field.help_text,
        "required": field.required,
        "max_chars": field.max_chars,
        "choices": "\n".join(field.choices),
    }


@login_required
@require_http_methods(["GET", "POST"])
def call_fields(request, call_id):
    """The form's fields in order, with a form to add one at the end."""
    call = get_call_for(request.user, call_id, manage=True)
    form = FieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            field = actions.add_field(call, form.field_data(), by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The field %(label)s has been added.") % {"label": field.label})
            return redirect(f"{reverse('calls:fields', args=[call.pk])}#field-{field.pk}")
    fields = list(call.fields.order_by("position", "pk"))
    return render(
        request,
        "calls/builder_fields.html",
        _builder_context(call, "fields", form=form, fields=fields, editable=call.status == Call.Status.DRAFT),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def field_edit(request, field_id):
    field = _get_field(request, field_id)
    call = field.call
    form = FieldForm(request.POST or None, initial=_field_initial(field))
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_field(field, form.field_data(), by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The field %(label)s has been saved.") % {"label": field.label})
            return redirect(f"{reverse('calls:fields', args=[call.pk])}#field-{field.pk}")
    return render(
        request,
        "calls/builder_field_form.html",
        _builder_context(call, "fields", form=form, field=field),
        status=400 if form.errors else 200,
    )


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def field_delete(request, field_id):
    field = _get_field(request, field_id)
    call, label = field.call, field.label
    try:
        actions.delete_field(field, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The field %(label)s has been deleted.") % {"label": label})
    return redirect("calls:fields", call.pk)


@login_required
@require_POST
def field_move(request, field_id):
    field = _get_field(request, field_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            actions.move_field(field, form.cleaned_data["direction"], by=request.user)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(request, _("The field %(label)s has been moved.") % {"label": field.label})
    return redirect(f"{reverse('calls:fields', args=[field.call_id])}#field-{field.pk}")


# --- criteria -----------------------------------------------------------------------------------------


def _get_criterion(request, criterion_id) -> Criterion:
    criterion = get_object_or_404(Criterion.objects.select_related("call"), pk=criterion_id)
    get_call_for(request.user, criterion.call_id, manage=True)
    return criterion


@login_required
@require_http_methods(["GET", "POST"])
def call_criteria(request, call_id):
    call = get_call_for(request.user, call_id, manage=True)
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            criterion = actions.add_criterion(call, form.cleaned_data, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The criterion %(title)s has been added.") % {"title": criterion.title}
            )
            return redirect(f"{reverse('calls:criteria', args=[call.pk])}#criterion-{criterion.pk}")
    criteria = list(call.criteria.order_by("position", "pk"))
    return render(
        request,
        "calls/builder_criteria.html",
        _builder_context(
            call,
            "criteria",
            form=form,
            criteria=criteria,
            total_weight=sum(c.weight for c in criteria),
            editable=call.status == Call.Status.DRAFT,
        ),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, criterion_id):
    criterion = _get_criterion(request, criterion_id)
    call = criterion.call
    initial = {n: getattr(criterion, n) for n in actions.CRITERION_FIELDS}
    form = CriterionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_criterion(criterion, form.cleaned_data, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The criterion %(title)s has been saved.") % {"title": criterion.title}
            )
            return redirect(f"{reverse('calls:criteria', args=[call.pk])}#criterion-{criterion.pk}")
    return render(
        request,
        "calls/builder_criterion_form.html",
        _builder_context(call, "criteria", form=form, criterion=criterion),
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def criterion_delete(request, criterion_id):
    criterion = _get_criterion(request, criterion_id)
    call, title = criterion.call, criterion.title
    try:
        actions.delete_criterion(criterion, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The criterion %(title)s has been deleted.") % {"title": title})
    return redirect("calls:criteria", call.pk)


@login_required
@require_POST
def criterion_move(request, criterion_id):
    criterion = _get_criterion(request, criterion_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            actions.move_criterion(criterion, form.cleaned_data["direction"], by=request.user)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(
                request, _("The criterion %(title)s has been moved.") % {"title": criterion.title}
            )
    return redirect(f"{reverse('calls:criteria', args=[criterion.call_id])}#criterion-{criterion.pk}")


# --- preview, publish and the call's page ------------------------------------------------------------------


@login_required
@require_safe
def call_preview(request, call_id):
    """The form exactly as applicants will see it (the same renderer as applying); nothing is saved."""
    call = get_call_for(request.user, call_id, manage=True)
    return render(
        request,
        "calls/builder_preview.html",
        _builder_context(call, "preview", form=build_form(call), refusals=actions.publish_refusals(call)),
    )


@login_required
@require_POST
def call_publish(request, call_id):
    call = get_call_for(request.user, call_id, manage=True)
    try:
        actions.publish_call(call, by=request.user)
    except ValidationError as error:
        messages.error(request, _("The call cannot be published yet:"))
        _refused(request, error)
        return redirect("calls:preview", call.pk)
    messages.success(request, _("The call has been published. Eligible organisations can now apply."))
    for warning in date_warnings(call):
        messages.warning(request, warning)
    return redirect("calls:detail", call.pk)


@login_required
@require_safe
def call_detail(request, call_id):
    call = get_call_for(request.user, call_id)
    now = timezone.now()
    return render(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "description_html": render_description(call),
            "manages": call_access.can_manage_call(request.user, call),
            "applicant_orgs": call_access.applicant_orgs(request.user, call),
            "links": call_links(request.user, call),
            "open": rules.is_open(call, now),
            "closed": rules.has_closed(call, now),
            "criteria": list(call.criteria.order_by("position", "pk")),
            "refusals": actions.publish_refusals(call, now) if call.status == Call.Status.DRAFT else [],
        },
    )
