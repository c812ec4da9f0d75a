"""The teacher's part of the mid-term follow-up: my groups, the grid a teacher fills in (saved cell by
cell, by keyboard and paste in static/followup/grid.js, or as one form without JavaScript), the grid as an
Excel sheet (template down, filled sheet up: all rows or none) and the group view.

Thin: the access layer says who sees which group (404 for everyone else: student rows never leave the unit),
reading.py checks again, logs and returns the rows, actions.py writes. Every view that shows rows asks for a
second factor (accounts.second_factor.second_factor_required).
"""

import json
from html import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kedja.core.files import download_response
from kedja.core.spreadsheets import (
    XLSX_CONTENT_TYPE,
)

from . import access, actions_grid, exports, reading
from .access import get_round_and_group
from .forms import GridForm, ImportForm
from .guard import student_rows_view
from .models import AccessAction, Level, Round

LEVEL_RANK = {Level.RED: 0, Level.ORANGE: 1, Level.YELLOW: 2, Level.GREEN: 3, Level.NOT_ASSESSED: 4}


def _level_label(level: str) -> str:
    return str(Level(level).label)


def sum_text(total, missing: int) -> str:
    """A row's sum as the grid and group view write it: "6", or "6 — 31 not assessed" while columns are
    left unscored, so a partial sum is never read as a whole one."""
    text = formats.localize(total)
    if not missing:
        return text
    return f"{text} — " + ngettext("%(n)s not assessed", "%(n)s not assessed", missing) % {"n": missing}


# --- my groups -------------------------------------------------------------------------------------------


@login_required
@require_safe
def my_groups(request):
    units = access.require_units_with_rows(request.user)
    blocks = []
    for unit in units:
        rounds = sorted(
            Round.objects.filter(school_unit=unit).select_related("scheme_version"), key=lambda r: r.sort_key
        )
        open_rounds = [r for r in rounds if r.status == Round.Status.OPEN]
        latest = open_rounds[-1] if open_rounds else None
        # the results to look at: the latest round with scores, which is the last term's while a new round
        # is still empty
        progress = reading.round_progress(rounds[-2:])
        with_data = [r for r in rounds[-2:] if progress[r.pk].filled]
        results = with_data[-1] if with_data and with_data[-1] != latest else None
        groups = list(access.visible_groups(request.user, unit).order_by("name"))
        blocks.append({"unit": unit, "round": latest, "results": results, "groups": groups})
    return render(request, "followup/my_groups.html", {"blocks": blocks})


# --- the grid --------------------------------------------------------------------------------------------


def _cells_html(row, name: str, columns: list, typed: dict, problems: dict, readonly: str) -> str:
    """One student's cells: a labelled input per column (what was typed when it was refused, with the
    message next to it). Written here rather than in the template: the 990 cells of a class render in a
    few milliseconds this way (bench followup.group_grid_ms). `columns` holds (code, escaped code,
    escaped label); `name` is escaped."""
    scores = row.scores
    prefix = f"c-{row.pk}-"
    pk = row.pk
    out = []
    for code, code_attr, label in columns:
        stored = scores.get(code)
        stored = "" if stored is None else str(stored)
        cell_id = prefix + code_attr
        key = (pk, code)
        problem = problems.get(key) if problems else None
        value = escape(typed[key]) if typed and key in typed else stored
        if problem:
            tail = f' aria-invalid="true" aria-describedby="m-{cell_id}">'
            tail += f'<span class="fu-msg" id="m-{cell_id}">{escape(problem)}</span></td>'
            td = '<td class="fu-cell fu-invalid">'
        else:
            tail, td = "></td>", '<td class="fu-cell">'
        out.append(
            f'{td}<label class="ds-sr-only" for="{cell_id}">{name}, {label}</label>'
            f'<input class="fu-input" id="{cell_id}" name="{cell_id}" value="{value}" inputmode="numeric" '
            f'autocomplete="off" size="2" data-code="{code_attr}" data-expected="{stored}"'
            f"{readonly}{tail}"
        )
    return "".join(out)


def _grid_lines(rows, cell_url: str, *, typed=None, problems=None, readonly=False) -> tuple[list[dict], str]:
    """Per student: the row, its sum and level; and the table body — one <tr> per student with the name,
    the shown scores (was-<row>), the cells (see _cells_html), the sum and the level — as one escaped
    string. `cell_url` is followup:cell's URL for row 0."""
    typed, problems = typed or {}, problems or {}
    # Codes and labels come from the municipality's scheme: escaped once per page, names once per row.
    columns = [(c.code, escape(c.code), escape(c.label)) for c in rows.layout.columns]
    readonly_attr = " readonly" if readonly else ""
    url_head, url_tail = cell_url.rsplit("/0/", 1)
    labels = {}
    out, html = [], []
    for line in rows.lines:
        row = line.row
        pk = row.pk
        name = str(row.student)
        level = line.level
        if level not in labels:
            labels[level] = escape(_level_label(level))
        total = sum_text(line.total, rows.layout.missing(row.scores))
        was = json.dumps(row.scores, sort_keys=True)
        out.append({"row": row, "name": name, "total": line.total, "level": level, "was": was})
        escaped = escape(name)
        html.append(
            f'<tr data-row="{pk}" data-url="{url_head}/{pk}/{url_tail}">'
            f'<th scope="row">{escaped}<input type="hidden" name="was-{pk}" value="{escape(was)}"></th>'
            f"{_cells_html(row, escaped, columns, typed, problems, readonly_attr)}"
            f'<td class="fu-sum" id="sum-{pk}">{escape(total)}</td>'
            f'<td><span class="fu-level" data-level="{escape(level)}" id="level-{pk}">{labels[level]}</span></td>'
            "</tr>\n"
        )
    return out, mark_safe("".join(html))  # noqa: S308 — names, labels, typed text and messages are escaped


def _column_heads(layout) -> tuple[str, str]:
    """The grid's header row of columns and the list of what they mean (33 columns: built once here)."""
    heads, terms = [], []
    for c in layout.columns:
        label, code, help_text = escape(c.label), escape(c.code), escape(c.help_text)
        # the code (the sheet import's name for the column) only in the tooltip, not under every heading
        heads.append(
            f'<th scope="col" class="fu-colhead" title="{help_text or label} ({code})"><span>{label}</span></th>'
        )
        terms.append(f"<dt>{label} ({code})</dt><dd>{help_text or '–'}</dd>")
    return mark_safe("".join(heads)), mark_safe("".join(terms))  # noqa: S308 — escaped above


def _render_grid(request, round_, group, rows, *, typed=None, problems=None, form=None, status=200):
    lines, body = _grid_lines(
        rows,
        reverse("followup:cell", args=[round_.pk, 0]),
        typed=typed,
        problems=problems,
        readonly=round_.status != Round.Status.OPEN,
    )
    heads, terms = _column_heads(rows.layout)
    return render(
        request,
        "followup/grid.html",
        {
            "round": round_,
            "group": group,
            "layout": rows.layout,
            "columns": [{"code": c.code, "label": c.label, "help": c.help_text} for c in rows.layout.columns],
            "column_heads": heads,
            "column_terms": terms,
            "lines": lines,
            "body": body,
            "problems": problems or {},
            "problem_list": [
                {"id": f"c-{row_id}-{code}", "message": message}
                for (row_id, code), message in (problems or {}).items()
            ],
            "import_form": form or ImportForm(),
            "is_open": round_.status == Round.Status.OPEN,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@student_rows_view
def grid(request, round_id, group_id):
    round_, group = get_round_and_group(request.user, round_id, group_id)
    rows = reading.group_rows(request.user, group, round_, context="grid")
    if request.method != "POST":
        return _render_grid(request, round_, group, rows)
    typed, problems, saved = _save_grid(request, round_, rows)
    if problems:
        return _render_grid(request, round_, group, rows, typed=typed, problems=problems, status=400)
    messages.success(
        request,
        ngettext("%(count)s score has been saved.", "%(count)s scores have been saved.", saved)
        % {"count": saved},
    )
    return redirect("followup:grid", round_.pk, group.pk)


def _save_grid(request, round_, rows) -> tuple[dict, dict, int]:
    """Save every cell the form changed (compared with the value the page showed, sent back per row as
    "was-<row>"). Refused and conflicting cells keep what was typed and get a message; the others are saved."""
    layout = rows.layout
    form = GridForm(request.POST, layout=layout)
    typed, problems, saved = {}, {}, 0
    for line in rows.lines:
        row = line.row
        row.round = round_
        for code, text, before in form.changes(row):
            key = (row.pk, code)
            try:
                result = actions_grid.save_cell(row, code, text, expected=before, by=request.user)
            except actions_grid.CellConflict as conflict:
                typed[key], problems[key] = text, conflict.message
                if conflict.current is None:
                    row.scores.pop(code, None)
                else:
                    row.scores[code] = conflict.current
            except ValidationError as error:
                typed[key], problems[key] = text, " ".join(error.messages)
            else:
                row.scores = result.row.scores
                saved += 1
        line.total = layout.row_sum(row.scores)
        line.level = layout.row_level(row.scores, line.total)
    return typed, problems, saved


# --- the grid as a sheet ---------------------------------------------------------------------------------


@require_safe
@student_rows_view
def grid_template(request, round_id, group_id):
    """The group's sheet as Excel: "id", the student's name and one column per code, with today's scores
    (so the sheet can be filled in and imported again). An export of student rows: logged."""
    round_, group = get_round_and_group(request.user, round_id, group_id)
    rows = reading.group_rows(
        request.user, group, round_, context="grid template", action=AccessAction.EXPORT
    )
    body = exports.grid_workbook(group, rows)
    return download_response(
        body, filename=exports.grid_filename(group, round_), content_type=XLSX_CONTENT_TYPE
    )


@require_POST
@student_rows_view
def grid_import(request, round_id, group_id):
    round_, group = get_round_and_group(request.user, round_id, group_id)
    rows = reading.group_rows(request.user, group, round_, context="grid import")
    form = ImportForm(request.POST, request.FILES)
    sheet = None
    if form.is_valid():
        students = {line.row.student_id: line.row for line in rows.lines}
        sheet = actions_grid.check_grid_sheet(rows.layout, form.headers, form.rows, students)
        if sheet.can_import:
            try:
                changed = actions_grid.import_grid_sheet(round_, group, sheet, by=request.user)
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "The sheet has been imported: %(count)s student's scores changed.",
                        "The sheet has been imported: %(count)s students' scores changed.",
                        changed,
                    )
                    % {"count": changed},
                )
                return redirect("followup:grid", round_.pk, group.pk)
    return render(
        request,
        "followup/grid_import.html",
        {"round": round_, "group": group, "form": form, "sheet": sheet},
        status=400,
    )


# --- the group view --------------------------------------------------------------------------------------


def _heat(value, score_max: int) -> str:
    if value is None:
        return "none"
    return str(min(3, round(3 * value / score_max))) if score_max else "0"


@require_safe
@student_rows_view
def group(request, round_id, group_id):
    round_, group_ = get_round_and_group(request.user, round_id, group_id)
    rows = reading.group_rows(request.user, group_, round_, context="group view")
    layout = rows.layout
    ordered = sorted(rows.lines, key=lambda line: (LEVEL_RANK[line.level], -line.total, str(line.student)))
    counts = {level: 0 for level in LEVEL_RANK}
    codes = [c.code for c in layout.columns]
    # The heat map's cells (30 students × 33 columns) are written here, as the grid's are: one cell per
    # distinct score, looked up per student.
    unscored = (
        '<td class="fu-h" data-heat="none"><span aria-hidden="true">·</span>'
        f'<span class="ds-sr-only">{escape(_("not scored"))}</span></td>'
    )
    cell_of = {None: unscored}
    lines = []
    for line in ordered:
        counts[line.level] += 1
        scores = line.row.scores
        cells = []
        for code in codes:
            value = scores.get(code)
            if value not in cell_of:
                cell_of[value] = (
                    f'<td class="fu-h" data-heat="{_heat(value, layout.score_max)}">'
                    f"{escape(formats.localize(value))}</td>"
                )
            cells.append(cell_of[value])
        lines.append(
            {
                "name": str(line.student),
                "total": line.total,
                "total_text": sum_text(line.total, layout.missing(scores)),
                "level": line.level,
                "level_label": _level_label(line.level),
                "change": line.change,
                "change_abs": abs(line.change) if line.change is not None else None,
                "cells": mark_safe("".join(cells)),  # noqa: S308 — escaped above
            }
        )
    level_counts = [
        {"level": level, "label": _level_label(level), "count": counts[level]}
        for level in (Level.RED, Level.ORANGE, Level.YELLOW, Level.GREEN, Level.NOT_ASSESSED)
    ]
    return render(
        request,
        "followup/group.html",
        {
            "round": round_,
            "group": group_,
            "layout": layout,
            "lines": lines,
            "level_counts": level_counts,
            "previous_round": rows.previous_round,
        },
    )
