"""Every change to goals, indicators and their values goes through these functions: atomic, audited
(organisations.actions.record_event) and, for goals and indicators, optimistically locked."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kedja.core.concurrency import save_versioned
from kedja.frameworks.chain import WHOLE
from kedja.frameworks.models import Node
from kedja.initiatives.models import Stage, TargetGroup
from kedja.kolada.models import FetchRun
from kedja.organisations.actions import record_event

from . import tasks
from .models import Gender, Goal, GoalKind, Indicator, IndicatorValue, Source, Unit
from .status import check_value, value_range

GOAL_FIELDS = [
    "kind",
    "title",
    "description",
    "owner_function",
    "starts",
    "ends",
    "status",
    "gaps",
    "position",
]
INDICATOR_FIELDS = [
    "goal",
    "name",
    "definition",
    "unit",
    "unit_min",
    "unit_max",
    "direction",
    "source",
    "kolada_kpi",
    "area",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_year",
]


# --- goals --------------------------------------------------------------------------------------------


def _check_gaps(gaps) -> str | None:
    if not isinstance(gaps, list):
        return _("Gaps must be a list.")
    for gap in gaps:
        # a municipality-wide area's gap has the stage "whole" (frameworks.chain.WHOLE)
        whole = isinstance(gap, dict) and gap.get("stage") == WHOLE and bool(gap.get("area"))
        if not isinstance(gap, dict) or (gap.get("stage") not in Stage.values and not whole):
            return _("Each gap needs a stage of the education chain.")
        area, group = gap.get("area"), gap.get("target_group")
        if bool(area) == bool(group) or set(gap) - {"stage", "area", "target_group"}:
            return _("Each gap names either a framework area or a target group.")
        if group and group not in TargetGroup.values:
            return _("Unknown target group.")
    return None


def check_goal(data: dict, *, organisation) -> None:
    """Rules of the tree: a main goal is a root; a sub-goal hangs under a main goal or a sub-goal, an
    action under either; nothing hangs under an action; the parent belongs to the same organisation."""
    errors = {}
    kind, parent = data.get("kind", GoalKind.MAIN_GOAL), data.get("parent")
    if kind not in GoalKind.values:
        errors["kind"] = _("Unknown kind of goal.")
    elif kind == GoalKind.MAIN_GOAL and parent is not None:
        errors["parent"] = _("A main goal is not part of another goal.")
    elif kind != GoalKind.MAIN_GOAL and parent is None:
        errors["parent"] = _("A sub-goal or action must be part of a goal.")
    elif parent is not None and parent.kind == GoalKind.ACTION:
        errors["parent"] = _("Nothing can be part of an action.")
    elif parent is not None and parent.organisation_id != organisation.pk:
        errors["parent"] = _("The goal above must belong to the same organisation.")
    if not (data.get("title") or "").strip():
        errors["title"] = _("The goal needs a title.")
    starts, ends = data.get("starts"), data.get("ends")
    if starts and ends and ends < starts:
        errors["ends"] = _("The end date is before the start date.")
    gap_error = _check_gaps(data.get("gaps") or [])
    if gap_error:
        errors["gaps"] = gap_error
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_goal(
    goal: Goal | None, *, data: dict, items=None, by, organisation=None, expected_version: int | None = None
) -> Goal:
    """Create (goal None, `organisation` given) or update a goal; moving is `move_goal`'s job, so `parent`
    in `data` is used only when creating. `items` (framework items) are replaced when given. Raises
    ValidationError for broken rules and EditConflict when someone else saved the goal meanwhile."""
    organisation = goal.organisation if goal is not None else organisation
    check_data = {**data, "parent": goal.parent if goal is not None else data.get("parent")}
    if goal is not None:
        check_data.setdefault("kind", goal.kind)
        check_data.setdefault("title", goal.title)
    check_goal(check_data, organisation=organisation)
    values = {name: data[name] for name in GOAL_FIELDS if name in data}
    if goal is None:
        goal = Goal.objects.create(
            organisation=organisation, parent=data.get("parent"), created_by=by, **values
        )
        verb = "goal.created"
    else:
        if goal.children.exists() and values.get("kind") == GoalKind.ACTION:
            raise ValidationError({"kind": _("A goal with parts cannot become an action.")})
        for name, value in values.items():
            setattr(goal, name, value)
        save_versioned(
            goal,
            expected_version=goal.version if expected_version is None else expected_version,
            update_fields=[*values.keys(), "updated_at"],
        )
        verb = "goal.changed"
    if items is not None:
        goal.items.set(Node.objects.filter(pk__in=[n.pk for n in items], kind=Node.Kind.ITEM))
    record_event(verb, by=by, organisation=organisation, goal=goal.pk, title=goal.title)
    return goal


def descendant_ids(goal: Goal) -> set[int]:
    """The goals below `goal`, at any depth (one query per level; goal trees are a few levels deep)."""
    found: set[int] = set()
    level = {goal.pk}
    while level:
        level = set(Goal.objects.filter(parent_id__in=level).values_list("pk", flat=True)) - found
        found |= level
    return found


@transaction.atomic
def move_goal(
    goal: Goal, *, parent: Goal | None, by, position: int | None = None, expected_version: int | None = None
) -> Goal:
    """Hang `goal` under `parent` (None: make it a main goal). Refuses a cycle — a goal under itself or
    under one of its own descendants — and the tree rules of `check_goal`. A root becomes a main goal; a
    main goal moved under another goal becomes a sub-goal."""
    if parent is not None and (parent.pk == goal.pk or parent.pk in descendant_ids(goal)):
        raise ValidationError({"parent": _("A goal cannot be moved under itself or one of its own parts.")})
    kind = goal.kind
    if parent is None:
        kind = GoalKind.MAIN_GOAL
    elif kind == GoalKind.MAIN_GOAL:
        kind = GoalKind.SUB_GOAL
    check_goal({"kind": kind, "parent": parent, "title": goal.title}, organisation=goal.organisation)
    goal.parent, goal.kind = parent, kind
    fields = ["parent", "kind", "updated_at"]
    siblings = []
    if position is not None:
        # `position` is the place among the new siblings (0 = first); they are numbered 0, 1, 2… again,
        # leaving that place to the moved goal.
        siblings = list(
            Goal.objects.filter(organisation=goal.organisation, parent=parent)
            .exclude(pk=goal.pk)
            .order_by("position", "pk")
        )
        position = max(0, position)
        goal.position = position
        fields.append("position")
    save_versioned(
        goal,
        expected_version=goal.version if expected_version is None else expected_version,
        update_fields=fields,
    )
    for place, sibling in enumerate([*siblings[:position], None, *siblings[position:]]):
        if sibling is not None and sibling.position != place:
            Goal.objects.filter(pk=sibling.pk).update(position=place)
    record_event(
        "goal.moved",
        by=by,
        organisation=goal.organisation,
        goal=goal.pk,
        parent=parent.pk if parent is not None else None,
    )
    return goal


@transaction.atomic
def delete_goal(goal: Goal, *, by) -> None:
    """Delete a goal that has no parts and no indicators; refuses with the reason otherwise (its parts
    and indicators are moved or deleted first, so nothing disappears by accident)."""
    if goal.children.exists():
        raise ValidationError(_("The goal has sub-goals or actions. Move or delete them first."))
    if goal.indicators.exists():
        raise ValidationError(_("The goal has indicators. Move them to another goal or delete them first."))
    organisation, pk, title = goal.organisation, goal.pk, goal.title
    goal.items.clear()
    goal.delete()
    record_event("goal.deleted", by=by, organisation=organisation, goal=pk, title=title)


# --- indicators ---------------------------------------------------------------------------------------


def check_indicator(data: dict, *, organisation) -> None:
    errors = {}
    if not (data.get("name") or "").strip():
        errors["name"] = _("The indicator needs a name.")
    if data.get("unit", Unit.PERCENT) not in Unit.values:
        errors["unit"] = _("Unknown unit.")
    low, high = data.get("unit_min"), data.get("unit_max")
    if low is not None and high is not None and high < low:
        errors["unit_max"] = _("The highest possible value is below the lowest.")
    if data.get("source") == Source.KOLADA and not (data.get("kolada_kpi") or "").strip():
        errors["kolada_kpi"] = _("An indicator from Kolada needs its KPI id.")
    goal = data.get("goal")
    if goal is not None and goal.organisation_id != organisation.pk:
        errors["goal"] = _("The goal must belong to the same organisation.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_indicator(
    indicator: Indicator | None, *, data: dict, by, organisation=None, expected_version: int | None = None
) -> Indicator:
    """Create (indicator None, `organisation` given) or update an indicator."""
    organisation = indicator.organisation if indicator is not None else organisation
    merged = {name: getattr(indicator, name) for name in INDICATOR_FIELDS} if indicator is not None else {}
    merged.update(data)
    check_indicator(merged, organisation=organisation)
    values = {name: data[name] for name in INDICATOR_FIELDS if name in data}
    if indicator is None:
        indicator = Indicator.objects.create(organisation=organisation, **values)
        verb = "indicator.created"
    else:
        for name, value in values.items():
            setattr(indicator, name, value)
        save_versioned(
            indicator,
            expected_version=indicator.version if expected_version is None else expected_version,
            update_fields=[*values.keys(), "updated_at"],
        )
        verb = "indicator.changed"
    record_event(verb, by=by, organisation=organisation, indicator=indicator.pk, name=indicator.name)
    return indicator


@transaction.atomic
def set_target(
    indicator: Indicator,
    *,
    target: float | None,
    target_year: int | None,
    by,
    baseline: float | None = None,
    baseline_year: int | None = None,
    expected_version: int | None = None,
) -> Indicator:
    """Set the target (and, when given, the baseline). A target needs its year, and the target year
    comes after the baseline year; both values must lie in the unit's range."""
    errors = {}
    if (target is None) != (target_year is None):
        errors["target_year"] = _("A target needs both a value and a year.")
    base_year = baseline_year if baseline_year is not None else indicator.baseline_year
    if target_year is not None and base_year is not None and target_year <= base_year:
        errors["target_year"] = _("The target year must come after the baseline year.")
    low, high = value_range(indicator.unit, indicator.unit_min, indicator.unit_max)
    for name, value in (("target_value", target), ("baseline_value", baseline)):
        if value is not None and ((low is not None and value < low) or (high is not None and value > high)):
            errors[name] = _("The value is outside the unit's range.")
    if errors:
        raise ValidationError(errors)
    indicator.target_value, indicator.target_year = target, target_year
    fields = ["target_value", "target_year", "updated_at"]
    if baseline is not None or baseline_year is not None:
        indicator.baseline_value, indicator.baseline_year = baseline, baseline_year
        fields += ["baseline_value", "baseline_year"]
    save_versioned(
        indicator,
        expected_version=indicator.version if expected_version is None else expected_version,
        update_fields=fields,
    )
    record_event(
        "indicator.target_set",
        by=by,
        organisation=indicator.organisation,
        indicator=indicator.pk,
        target=target,
        target_year=target_year,
    )
    return indicator


def _number(raw):
    """A grid cell as a number: accepts numbers and strings with a decimal comma ("42,5")."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str):
        try:
            return float(raw.strip().replace(",", ".").replace("\u00a0", "").replace(" ", ""))
        except ValueError:
            return raw
    return raw


@transaction.atomic
def save_values(indicator: Indicator, rows: list[dict], *, by, today_year: int | None = None) -> int:
    """Save a grid of values all-or-nothing. Each row is {"period", "gender" (default total), "value",
    "note", "source"}; an empty value deletes that cell. If any row is wrong nothing is written and
    ValidationError carries {row index: [reasons]}. Returns the number of cells written or deleted."""
    if indicator.source == Source.KOLADA:
        # One indicator, one source: a Kolada indicator's values are Kolada's (kolada_sync copies them).
        raise ValidationError(
            _("The values of an indicator that follows Kolada come from Kolada and cannot be typed in.")
        )
    today_year = today_year if today_year is not None else timezone.localdate().year
    low, high = value_range(indicator.unit, indicator.unit_min, indicator.unit_max)
    errors: dict[int, list[str]] = {}
    cleaned, seen = [], set()
    for index, row in enumerate(rows):
        reasons = []
        period, gender = row.get("period"), row.get("gender") or Gender.TOTAL
        if isinstance(period, str) and period.strip().isdigit():
            period = int(period)
        value = _number(row.get("value"))
        if not isinstance(period, int) or isinstance(period, bool):
            reasons.append(_("The year must be a whole number."))
        if gender not in Gender.values:
            reasons.append(_("Unknown gender split."))
        if row.get("source", Source.MANUAL) not in Source.values:
            reasons.append(_("Unknown source."))
        if (period, gender) in seen:
            reasons.append(_("The same year and gender appear twice."))
        seen.add((period, gender))
        if not reasons:
            assert isinstance(period, int)  # the checks above found a whole year
            try:
                check_value(
                    0.0 if value is None else value,
                    unit_min=None if value is None else low,
                    unit_max=None if value is None else high,
                    period=period,
                    today_year=today_year,
                )
            except ValidationError as e:
                reasons += [m for messages in e.message_dict.values() for m in messages]
        if reasons:
            errors[index] = reasons
        else:
            assert isinstance(period, int)  # (as above)
            cleaned.append((period, gender, value, row))
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]  # keyed by row index: Django takes any key, its stubs only str
    now = timezone.now()
    for period, gender, value, row in cleaned:
        if value is None:
            IndicatorValue.objects.filter(indicator=indicator, period=period, gender=gender).delete()
            continue
        IndicatorValue.objects.update_or_create(
            indicator=indicator,
            period=period,
            gender=gender,
            defaults={
                "value": float(value),
                "note": row.get("note") or "",
                "source": row.get("source", Source.MANUAL),
                "entered_by": by if by is not None and by.pk else None,
                "entered_at": now,
            },
        )
    record_event(
        "indicator.values_saved",
        by=by,
        organisation=indicator.organisation,
        indicator=indicator.pk,
        cells=[[p, g, v] for p, g, v, _row in cleaned],
    )
    return len(cleaned)


# --- following a Kolada KPI ---------------------------------------------------------------------------


def unit_for_kpi(title: str) -> str:
    """A sensible unit from a Kolada title: shares ("andel", "%") are percent, counts ("antal") counts,
    averages and merit points scores; anything else (kronor, ratios per inhabitant) "other"."""
    text = title.lower()
    if "andel" in text or "%" in text:
        return Unit.PERCENT
    if "antal" in text:
        return Unit.COUNT
    if "genomsnitt" in text or "meritvärde" in text or "betygspoäng" in text:
        return Unit.SCORE
    return Unit.OTHER


@transaction.atomic
def follow_kpi(organisation, kpi, *, by, goal: Goal | None = None) -> Indicator:
    """Follow Kolada KPI `kpi` (a kolada.Kpi) for the organisation: an indicator with source Kolada for the
    organisation's Kolada area, direction "higher is better" (editable later). Following the same KPI twice
    for the same area is refused; so is an organisation without a Kolada area."""
    from .kolada_sync import kolada_area

    # One follower at a time per organisation, so two quick clicks cannot make two indicators.
    type(organisation).objects.select_for_update().filter(pk=organisation.pk).first()
    area = kolada_area(organisation)
    if area is None:
        raise ValidationError(
            {"kpi": _("This organisation has no Kolada code, so it cannot follow a Kolada KPI.")}
        )
    if goal is not None and goal.organisation_id != organisation.pk:
        raise ValidationError({"goal": _("The goal must belong to the same organisation.")})
    if Indicator.objects.filter(
        organisation=organisation, source=Source.KOLADA, kolada_kpi=kpi.pk, area=area
    ).exists():
        raise ValidationError({"kpi": _("%(kpi)s is already followed.") % {"kpi": kpi.pk}})
    indicator = Indicator.objects.create(
        organisation=organisation,
        goal=goal,
        name=kpi.title[:300],
        definition=(kpi.description or "")[:5000],
        unit=unit_for_kpi(kpi.title),
        source=Source.KOLADA,
        kolada_kpi=kpi.pk,
        area=area,
    )
    record_event(
        "indicator.kolada_followed",
        by=by,
        organisation=organisation,
        indicator=indicator.pk,
        kpi=kpi.pk,
        area=area,
    )
    return indicator


# --- Kolada fetches (run by tasks.fetch_kolada_for_indicators) --------------------------------------------


def request_kolada_fetch(kpi_ids, area_codes, years, *, organisation=None, by=None) -> FetchRun:
    """A person's "fetch now": record the run (progress 0 %), then hand it to the task backend
    (tasks.fetch_kolada_for_indicators); the run page polls it."""
    run = FetchRun.objects.create(
        kpi_ids=list(kpi_ids),
        area_codes=list(area_codes),
        years=[int(y) for y in years],
        organisation=organisation,
        requested_by=by if by is not None and by.pk else None,
    )
    tasks.fetch_kolada_for_indicators.enqueue(run.pk)
    run.refresh_from_db()
    return run
