"""An organisation's goal tree in the order every page and file shows it: depth first from the main goals,
siblings by position. The goals page, the goal export, the goal picker of the Kolada catalogue and the plan
documents all walk it from here."""

from django.db.models import Prefetch

from kedja.frameworks.models import Node

from .models import Goal, Indicator, IndicatorValue


def goal_tree(
    organisation, *, indicators: bool = False, items: bool = False, fields=()
) -> list[tuple[Goal, int]]:
    """(goal, depth) of the organisation's goals in tree order, 0 for a main goal. With `indicators` each
    goal's indicators of the organisation are prefetched (by name, their values by period), with `items` its
    framework items (in framework order); `fields` loads only those columns. One query per prefetch, whatever
    the size of the tree. A goal whose parent is not in the tree is left out, as on the goals page."""
    goals = Goal.objects.filter(organisation=organisation).order_by("position", "pk")
    if fields:
        goals = goals.only(*fields)
    if indicators:
        goals = goals.prefetch_related(
            Prefetch(
                "indicators",
                queryset=Indicator.objects.filter(organisation=organisation)
                .order_by("name")
                .prefetch_related(Prefetch("values", queryset=IndicatorValue.objects.order_by("period"))),
            )
        )
    if items:
        goals = goals.prefetch_related(
            Prefetch("items", queryset=Node.objects.order_by("framework_version", "position"))
        )
    children: dict[int | None, list[Goal]] = {}
    for goal in goals:
        children.setdefault(goal.parent_id, []).append(goal)
    tree: list[tuple[Goal, int]] = []

    def walk(parent_id, depth):
        for goal in children.get(parent_id, []):
            tree.append((goal, depth))
            walk(goal.pk, depth + 1)

    walk(None, 0)
    return tree
