"""Plain factories for frameworks (tests, demo and benchmarks)."""

import itertools

from . import schema
from .actions import import_framework
from .models import FrameworkVersion

_seq = itertools.count(1)


def framework_data(
    *, key: str | None = None, areas: int = 2, items: int = 3, letters_gap: bool = False
) -> dict:
    """A small framework as file data: areas 1..n, items a, b, c... (with a gap at 'c' if asked)."""
    letters = [ch for ch in "abcdefghijklmnopqrstuvwxyz" if not (letters_gap and ch == "c")]
    return {
        "kedja_framework": 1,
        "key": key or f"framework-{next(_seq)}",
        "title": {"sv": "Testramverk", "en": "Test framework"},
        "nodes": [
            {
                "number": str(a),
                "title": {"sv": f"Område {a}", "en": f"Area {a}"},
                "children": [
                    {
                        "number": letters[i],
                        "title": {"sv": f"Punkt {a}{letters[i]}", "en": f"Item {a}{letters[i]}"},
                    }
                    for i in range(items)
                ],
            }
            for a in range(1, areas + 1)
        ],
    }


def make_framework_version(*, owner=None, publish: bool = True, **kwargs) -> FrameworkVersion:
    return import_framework(schema.parse(framework_data(**kwargs)), owner=owner, publish=publish)
