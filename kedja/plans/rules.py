"""The action plan's rules as plain functions (docs/plans.md): when an action is overdue or due soon, which
priority items and ranked gaps no action answers yet (coverage), what adoption freezes (snapshot), what has
changed since an adopted version (plan_changes), and the plan's groupings (by goal, framework area,
responsible function; the timeline by month). No request and no access checks: views and the documents fetch
the organisation through the access layer first.

An action that is done or cancelled is never overdue nor due soon. A cancelled action answers nothing: it
does not cover a gap or a priority item.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kedja.assessments.models import Priority, Round
from kedja.core.texts import pick
from kedja.frameworks.chain import stage_label
from kedja.frameworks.models import Framework, Node
from kedja.frameworks.selectors import default_framework
from kedja.indicators.models import Goal
from kedja.initiatives import gap_report
from kedja.initiatives.models import TargetGroup
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from .models import Action, ActionStatus, PlanVersion

CLOSED = frozenset({ActionStatus.DONE, ActionStatus.CANCELLED})
DUE_SOON_DAYS = 14
AREA, GROUP = "area", "group"


# --- dates --------------------------------------------------------------------------------------------


def is_open(action) -> bool:
    return action.status not in CLOSED


def is_overdue(action, today: date) -> bool:
    """Not done or cancelled, and its due date has passed (the due date itself is not overdue)."""
    return is_open(action) and action.due is not None and action.due < today


def is_due_soon(action, today: date, days: int = DUE_SOON_DAYS) -> bool:
    """Not done or cancelled, and due today or within `days` days."""
    return is_open(action) and action.due is not None and today <= action.due <= today + timedelta(days=days)


# --- gaps as keys and labels ---------------------------------------------------------------------------


def gap_key(gap) -> tuple[str, str, str]:
    """(stage, "area"|"group", code) of a gap cell: a dict as stored in Action.gaps / Goal.gaps, or a
    gaps.RankedGap."""
    if isinstance(gap, dict):
        if gap.get("area"):
            return (gap.get("stage", ""), AREA, str(gap["area"]))
        return (gap.get("stage", ""), GROUP, str(gap.get("target_group", "")))
    return (gap.stage, gap.kind, gap.column)


def gap_cell(key: tuple[str, str, str]) -> dict:
    stage, kind, code = key
    return {"stage": stage, "area": code} if kind == AREA else {"stage": stage, "target_group": code}


def gap_label(key: tuple[str, str, str], area_titles: dict | None = None) -> str:
    """ "School years 7–9 – 3 Technology" or "Preschool – Girls/women"."""
    stage, kind, code = key
    stage_text = stage_label(stage)
    if kind == AREA:
        title = (area_titles or {}).get(code)
        return f"{stage_text} – {code} {pick(title) if title else ''}".rstrip()
    return f"{stage_text} – {dict(TargetGroup.choices).get(code, code)}"


def area_titles(framework: Framework | None = None) -> dict[str, object]:
    """Area code → title (a translated JSON text) of the STEAM framework's latest published version."""
    framework = framework or default_framework()
    version = framework.latest_published() if framework else None
    return {a.code: a.title for a in version.areas()} if version else {}


# --- the actions of a plan -----------------------------------------------------------------------------


def plan_actions(organisation: Organisation):
    """The organisation's actions in plan order, with what the plan's views and documents show."""
    return (
        Action.objects.filter(organisation=organisation)
        .select_related("goal")
        .prefetch_related(
            "responsible_people",
            "partners",
            Prefetch("items", queryset=Node.objects.order_by("code")),
            Prefetch("priorities", queryset=Priority.objects.select_related("node")),
        )
        .order_by("position", "pk")
    )


# --- coverage ------------------------------------------------------------------------------------------


def priority_rounds(organisation: Organisation) -> list[Round]:
    """The rounds whose priority items the plan answers: per framework the organisation has assessed with,
    the round gap_report.priority_round picks (the latest closed one, else the latest)."""
    if organisation.kind != Kind.MUNICIPALITY:
        return []
    frameworks = Framework.objects.filter(
        pk__in=Round.objects.filter(municipality=organisation).values("framework_version__framework")
    ).order_by("pk")
    rounds = [gap_report.priority_round(organisation, f) for f in frameworks]
    return [r for r in rounds if r is not None]


@dataclass
class CoveredGap:
    gap: object  # a gap_report.SuggestedGap
    actions: list[Action] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return gap_key(self.gap)

    @property
    def value(self) -> str:
        return "|".join(self.key)


@dataclass
class CoveredPriority:
    priority: Priority
    actions: list[Action] = field(default_factory=list)


@dataclass
class Coverage:
    """Which priority items and ranked gaps the organisation's (not cancelled) actions answer."""

    priorities: list[CoveredPriority]
    gaps: list[CoveredGap]
    rounds: list[Round] = field(default_factory=list)

    @property
    def uncovered_priorities(self) -> list[CoveredPriority]:
        return [p for p in self.priorities if not p.actions]

    @property
    def uncovered_gaps(self) -> list[CoveredGap]:
        return [g for g in self.gaps if not g.actions]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "priorities": len(self.priorities),
            "priorities_without_action": len(self.uncovered_priorities),
            "gaps": len(self.gaps),
            "gaps_without_action": len(self.uncovered_gaps),
        }


def ranked_gaps(organisation: Organisation, today: date | None = None) -> list:
    """The municipality's ranked gaps exactly as its gap page lists them (gap_report.ranked_gaps with the
    STEAM framework); none for other kinds of organisation or without the framework."""
    framework = default_framework()
    if organisation.kind != Kind.MUNICIPALITY or framework is None:
        return []
    return gap_report.ranked_gaps(organisation, framework, today or timezone.localdate())


def coverage(organisation: Organisation, *, today: date | None = None, actions=None) -> Coverage:
    """An action answers a priority item when it names the priority or the priority's framework item; it
    answers a gap when its gaps hold the cell. Cancelled actions answer nothing."""
    actions = list(actions if actions is not None else plan_actions(organisation))
    live = [a for a in actions if a.status != ActionStatus.CANCELLED]
    rounds = priority_rounds(organisation)
    by_priority, by_node, by_gap = defaultdict(list), defaultdict(list), defaultdict(list)
    for action in live:
        for priority in action.priorities.all():
            by_priority[priority.pk].append(action)
        for node in action.items.all():
            by_node[node.pk].append(action)
        for gap in action.gaps or []:
            by_gap[gap_key(gap)].append(action)
    priorities = []
    for priority in Priority.objects.filter(round__in=rounds).select_related("node", "round"):
        found = by_priority[priority.pk] + [
            a for a in by_node[priority.node_id] if a not in by_priority[priority.pk]
        ]
        priorities.append(CoveredPriority(priority, found))
    gaps = [CoveredGap(g, by_gap[gap_key(g)]) for g in ranked_gaps(organisation, today)]
    return Coverage(priorities=priorities, gaps=gaps, rounds=rounds)


# --- snapshot and changes since an adopted version --------------------------------------------------------


def _action_record(action: Action) -> dict:
    return {
        "id": action.pk,
        "title": action.title,
        "goal": action.goal_id,
        "goal_title": action.goal.title if action.goal is not None else "",
        "responsible_function": action.responsible_function,
        "responsible_people": sorted(p.full_name or p.email for p in action.responsible_people.all()),
        "partners": sorted(p.name for p in action.partners.all()),
        "resource_hours": action.resource_hours,
        "resource_money": int(action.resource_money) if action.resource_money is not None else None,
        "starts": action.starts.isoformat() if action.starts else None,
        "due": action.due.isoformat() if action.due else None,
        "status": action.status,
        "progress": action.progress,
        "gaps": list(action.gaps or []),
        "items": [n.code for n in action.items.all()],
        "priorities": [p.node.code for p in action.priorities.all()],
    }


def snapshot(organisation: Organisation) -> dict:
    """What adopting the plan freezes: every action with its goal, responsibility, resources, dates, status,
    progress, gaps and items (JSON-safe; dates as ISO text)."""
    return {
        "organisation": organisation.name,
        "actions": [_action_record(a) for a in plan_actions(organisation)],
    }


COMPARED = {
    "title": gettext_lazy("Title"),
    "goal": gettext_lazy("Goal"),
    "status": gettext_lazy("Status"),
    "progress": gettext_lazy("Progress"),
    "starts": gettext_lazy("Starts"),
    "due": gettext_lazy("Due"),
}


@dataclass
class FieldChange:
    name: str
    label: str
    before: str
    after: str


@dataclass
class PlanChange:
    kind: str  # "added" | "removed" | "changed"
    action_id: int
    title: str
    fields: list[FieldChange] = field(default_factory=list)
    action: Action | None = None  # the current action (None when removed)

    @property
    def kind_label(self) -> str:
        return str(CHANGE_LABELS[self.kind])


CHANGE_LABELS = {
    "added": gettext_lazy("Added"),
    "removed": gettext_lazy("Removed"),
    "changed": gettext_lazy("Changed"),
}


def _shown(name: str, record: dict) -> str:
    value = record.get(name)
    if name == "goal":
        return record.get("goal_title") or _("No goal")
    if name == "status":
        return str(dict(ActionStatus.choices).get(str(value), value))
    if name == "progress":
        return f"{value or 0} %"
    if name in ("starts", "due"):
        return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT") if value else "–"
    return str(value or "")


def plan_changes(organisation: Organisation, version: PlanVersion) -> list[PlanChange]:
    """Actions added, removed or changed (title, goal, status, progress, start, due) since `version` was
    adopted: the follow-up against the adopted plan. Added and changed in plan order, removed last."""
    then = {r["id"]: r for r in (version.snapshot or {}).get("actions", [])}
    changes, seen = [], set()
    for action in plan_actions(organisation):
        now = _action_record(action)
        seen.add(action.pk)
        before = then.get(action.pk)
        if before is None:
            changes.append(PlanChange("added", action.pk, action.title, action=action))
            continue
        fields = [
            FieldChange(name, str(label), _shown(name, before), _shown(name, now))
            for name, label in COMPARED.items()
            if before.get(name) != now.get(name)
        ]
        if fields:
            changes.append(PlanChange("changed", action.pk, action.title, fields, action=action))
    for pk, record in then.items():
        if pk not in seen:
            changes.append(PlanChange("removed", pk, record.get("title", "")))
    return changes


def latest_version(organisation: Organisation) -> PlanVersion | None:
    return PlanVersion.objects.filter(organisation=organisation).order_by("-number").first()


# --- groupings -------------------------------------------------------------------------------------------


@dataclass
class Group:
    key: str
    label: str
    actions: list[Action] = field(default_factory=list)


def action_areas(action: Action) -> set[str]:
    """The framework areas an action works in: of its items, its priority items and its area gaps."""
    codes = {n.code.split(".")[0] for n in action.items.all()}
    codes |= {p.node.code.split(".")[0] for p in action.priorities.all()}
    codes |= {g["area"] for g in action.gaps or [] if isinstance(g, dict) and g.get("area")}
    return codes


def _by_goal(actions) -> list[Group]:
    groups: dict[int | None, Group] = {}
    for action in actions:
        if action.goal_id not in groups:
            label = action.goal.title if action.goal_id else _("No goal")
            groups[action.goal_id] = Group(str(action.goal_id or ""), label)
        groups[action.goal_id].actions.append(action)
    goal_order: dict[int | None, int] = {
        pk: i
        for i, pk in enumerate(
            Goal.objects.filter(pk__in=[k for k in groups if k])
            .order_by("position", "pk")
            .values_list("pk", flat=True)
        )
    }
    return [groups[k] for k in sorted(groups, key=lambda k: (k is None, goal_order.get(k, 0)))]


def _by_area(actions, titles: dict) -> list[Group]:
    groups: dict[str, Group] = {}
    none = Group("", _("No framework area"))
    for action in actions:
        codes = action_areas(action)
        if not codes:
            none.actions.append(action)
        for code in codes:
            if code not in groups:
                title = titles.get(code)
                groups[code] = Group(code, f"{code} {pick(title)}" if title else code)
            groups[code].actions.append(action)

    def order(code: str):
        return (0, int(code), "") if code.isdigit() else (1, 0, code)

    return [groups[c] for c in sorted(groups, key=order)] + ([none] if none.actions else [])


def _by_function(actions) -> list[Group]:
    groups: dict[str, Group] = {}
    none = Group("", _("No responsible function"))
    for action in actions:
        name = " ".join(action.responsible_function.split())
        if not name:
            none.actions.append(action)
            continue
        groups.setdefault(name.casefold(), Group(name.casefold(), name)).actions.append(action)
    return [groups[k] for k in sorted(groups)] + ([none] if none.actions else [])


def actions_by(actions, by: str, *, titles: dict | None = None) -> list[Group]:
    """Group the actions `by` "goal" (goal order, no goal last), "area" (framework area, from items,
    priority items and area gaps; an action in several areas is listed in each) or "function" (responsible
    function, alphabetically, none last)."""
    actions = list(actions)
    if by == "goal":
        return _by_goal(actions)
    if by == "area":
        return _by_area(actions, area_titles() if titles is None else titles)
    if by == "function":
        return _by_function(actions)
    raise ValueError(f"unknown grouping {by!r}")


@dataclass
class Month:
    year: int
    month: int
    starting: list[Action] = field(default_factory=list)
    due: list[Action] = field(default_factory=list)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def label(self) -> str:
        return date_format(self.first_day, "YEAR_MONTH_FORMAT")

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass
class Timeline:
    months: list[Month]
    undated: list[Action]


def timeline(actions) -> Timeline:
    """Month buckets, earliest first: in each the actions that start and those that are due that month.
    Actions with neither date are listed apart."""
    months: dict[tuple[int, int], Month] = {}
    undated = []
    for action in actions:
        if action.starts is None and action.due is None:
            undated.append(action)
            continue
        for when, bucket in ((action.starts, "starting"), (action.due, "due")):
            if when is not None:
                month = months.setdefault((when.year, when.month), Month(when.year, when.month))
                getattr(month, bucket).append(action)
    return Timeline([months[k] for k in sorted(months)], undated)
