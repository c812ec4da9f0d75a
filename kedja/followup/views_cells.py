"""Saving cells of the teacher's grid from grid.js (kedja/followup/static/followup/grid.js): one cell
(`cell`, an HTML fragment) or a block — a paste, "save all", one cell left — in one request (`cells`, JSON
per cell). Thin: reading.py checks who may fill in the group (404 for everyone else), actions_grid.py checks
every cell with the one rule, writes and logs."""

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from . import actions_grid, reading
from .access import get_round_and_group, get_round_for_cells
from .forms import CellForm, CellsForm
from .guard import student_rows_view
from .scheme import Layout
from .views_grid import _level_label, sum_text


def _column_label(round_, code: str) -> str:
    """The column's name in the reader's language, for the access log ("" for a code the scheme lacks)."""
    column = next((c for c in Layout(round_.scheme_version).columns if c.code == code), None)
    return column.label if column else ""


@require_POST
@student_rows_view
def cell(request, round_id, row_id):
    """Save one cell (grid.js): a small HTML fragment with the cell's state, the row's sum and level."""
    round_ = get_round_for_cells(request.user, round_id)
    code, value, expected = CellForm(request.POST).cell()
    row = reading.cell_row(
        request.user, round_, row_id, context="grid cell", column=_column_label(round_, code)
    )
    layout = Layout(round_.scheme_version)
    state, message, status, scores = "saved", "", 200, row.scores
    try:
        result = actions_grid.save_cell(row, code, value, expected=expected, by=request.user)
        scores = result.row.scores
    except actions_grid.CellConflict as conflict:
        state, message, status = "conflict", conflict.message, 409
        scores = dict(row.scores)
        if conflict.current is None:
            scores.pop(code, None)
        else:
            scores[code] = conflict.current
    except ValidationError as error:
        state, message, status = "refused", " ".join(error.messages), 400
    stored = scores.get(code)
    total = layout.row_sum(scores)
    level = layout.row_level(scores, total)
    return render(
        request,
        "followup/grid_cell.html",
        {
            "state": state,
            "message": message,
            "row": row,
            "code": code,
            "value": value,
            "stored": "" if stored is None else stored,
            "total": sum_text(total, layout.missing(scores)),
            "level": level,
            "level_label": _level_label(level),
        },
        status=status,
    )


@require_POST
@student_rows_view
def cells(request, round_id, group_id):
    """Save a block of cells at once (grid.js: a paste, "save all", or one cell left): POST `cells`, a JSON
    list of [row id, column code, typed value, value the page showed]. Answers JSON: per cell its state
    (saved, refused, conflict), stored value and message, and per row touched its sum and level. Every cell
    is checked; the good ones are saved in one transaction even when others are refused."""
    round_, group = get_round_and_group(request.user, round_id, group_id)
    rows = reading.editable_rows(request.user, group, round_)
    form = CellsForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(form.errors["cells"])}, status=400)
    try:
        outcomes, fresh = actions_grid.save_cells(round_, rows, form.cleaned_data["cells"], by=request.user)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    layout = Layout(round_.scheme_version)
    touched = {}
    for outcome in outcomes:
        row = fresh.get(outcome.row)
        if row is not None and row.pk not in touched:
            total = layout.row_sum(row.scores)
            level = layout.row_level(row.scores, total)
            touched[row.pk] = {
                "total": sum_text(total, layout.missing(row.scores)),
                "level": level,
                "label": _level_label(level),
            }
    states = [o.state for o in outcomes]
    return JsonResponse(
        {
            "cells": [
                {"row": o.row, "code": o.code, "state": o.state, "stored": o.stored, "message": o.message}
                for o in outcomes
            ],
            "rows": touched,
            "saved": states.count("saved"),
            "refused": states.count("refused"),
            "conflicts": states.count("conflict"),
        }
    )
