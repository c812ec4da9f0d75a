"""The action plan as an Excel file (issue 8: every list taken to a meeting exports to Excel): Swedish
headers, dates as dates, numbers as numbers, every text through the formula-injection guard."""

import io
from datetime import date

from django.utils.text import slugify
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from kedja.core.spreadsheets import cell_text
from kedja.organisations.models import Organisation

from . import rules

SHEET = "Handlingsplan"
# (header, width, number format or None)
COLUMNS = [
    ("Nr", 6, "0"),
    ("Åtgärd", 40, None),
    ("Mål", 30, None),
    ("Ansvarig funktion", 26, None),
    ("Ansvariga personer", 26, None),
    ("Partner", 24, None),
    ("Start", 12, "yyyy-mm-dd"),
    ("Klart senast", 12, "yyyy-mm-dd"),
    ("Status", 14, None),
    ("Framsteg (%)", 12, "0"),
    ("Tid (timmar)", 12, "0"),
    ("Pengar (kr)", 14, "#,##0"),
    ("Övriga resurser", 24, None),
    ("Glapp", 36, None),
    ("Prioriterade punkter", 24, None),
    ("Försenad", 10, None),
]
HEADERS = [c[0] for c in COLUMNS]


def plan_rows(organisation: Organisation, *, today: date) -> list[list]:
    titles = rules.area_titles()
    rows = []
    with override("sv"):
        for number, action in enumerate(rules.plan_actions(organisation), start=1):
            rows.append(
                [
                    number,
                    action.title,
                    action.goal.title if action.goal_id else "",
                    action.responsible_function,
                    "; ".join(p.full_name or p.email for p in action.responsible_people.all()),
                    "; ".join(p.name for p in action.partners.all()),
                    action.starts,
                    action.due,
                    str(action.get_status_display()),
                    action.progress,
                    action.resource_hours,
                    int(action.resource_money) if action.resource_money is not None else None,
                    action.resource_note,
                    "; ".join(rules.gap_label(rules.gap_key(g), titles) for g in action.gaps or []),
                    "; ".join(p.node.code for p in action.priorities.all()),
                    "Ja" if rules.is_overdue(action, today) else "Nej",
                ]
            )
    return rows


def plan_workbook(organisation: Organisation, *, today: date) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    rows = plan_rows(organisation, today=today)
    for values in rows:
        sheet.append([cell_text(v) if v not in ("", None) else None for v in values])
    for index, (_header, width, number_format) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        if number_format:
            for number in range(2, len(rows) + 2):
                sheet[f"{letter}{number}"].number_format = number_format
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def filename(organisation: Organisation, *, today: date) -> str:
    return f"handlingsplan-{slugify(organisation.name)}-{today.isoformat()}.xlsx"
