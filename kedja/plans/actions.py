"""Every change to the action plan goes through these functions: atomic, audited
(organisations.actions.record_event) and, for an action, optimistically locked (core.concurrency)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kedja.core.concurrency import save_versioned
from kedja.core.texts import pick
from kedja.indicators.actions import _check_gaps
from kedja.indicators.models import Goal
from kedja.organisations.actions import record_event
from kedja.organisations.models import Organisation

from . import rules, tasks
from .models import Action, ActionStatus, Document, PlanVersion

ACTION_FIELDS = [
    "goal",
    "title",
    "description",
    "responsible_function",
    "resource_hours",
    "resource_money",
    "resource_note",
    "starts",
    "due",
    "status",
    "progress",
    "gaps",
]


def check_action(data: dict, *, organisation: Organisation, priorities=()) -> None:
    """A title; the due date not before the start; progress 0–100; a known status; the goal and the
    priority items of the same organisation; gaps as cells of the gap analysis."""
    errors = {}
    if not (data.get("title") or "").strip():
        errors["title"] = _("The action needs a title.")
    starts, due = data.get("starts"), data.get("due")
    if starts and due and due < starts:
        errors["due"] = _("The due date is before the start date.")
    progress = data.get("progress", 0)
    if progress is None or not 0 <= int(progress) <= 100:
        errors["progress"] = _("Progress is a percentage from 0 to 100.")
    if data.get("status", ActionStatus.DRAFT) not in ActionStatus.values:
        errors["status"] = _("Unknown status.")
    goal = data.get("goal")
    if goal is not None and goal.organisation_id != organisation.pk:
        errors["goal"] = _("The goal must belong to the same organisation.")
    for name in ("resource_hours", "resource_money"):
        if data.get(name) is not None and data[name] < 0:
            errors[name] = _("Enter 0 or more.")
    gap_error = _check_gaps(data.get("gaps") or [])
    if gap_error:
        errors["gaps"] = gap_error
    if any(p.round.municipality_id != organisation.pk for p in priorities):
        errors["priorities"] = _("Priority items must come from the organisation's own self-assessment.")
    if errors:
        raise ValidationError(errors)


def _next_position(organisation: Organisation) -> int:
    last = Action.objects.filter(organisation=organisation).aggregate(m=Max("position"))["m"]
    return 0 if last is None else last + 1


@transaction.atomic
def save_action(
    action: Action | None,
    *,
    data: dict,
    by,
    organisation: Organisation | None = None,
    expected_version: int | None = None,
    people=None,
    partners=None,
    items=None,
    priorities=None,
) -> Action:
    """Create (action None, `organisation` given) or update an action. `people`, `partners`, `items` and
    `priorities` replace the action's when given. Raises ValidationError for broken rules and EditConflict
    when someone else saved the action meanwhile."""
    organisation = action.organisation if action is not None else organisation
    if organisation is None:
        raise ValueError("A new action needs its organisation.")
    merged = {name: getattr(action, name) for name in ACTION_FIELDS} if action is not None else {}
    merged.update(data)
    check_action(merged, organisation=organisation, priorities=list(priorities or []))
    values = {name: data[name] for name in ACTION_FIELDS if name in data}
    if action is None:
        action = Action.objects.create(
            organisation=organisation, created_by=by, position=_next_position(organisation), **values
        )
        verb = "plan.action_created"
    else:
        for name, value in values.items():
            setattr(action, name, value)
        action.updated_at = timezone.now()
        save_versioned(
            action,
            expected_version=action.version if expected_version is None else expected_version,
            update_fields=[*values.keys(), "updated_at"],
        )
        verb = "plan.action_changed"
    if people is not None:
        action.responsible_people.set(people)
    if partners is not None:
        action.partners.set(partners)
    if items is not None:
        action.items.set(items)
    if priorities is not None:
        action.priorities.set(priorities)
    record_event(verb, by=by, organisation=organisation, action=action.pk, title=action.title)
    return action


def _goal_for_gap(goals: list[Goal], key) -> Goal | None:
    return next((g for g in goals if any(rules.gap_key(c) == key for c in g.gaps or [])), None)


def _goal_for_item(goals: list[Goal], node_id: int) -> Goal | None:
    return next((g for g in goals if node_id in {n.pk for n in g.items.all()}), None)


@transaction.atomic
def drafts_from_selection(
    organisation: Organisation, *, gaps=(), priorities=(), by, goal: Goal | None = None
) -> list[Action]:
    """One draft action per selected gap cell (a dict as in Action.gaps, or a ranked gap) and per selected
    priority item, in one step. The title is suggested from the gap or item; the action is tied to it, and
    to `goal` — or else to the organisation's first goal that names the same gap or framework item."""
    goals = list(
        Goal.objects.filter(organisation=organisation).prefetch_related("items").order_by("position", "pk")
    )
    titles = rules.area_titles()
    created = []
    for gap in gaps:
        key = rules.gap_key(gap)
        cell = rules.gap_cell(key)
        data = {
            "title": _("Close the gap: %(cell)s") % {"cell": rules.gap_label(key, titles)},
            "gaps": [cell],
            "goal": goal or _goal_for_gap(goals, key),
            "status": ActionStatus.DRAFT,
        }
        created.append(save_action(None, data=data, by=by, organisation=organisation))
    for priority in priorities:
        node = priority.node
        data = {
            "title": _("Work on %(code)s %(title)s") % {"code": node.code, "title": pick(node.title)},
            "goal": goal or _goal_for_item(goals, node.pk),
            "status": ActionStatus.DRAFT,
            "description": priority.note,
        }
        created.append(
            save_action(
                None, data=data, by=by, organisation=organisation, items=[node], priorities=[priority]
            )
        )
    return created


@transaction.atomic
def delete_action(action: Action, *, by) -> None:
    organisation, pk, title = action.organisation, action.pk, action.title
    action.responsible_people.clear()
    action.partners.clear()
    action.items.clear()
    action.priorities.clear()
    action.delete()
    record_event("plan.action_deleted", by=by, organisation=organisation, action=pk, title=title)


@transaction.atomic
def adopt_plan(
    organisation: Organisation,
    *,
    title: str,
    adopted_on: date,
    adopted_by_body: str,
    decision_reference: str = "",
    by,
) -> PlanVersion:
    """Record that the plan was adopted: a numbered, dated version with who adopted it and a frozen
    snapshot of the actions (rules.snapshot). Draft actions become planned: they are part of an adopted
    plan now (their version is bumped, so an edit form opened before sees the change)."""
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("The adopted plan needs a title.")
    if not (adopted_by_body or "").strip():
        errors["adopted_by_body"] = _("Say who adopted the plan.")
    if adopted_on is None:
        errors["adopted_on"] = _("Enter the date of the decision.")
    elif adopted_on > timezone.localdate():
        errors["adopted_on"] = _("The decision date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    Action.objects.filter(organisation=organisation, status=ActionStatus.DRAFT).update(
        status=ActionStatus.PLANNED, version=F("version") + 1, updated_at=timezone.now()
    )
    last = PlanVersion.objects.filter(organisation=organisation).aggregate(m=Max("number"))["m"] or 0
    version = PlanVersion.objects.create(
        organisation=organisation,
        number=last + 1,
        title=title.strip(),
        adopted_on=adopted_on,
        adopted_by_body=adopted_by_body.strip(),
        decision_reference=(decision_reference or "").strip(),
        recorded_by=by if by is not None and by.pk else None,
        snapshot=rules.snapshot(organisation),
    )
    record_event("plan.adopted", by=by, organisation=organisation, version=version.pk, number=version.number)
    return version


# --- documents (made by tasks.generate_document) ---------------------------------------------------------


def request_document(organisation, *, kind: str, format: str, by=None, period_start=None, period_end=None):
    """Record the document (queued, 0 %), audited, and hand it to the task backend (tasks.generate_document). With the database backend the task
    row is written in the same transaction as the document, so the worker never sees one without the other."""
    document = Document.objects.create(
        organisation=organisation,
        kind=kind,
        format=format,
        period_start=period_start if kind == Document.Kind.FOLLOW_UP else None,
        period_end=period_end if kind == Document.Kind.FOLLOW_UP else None,
        requested_by=by if by is not None and by.pk else None,
    )
    record_event(
        "plan.document_requested", by=by, organisation=organisation, document=document.pk, kind=kind,
        format=format,
    )  # fmt: skip
    tasks.generate_document.enqueue(document.pk)
    document.refresh_from_db()
    return document
