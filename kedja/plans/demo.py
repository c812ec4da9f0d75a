"""The demo world's action plan (docs/plans.md, "Demo"): Örebro, which has mapped its initiatives, gets a
small goal tree (if it has none), two priority items on its closed self-assessment (if it has none), eight
actions tied to goals, its top ranked gaps and the priority items — one of them overdue — and an adopted
version. Run by `manage.py demo` after the initiative demo; running it again changes nothing."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kedja.assessments.models import Priority, Round
from kedja.indicators.factories import make_goal
from kedja.indicators.models import Goal
from kedja.organisations.models import Organisation
from kedja.organisations.roles import Kind

from . import rules
from .actions import adopt_plan, save_action
from .models import Action, ActionStatus

# (title, responsible function, start offset in days, due offset in days, status, progress)
ACTIONS = [
    (
        "Teknikdagar för förskolans pedagoger",
        "Förskoleförvaltningen",
        -120,
        -10,
        ActionStatus.IN_PROGRESS,
        60,
    ),
    ("Studiebesök på teknikföretag i åk 8", "Grundskoleavdelningen", -60, 9, ActionStatus.IN_PROGRESS, 70),
    ("Programmering i matematik åk 4–6", "Grundskoleavdelningen", -30, 150, ActionStatus.PLANNED, 10),
    ("Tjejer kodar – eftermiddagsklubb", "Fritidsförvaltningen", 20, 200, ActionStatus.PLANNED, 0),
    ("Föräldrakvällar om NA/TE", "Studie- och yrkesvägledningen", 40, 120, ActionStatus.PLANNED, 0),
    ("Lärarnätverk NO/teknik", "Utbildningsförvaltningen", -200, 60, ActionStatus.IN_PROGRESS, 40),
    ("Uppföljning av övergångar åk 9–gymnasiet", "Kvalitetsenheten", -90, -40, ActionStatus.DONE, 100),
    ("Samverkansavtal med lokalt näringsliv", "Utbildningsförvaltningen", 10, 300, ActionStatus.DRAFT, 0),
]


def _goals(orebro: Organisation, by) -> list[Goal]:
    goals = list(Goal.objects.filter(organisation=orebro).order_by("position", "pk"))
    if goals:
        return goals
    main = make_goal(orebro, title="Fler unga väljer STEAM-utbildningar", by=by)
    return [
        main,
        make_goal(orebro, parent=main, title="Intresset för teknik väcks tidigt", by=by),
        make_goal(orebro, parent=main, title="Fler flickor väljer NA och TE", by=by),
    ]


def _priorities(orebro: Organisation) -> list[Priority]:
    rounds = rules.priority_rounds(orebro)
    existing = list(Priority.objects.filter(round__in=rounds).select_related("node"))
    if existing or not rounds:
        return existing
    round_ = next((r for r in rounds if r.status == Round.Status.CLOSED), rounds[0])
    items = list(round_.framework_version.items().order_by("position")[:12])
    return [
        Priority.objects.create(round=round_, node=node, note="Lägst skattad i självskattningen")
        for node in items[2::5][:2]
    ]


@transaction.atomic
def build_plan_demo(people: dict | None = None) -> int:
    """Returns the number of actions created (0 when the plan is already there or Örebro is missing)."""
    people = people or {}
    orebro = Organisation.objects.filter(kind=Kind.MUNICIPALITY, country="SE", code="1880").first()
    if orebro is None or Action.objects.filter(organisation=orebro).exists():
        return 0
    by = people.get("samordnare")
    responsible = [p for p in (people.get("samordnare"), people.get("skolchef")) if p is not None]
    today = timezone.localdate()
    goals = _goals(orebro, by)
    priorities = _priorities(orebro)
    gaps = rules.ranked_gaps(orebro, today)[:5]
    for number, (title, function, start, due, status, progress) in enumerate(ACTIONS[:-1]):
        gap = gaps[number] if number < len(gaps) else None
        priority = priorities[number - 5] if 5 <= number < 5 + len(priorities) else None
        save_action(
            None,
            data={
                "title": title,
                "responsible_function": function,
                "goal": goals[min(1 + number % 2, len(goals) - 1)],
                "starts": today + timedelta(days=start),
                "due": today + timedelta(days=due),
                "status": status,
                "progress": progress,
                "resource_hours": 40 + 20 * number,
                "resource_money": 15000 * (number + 1),
                "gaps": [rules.gap_cell(rules.gap_key(gap))] if gap else [],
            },
            by=by,
            organisation=orebro,
            people=responsible[: 1 + number % 2],
            items=[priority.node] if priority else None,
            priorities=[priority] if priority else None,
        )
    adopt_plan(
        orebro,
        title="Handlingsplan STEAM 2026–2028",
        adopted_on=today - timedelta(days=45),
        adopted_by_body="Förskole- och grundskolenämnden",
        decision_reference="FGN § 42",
        by=by,
    )
    # A draft added after adoption, and progress since: the follow-up against the adopted version shows them.
    last = ACTIONS[-1]
    save_action(
        None,
        data={
            "title": last[0],
            "responsible_function": last[1],
            "status": ActionStatus.DRAFT,
            "goal": goals[0],
        },
        by=by,
        organisation=orebro,
    )
    moved = Action.objects.filter(organisation=orebro, title=ACTIONS[5][0]).first()
    if moved is not None:
        save_action(moved, data={"progress": 55}, by=by)
    return len(ACTIONS)
