"""The files the follow-up writes: the overview above the unit, a group's sheet to fill in, the import
template for students, everything about one student (right of access) and the unit's access log. Plain
functions over what the views read through reading.py (which checks access and logs the read): no request
here, no access check and no log line. Every text passes the formula-injection guard (core.spreadsheets
.cell_text); the CSV has Kedja's one shape (core.spreadsheets.csv_bytes)."""

import re

from django.utils import timezone
from django.utils.translation import gettext as _

from kedja.core.spreadsheets import Column, Sheet, cell_text, csv_bytes, workbook_bytes

from . import actions_grid
from .imports import headers_for_template
from .models import Level, StudentGroup

# --- the overview above the unit (views_overview) --------------------------------------------------------


def _figure(shown):
    if shown is None:
        return ""
    return shown.text if shown.hidden or shown.value is None else shown.value


def overview_workbook(org, result) -> bytes:
    """The overview's suppressed tables (aggregates.Overview), one sheet each, with what ".." means."""
    tables = [
        (_("Units"), _("School unit"), result.units),
        (_("Gender"), _("Gender"), result.genders),
        (_("Subjects"), _("Subject"), result.subjects),
        (_("Trend"), _("Term"), result.trend),
    ]
    sheets = []
    for title, heading, table in tables:
        total = _("Share of students (per cent)") if table is result.trend else _("Students")
        lines = [
            [f"{org.name} · {result.term.label if result.term else '–'}"],
            [heading, *table.columns, total],
        ]
        if table.withheld:
            lines.append([table.withheld])
        for line in [*table.lines, *([table.totals] if table.totals else [])]:
            lines.append([line.label, *(_figure(s) for s in [*line.cells, line.total])])
        if result.suppressed:
            lines.append([])
            lines.append([_('".." = withheld to protect students\' privacy (fewer than %(n)s '
                            "students, or a figure that would reveal one that is).")
                          % {"n": result.rule.min_base}])  # fmt: skip
        sheets.append(Sheet(title, [], lines, header=False, guard=cell_text))
    return workbook_bytes(sheets)


def overview_filename(org, result) -> str:
    return f"uppfoljning-{org.pk}-{result.term.code if result.term else 'none'}.xlsx"


# --- a group's sheet (views_grid) ------------------------------------------------------------------------


def grid_headers(columns) -> list[str]:
    """The sheet's score headers: each column's name in the reader's language — the import finds a column
    by its name in any language as well as by its code — or its code where the name is not unique."""
    names = [cell_text(c.label) for c in columns]
    taken = {actions_grid._header_key(c.code) for c in columns}
    keys = [actions_grid._header_key(n) for n in names]
    return [
        name
        if keys.count(key) == 1 and (key not in taken or key == actions_grid._header_key(c.code))
        else c.code
        for name, key, c in zip(names, keys, columns, strict=True)
    ]


def grid_workbook(group: StudentGroup, rows) -> bytes:
    """The group's sheet (`rows`: reading.group_rows): "id", the student's name and one column per scheme
    column with today's scores, the column's code as its header's note; a second sheet explains the
    columns. Filled in, it imports again (actions_grid)."""
    columns = rows.layout.columns
    header = [
        Column(actions_grid.ID_HEADER, None),
        Column(_("Student"), None),
        *(
            Column(h, None, note=_("Code: %(code)s") % {"code": c.code})
            for h, c in zip(grid_headers(columns), columns, strict=True)
        ),
    ]
    lines = [
        [line.row.student_id, str(line.student), *[line.row.scores.get(c.code) for c in columns]]
        for line in rows.lines
    ]
    title = re.sub(r"[\[\]:*?/\\']", "-", group.name)[:31] or "Grid"  # what Excel allows in a name
    explained = [[c.code, c.label, c.help_text] for c in columns]
    plain = {"bold_header": False, "guard": cell_text}
    return workbook_bytes(
        [
            Sheet(title, header, lines, freeze="C2", **plain),
            Sheet(
                _("Columns"),
                [Column(_("Code"), None), Column(_("Column"), None), Column(_("What to consider"), None)],
                explained,
                freeze=None,
                **plain,
            ),
        ]
    )


def grid_filename(group: StudentGroup, round_) -> str:
    return f"uppfoljning-{group.name}-{round_.term}{round_.year}.xlsx".replace(" ", "-")


# --- students: the import template (views_unit) ----------------------------------------------------------


def students_template_workbook(unit) -> bytes:
    """An empty sheet with the import's columns and one sheet listing the unit's groups and the gender
    values."""
    names = ", ".join(
        StudentGroup.objects.filter(school_unit=unit, is_active=True).values_list("name", flat=True)
    )
    help_lines = [
        [_("Gender"), _("girl, boy or other (empty: other or not stated)")],
        [_("Group"), names or _("Create the groups first.")],
        [_("Local reference"), _("The school's own reference, e.g. from the school platform.")],
    ]
    plain = {"bold_header": False, "guard": cell_text}
    return workbook_bytes(
        [
            Sheet(_("Students"), [Column(h, None) for h in headers_for_template()], [], **plain),
            Sheet(
                _("Help"),
                [Column(_("Column"), None), Column(_("What to write"), None)],
                help_lines,
                freeze=None,
                **plain,
            ),
        ]
    )


# --- the student's rights: everything about one student (views_unit) --------------------------------------


def student_workbook(student, unit, record) -> bytes:
    """Right of access (`record`: reading.student_record): the student, sums and levels per round with the
    groups, every score with the column's name, and the access-log entries naming the student."""
    about = [
        [_("Given name"), student.given_name],
        [_("Family name"), student.family_name],
        [_("Gender"), str(student.get_gender_display())],
        [_("Local reference"), student.local_ref],
        [_("School unit"), unit.name],
        [_("Groups"), ", ".join(g.name for g in student.groups.all())],
    ]
    sums, scores = [], []
    for round_, layout, row, total, level in record.rounds:
        sums.append([str(round_), row.group.name if row.group else "", total, str(Level(level).label)])
        for column in layout.columns:
            group_label = next(g.label for g in layout.groups if g.code == column.group)
            scores.append([str(round_), group_label, column.code, column.label, row.scores.get(column.code)])
    log = [
        [
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M"),
            entry.user_label,
            str(entry.get_action_display()),
            entry.what,
            entry.place,
        ]
        for entry in record.accesses
    ]

    def table(title, headers, lines):
        return Sheet(
            title, [Column(h, None) for h in headers], lines, bold_header=False, freeze=None, guard=cell_text
        )

    return workbook_bytes(
        [
            Sheet(_("Student"), [], about, header=False, guard=cell_text),
            table(_("Rounds"), [_("Round"), _("Group"), _("Sum"), _("Level")], sums),
            table(_("Scores"), [_("Round"), _("Column group"), _("Code"), _("Column"), _("Score")], scores),
            table(_("Access log"), [_("When"), _("Who"), _("Action"), _("What"), _("Where")], log),
        ]
    )


def student_filename(student) -> str:
    return f"elevdata-{student.pk}.xlsx"


# --- the unit's access log (views_unit) ------------------------------------------------------------------


def log_csv(entries) -> bytes:
    """The access log's entries (filtered by the log page's form) as CSV, seconds included."""
    return csv_bytes(
        [_("When"), _("Who"), _("Action"), _("What"), _("Where"), _("Students")],
        [
            [
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.user_label,
                str(e.get_action_display()),
                e.what,
                e.place,
                e.student_count,
            ]
            for e in entries
        ],
    )


def log_filename(unit) -> str:
    return f"atkomstlogg-{unit.pk}.csv"
