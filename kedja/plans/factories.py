"""Plain factories for the action plan (tests, demo and benchmarks); they write through actions.py."""

from itertools import count

from .actions import adopt_plan, save_action
from .models import Action, ActionStatus

_seq = count(1)


def make_action(organisation, *, by=None, people=None, items=None, priorities=None, **overrides) -> Action:
    data = {
        "title": f"Åtgärd {next(_seq)}",
        "description": "",
        "responsible_function": "Utbildningsförvaltningen",
        "status": ActionStatus.PLANNED,
        "progress": 0,
        "gaps": [],
    }
    data.update(overrides)
    return save_action(
        None, data=data, by=by, organisation=organisation, people=people, items=items, priorities=priorities
    )


def make_plan_version(organisation, *, adopted_on, by=None, **overrides):
    values = {"title": "Handlingsplan STEAM", "adopted_by_body": "Barn- och utbildningsnämnden"}
    values.update(overrides)
    return adopt_plan(organisation, adopted_on=adopted_on, by=by, **values)
