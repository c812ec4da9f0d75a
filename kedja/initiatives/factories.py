"""Plain factories for initiatives (tests, demo and benchmarks)."""

import itertools

from .actions import save_initiative
from .models import Initiative

_seq = itertools.count(1)


def make_initiative(owner, *, items=(), by=None, **overrides) -> Initiative:
    """An initiative owned by `owner` (a municipality or one of its units); `items` are framework items."""
    data = {
        "owner": owner,
        "name": f"Insats {next(_seq)}",
        "description": "",
        "responsible_function": "Utbildningsförvaltningen",
        "named_people": "",
        "stages": ["y7_9"],
        "target_groups": ["all"],
        "partners": "",
        "funding": "ordinary",
        "funding_ends": None,
        "starts": None,
        "ends": None,
        "reach_total": None,
        "reach_girls": None,
        "reach_boys": None,
        "reach_other": None,
        "evidence_base": "experience",
        "follow_up": "Andel elever som väljer NA/TE",
        "sharing": "region",
    }
    data.update(overrides)
    return save_initiative(None, data=data, items=list(items), by=by)
