"""Every change the organiser makes to a call while building it goes through these functions: atomic,
audited (organisations.actions.record_event) and, for the call's details, optimistically locked
(core.concurrency.save_versioned). Fields and criteria are edited one at a time and only while the call is a
draft; publishing bumps the call's version so a details form opened before it cannot overwrite it."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kedja.core.concurrency import save_versioned
from kedja.organisations.actions import record_event
from kedja.organisations.models import Organisation

from .models import Call, CallField, Criterion, FieldKind
from .rules import has_closed
from .templates_data import load_template

CALL_FIELDS = ["title", "description", "eligible", "opens_at", "closes_at", "decision_by", "places"]
FIELD_FIELDS = ["key", "kind", "label", "help_text", "required", "max_chars", "choices"]
CRITERION_FIELDS = ["title", "guidance", "weight", "max_score"]


# --- the call -----------------------------------------------------------------------------------------


def check_call(data: dict) -> None:
    errors = {}
    if not (data.get("title") or "").strip():
        errors["title"] = _("The call needs a title.")
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if opens and closes and closes <= opens:
        errors["closes_at"] = _("The call must close after it opens.")
    decision = data.get("decision_by")
    if decision and closes and decision < timezone.localtime(closes).date():
        errors["decision_by"] = _("The decision cannot be announced before the call closes.")
    if data.get("places") is not None and data["places"] < 1:
        errors["places"] = _("A call has at least one place.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_call(
    organiser: Organisation, *, by, template_key: str = "", now: datetime | None = None, **values
) -> Call:
    """A draft call organised by `organiser`: from a shipped template (its text, fields, criteria, dates
    and places) or blank. A blank call opens now and closes in 30 days until the organiser says otherwise."""
    now = now or timezone.now()
    fields, criteria = [], []
    data = {
        "title": _("New call"),
        "description": "",
        "eligible": Call.Eligible.MUNICIPALITIES_BELOW,
        "opens_at": now,
        "closes_at": now + timedelta(days=30),
        "decision_by": None,
        "places": 1,
    }
    if template_key:
        template = load_template(template_key, today=timezone.localdate(now))
        data.update({name: template[name] for name in CALL_FIELDS if name in template})
        fields, criteria = template["fields"], template["criteria"]
    data.update(values)
    check_call(data)
    call = Call.objects.create(organiser=organiser, template_key=template_key, created_by=by, **data)
    CallField.objects.bulk_create(
        CallField(call=call, position=i, **{k: f[k] for k in FIELD_FIELDS}) for i, f in enumerate(fields)
    )
    Criterion.objects.bulk_create(
        Criterion(call=call, position=i, **{k: c[k] for k in CRITERION_FIELDS})
        for i, c in enumerate(criteria)
    )
    record_event("call.create", by=by, organisation=organiser, call=call.pk, template=template_key)
    return call


@transaction.atomic
def update_call(
    call: Call, data: dict, *, by, expected_version: int, reviewers=None, eligible_organisations=None
) -> Call:
    """Save the call's details (and its reviewers and listed organisations when given). EditConflict when
    someone else saved first."""
    merged = {name: data.get(name, getattr(call, name)) for name in CALL_FIELDS}
    check_call(merged)
    for name, value in merged.items():
        setattr(call, name, value)
    save_versioned(call, expected_version=expected_version, update_fields=CALL_FIELDS)
    if reviewers is not None:
        call.reviewers.set(reviewers)
    if eligible_organisations is not None:
        call.eligible_organisations.set(eligible_organisations)
    record_event("call.update", by=by, organisation=call.organiser, call=call.pk)
    return call


def record_tightening(call: Call, *, by) -> None:
    """The officer confirmed moving a published call's closing time earlier or cutting its places while
    organisations were writing applications: kept in the audit log."""
    record_event(
        "call.tightened", by=by, organisation=call.organiser, call=call.pk,
        closes_at=call.closes_at.isoformat(), places=call.places,
    )  # fmt: skip


def publish_refusals(call: Call, now: datetime | None = None) -> list[str]:
    """Why the call cannot be published yet (empty when it can)."""
    now = now or timezone.now()
    reasons = []
    if call.status != Call.Status.DRAFT:
        reasons.append(_("Only a draft can be published."))
    if not call.fields.exclude(kind=FieldKind.HEADING).exists():
        reasons.append(_("The form has no fields to fill in."))
    if has_closed(call, now):
        reasons.append(_("The closing time has already passed."))
    if not call.criteria.exists():
        reasons.append(_("The call has no criteria for the review."))
    if not call.reviewers.exists():
        reasons.append(_("No reviewers are assigned."))
    return reasons


@transaction.atomic
def publish_call(call: Call, *, by, now: datetime | None = None) -> Call:
    now = now or timezone.now()
    call = Call.objects.select_for_update().get(pk=call.pk)
    reasons = publish_refusals(call, now)
    if reasons:
        raise ValidationError(reasons)
    Call.objects.filter(pk=call.pk).update(
        status=Call.Status.PUBLISHED, published_at=now, version=F("version") + 1
    )
    call.refresh_from_db()
    record_event("call.publish", by=by, organisation=call.organiser, call=call.pk)
    return call


def _editable(call: Call) -> None:
    if call.status != Call.Status.DRAFT:
        raise ValidationError(_("The form and criteria of a published call cannot be changed."))


# --- the form's fields -----------------------------------------------------------------------------------


def _unique_key(call: Call, wanted: str, *, exclude_pk=None) -> str:
    base = slugify(wanted).replace("-", "_")[:50] or "field"
    taken = set(call.fields.exclude(pk=exclude_pk).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def check_field(data: dict) -> None:
    errors = {}
    kind = data.get("kind")
    if kind not in FieldKind.values:
        errors["kind"] = _("Unknown kind of field.")
    if not (data.get("label") or "").strip():
        errors["label"] = _("The field needs a label.")
    if data.get("max_chars") and kind != FieldKind.LONG_TEXT:
        errors["max_chars"] = _("Only a long text has a character limit.")
    if kind == FieldKind.CHOICE and len([c for c in data.get("choices") or [] if c.strip()]) < 2:
        errors["choices"] = _("A choice needs at least two options, one per line.")
    if errors:
        raise ValidationError(errors)


def _field_values(data: dict) -> dict:
    values = {k: data[k] for k in FIELD_FIELDS if k in data and k != "key"}
    values["choices"] = [c.strip() for c in data.get("choices") or [] if c.strip()]
    if values.get("kind") != FieldKind.CHOICE:
        values["choices"] = []
    if values.get("kind") == FieldKind.HEADING:
        values["required"] = False
    return values


@transaction.atomic
def add_field(call: Call, data: dict, *, by) -> CallField:
    _editable(call)
    check_field(data)
    position = (call.fields.aggregate(m=Max("position"))["m"] or 0) + 1
    field = CallField.objects.create(
        call=call, key=_unique_key(call, data.get("key") or data["label"]), position=position,
        **_field_values(data),
    )  # fmt: skip
    record_event("call.field_add", by=by, organisation=call.organiser, call=call.pk, field=field.key)
    return field


@transaction.atomic
def update_field(field: CallField, data: dict, *, by) -> CallField:
    _editable(field.call)
    check_field(data)
    for name, value in _field_values(data).items():
        setattr(field, name, value)
    field.save()
    record_event(
        "call.field_update", by=by, organisation=field.call.organiser, call=field.call_id, field=field.key
    )
    return field


@transaction.atomic
def delete_field(field: CallField, *, by) -> None:
    _editable(field.call)
    call = field.call
    key = field.key
    field.delete()
    record_event("call.field_delete", by=by, organisation=call.organiser, call=call.pk, field=key)


def _move(items: list, item, direction: str) -> list:
    index = next(i for i, x in enumerate(items) if x.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    return items


@transaction.atomic
def move_field(field: CallField, direction: str, *, by) -> None:
    """Swap the field with its neighbour above ("up") or below ("down"); positions are renumbered 0..n."""
    _editable(field.call)
    items = _move(list(field.call.fields.select_for_update().order_by("position", "pk")), field, direction)
    for i, item in enumerate(items):
        if item.position != i:
            CallField.objects.filter(pk=item.pk).update(position=i)
    record_event(
        "call.field_move", by=by, organisation=field.call.organiser, call=field.call_id, field=field.key,
        direction=direction,
    )  # fmt: skip


# --- criteria -------------------------------------------------------------------------------------------


def check_criterion(data: dict) -> None:
    errors = {}
    if not (data.get("title") or "").strip():
        errors["title"] = _("The criterion needs a title.")
    if not data.get("weight") or data["weight"] < 1:
        errors["weight"] = _("The weight is at least 1.")
    if not data.get("max_score") or data["max_score"] < 1:
        errors["max_score"] = _("The highest score is at least 1.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_criterion(call: Call, data: dict, *, by) -> Criterion:
    _editable(call)
    check_criterion(data)
    position = (call.criteria.aggregate(m=Max("position"))["m"] or 0) + 1
    criterion = Criterion.objects.create(
        call=call, position=position, **{k: data[k] for k in CRITERION_FIELDS if k in data}
    )
    record_event(
        "call.criterion_add", by=by, organisation=call.organiser, call=call.pk, criterion=criterion.pk
    )
    return criterion


@transaction.atomic
def update_criterion(criterion: Criterion, data: dict, *, by) -> Criterion:
    _editable(criterion.call)
    check_criterion(data)
    for name in CRITERION_FIELDS:
        if name in data:
            setattr(criterion, name, data[name])
    criterion.save()
    record_event(
        "call.criterion_update", by=by, organisation=criterion.call.organiser, call=criterion.call_id,
        criterion=criterion.pk,
    )  # fmt: skip
    return criterion


@transaction.atomic
def delete_criterion(criterion: Criterion, *, by) -> None:
    _editable(criterion.call)
    call, pk = criterion.call, criterion.pk
    criterion.delete()
    record_event("call.criterion_delete", by=by, organisation=call.organiser, call=call.pk, criterion=pk)


@transaction.atomic
def move_criterion(criterion: Criterion, direction: str, *, by) -> None:
    _editable(criterion.call)
    items = _move(
        list(criterion.call.criteria.select_for_update().order_by("position", "pk")), criterion, direction
    )
    for i, item in enumerate(items):
        if item.position != i:
            Criterion.objects.filter(pk=item.pk).update(position=i)
    record_event(
        "call.criterion_move", by=by, organisation=criterion.call.organiser, call=criterion.call_id,
        criterion=criterion.pk, direction=direction,
    )  # fmt: skip
