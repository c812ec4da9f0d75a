"""The action plan as an Excel file (issue 8: every list taken to a meeting exports to Excel): Swedish
headers, dates as dates, numbers as numbers, every text through the formula-injection guard."""

from datetime import date

from django.utils.text import slugify
from django.utils.translation import override

from kedja.core.spreadsheets import Column, workbook_bytes
from kedja.organisations.models import Organisation

from . import rules

SHEET = "Handlingsplan"
COLUMNS = [
    Column("Nr", 6, "0"),
    Column("Åtgärd", 40),
    Column("Mål", 30),
    Column("Ansvarig funktion", 26),
    Column("Ansvariga personer", 26),
    Column("Partner", 24),
    Column("Start", 12, "yyyy-mm-dd"),
    Column("Klart senast", 12, "yyyy-mm-dd"),
    Column("Status", 14),
    Column("Framsteg (%)", 12, "0"),
    Column("Tid (timmar)", 12, "0"),
    Column("Pengar (kr)", 14, "#,##0"),
    Column("Övriga resurser", 24),
    Column("Glapp", 36),
    Column("Prioriterade punkter", 24),
    Column("Försenad", 10),
]
HEADERS = [c.header for c in COLUMNS]


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
    return workbook_bytes([(SHEET, COLUMNS, plan_rows(organisation, today=today))])


def filename(organisation: Organisation, *, today: date) -> str:
    return f"handlingsplan-{slugify(organisation.name)}-{today.isoformat()}.xlsx"
