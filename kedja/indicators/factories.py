"""Plain factories for goals and indicators (tests, demo and benchmarks)."""

import itertools

from .actions import save_goal, save_indicator, save_values
from .models import Goal, GoalKind, Indicator

_seq = itertools.count(1)


def make_goal(organisation, *, parent: Goal | None = None, items=None, by=None, **overrides) -> Goal:
    """A goal of `organisation`: a main goal, or a sub-goal when `parent` is given (unless `kind` says)."""
    data = {
        "kind": GoalKind.MAIN_GOAL if parent is None else GoalKind.SUB_GOAL,
        "parent": parent,
        "title": f"Mål {next(_seq)}",
        "description": "",
        "owner_function": "Utbildningsförvaltningen",
        "status": "in_progress",
        "gaps": [],
    }
    data.update(overrides)
    return save_goal(None, data=data, items=items, by=by, organisation=organisation)


def make_indicator(organisation, *, goal: Goal | None = None, values=None, by=None, **overrides) -> Indicator:
    """An indicator (percent, higher is better, entered by hand); `values` is {year: value} (totals)."""
    data = {
        "goal": goal,
        "name": f"Indikator {next(_seq)}",
        "definition": "Andel elever som väljer NA/TE",
        "unit": "percent",
        "direction": "higher_better",
        "source": "manual",
    }
    data.update(overrides)
    indicator = save_indicator(None, data=data, by=by, organisation=organisation)
    if values:
        save_values(indicator, [{"period": y, "value": v} for y, v in values.items()], by=by, today_year=9999)
    return indicator
