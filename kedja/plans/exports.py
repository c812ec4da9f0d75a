"""The action plan as an Excel file (every list taken to a meeting exports to Excel): Swedish
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
    Column("Aktivitet", 40),
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


# --- the coverage list and the changes since adoption -----------------------------------------------------

COVERAGE_PRIORITY_COLUMNS = [
    Column("Punkt", 10),
    Column("Prioriterad punkt", 44),
    Column("Självskattning", 28),
    Column("Aktiviteter", 48),
    Column("Har aktivitet", 10),
]
COVERAGE_GAP_COLUMNS = [
    Column("Rang", 6, "0"),
    Column("Stadium", 22),
    Column("Område eller målgrupp", 36),
    Column("Läge", 14),
    Column("Aktiviteter", 48),
    Column("Har aktivitet", 10),
]
CHANGE_COLUMNS = [
    Column("Aktivitet", 40),
    Column("Förändring", 14),
    Column("Uppgift", 20),
    Column("Före", 30),
    Column("Nu", 30),
]


def coverage_workbook(organisation: Organisation) -> bytes:
    """The coverage page as two sheets: the priority items and the ranked gaps, each with the actions that
    answer it and whether it has one."""
    from kedja.core.texts import pick

    with override("sv"):
        coverage = rules.coverage(organisation)
        priorities = [
            [
                row.priority.node.code,
                pick(row.priority.node.title),
                row.priority.round.title,
                "; ".join(a.title for a in row.actions),
                "Ja" if row.actions else "Nej",
            ]
            for row in coverage.priorities
        ]
        gaps = [
            [
                row.gap.rank,
                str(row.gap.stage_label),
                str(row.gap.column_label),
                str(row.gap.state_label),
                "; ".join(a.title for a in row.actions),
                "Ja" if row.actions else "Nej",
            ]
            for row in coverage.gaps
        ]
    return workbook_bytes(
        [
            ("Prioriterade punkter", COVERAGE_PRIORITY_COLUMNS, priorities),
            ("Glapp", COVERAGE_GAP_COLUMNS, gaps),
        ]
    )


def changes_workbook(organisation: Organisation, version) -> bytes:
    """What changed in the actions since an adopted version, one row per changed field (an added or removed
    action on one row)."""
    with override("sv"):
        rows = []
        for change in rules.plan_changes(organisation, version):
            if not change.fields:
                rows.append([change.title, change.kind_label, "", "", ""])
            for f in change.fields:
                rows.append([change.title, change.kind_label, str(f.label), f.before, f.after])
    return workbook_bytes([(f"Ändringar sedan version {version.number}", CHANGE_COLUMNS, rows)])


def coverage_filename(organisation: Organisation, *, today: date) -> str:
    return f"tackning-{slugify(organisation.name)}-{today.isoformat()}.xlsx"


def changes_filename(organisation: Organisation, version) -> str:
    return f"andringar-{slugify(organisation.name)}-version-{version.number}.xlsx"
