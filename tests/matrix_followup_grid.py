"""Who may reach the teacher's grid and group view (kedja/followup/urls_grid.py).

Student rows never leave the school unit: the teacher of the group (named on it) and the unit's principal
see and fill them in; everyone else gets 404 — the coordinator, head of schools, admin and regional officer
too, and every persona of another organisation. Each persona's session has passed the second factor
(Entry.verified), so the answers are about roles only; tests/test_grid.py covers the second factor itself
and a teacher of another group or school.
"""

import io

from kedja.followup.factories import make_group, make_round
from kedja.followup.models import Row
from tests.matrix_base import Entry

ROWS = frozenset({"teacher", "principal"})


def _group_and_round(w):
    cached = getattr(w, "followup_grid", None)
    if cached is None:
        group = make_group(w.school, name="7B", students=2, teachers=[w.people["teacher"]])
        round_ = make_round(w.school, by=w.people["principal"])
        cached = w.followup_grid = (group, round_)
    return cached


def group_args(w):
    group, round_ = _group_and_round(w)
    return [round_.pk, group.pk]


def row_args(w):
    group, round_ = _group_and_round(w)
    return [round_.pk, Row.objects.filter(round=round_, group=group).order_by("pk").first().pk]


def sheet(w, persona):
    group, round_ = _group_and_round(w)
    lines = ["id;maths"] + [f"{r.student_id};2" for r in Row.objects.filter(round=round_, group=group)]
    upload = io.BytesIO("\n".join(lines).encode())
    upload.name = "grid.csv"
    return {"file": upload}


def cells(w, persona):
    group, round_ = _group_and_round(w)
    row = Row.objects.filter(round=round_, group=group).order_by("pk").first()
    return {"cells": f'[[{row.pk}, "maths", "2", ""]]'}


ENTRIES = {
    "followup:my_groups": Entry("get", lambda w: [], ROWS, verified=True),
    "followup:grid": Entry("get", group_args, ROWS, verified=True),
    "followup:group": Entry("get", group_args, ROWS, verified=True),
    "followup:grid_template": Entry("get", group_args, ROWS, verified=True),
    "followup:grid_import": Entry("post", group_args, ROWS, ok=302, data=sheet, verified=True),
    "followup:cell": Entry(
        "post",
        row_args,
        ROWS,
        data=lambda w, p: {"code": "maths", "value": "2", "expected": ""},
        verified=True,
    ),
    "followup:cells": Entry("post", group_args, ROWS, data=cells, verified=True),
}
