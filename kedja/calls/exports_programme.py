"""A call's programme as an Excel file for the steering group (every list taken to a meeting
exports to Excel): the participants, their deliverable and the meetings, with Swedish headers, dates as
dates and every text through the formula-injection guard of core.spreadsheets. Only what the programme
page shows the organiser (plus when each deliverable was uploaded)."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import override

from kedja.core.spreadsheets import Column, workbook_bytes

from .models import Programme

YES, NO = "Ja", "Nej"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"

PARTICIPANT_COLUMNS = [
    Column("Organisation", 36),
    Column("Leveransstatus", 18),
    Column("Fil uppladdad", 14),
]
DELIVERABLE_COLUMNS = [
    Column("Deltagare", 36),
    Column("Leverans", 40),
    Column("Senast", 12, DATE),
    Column("Levererad", 12, DATE),
    Column("Status", 18),
]
MEETING_COLUMNS = [
    Column("Nr", 6, "0"),
    Column("Möte", 40),
    Column("Datum", 12, DATE),
    Column("Börjar", 17, DATETIME),
    Column("Slutar", 17, DATETIME),
    Column("Preliminär månad", 16, "yyyy-mm"),
    Column("Plats", 24),
    Column("Bekräftat", 10),
]
SHEETS = ("Deltagare", "Leveranser", "Möten")


def _participants(programme: Programme) -> list:
    return list(programme.participants.select_related("organisation").order_by("organisation__name"))


def participant_rows(programme: Programme) -> list[list]:
    with override("sv"):
        return [
            [p.organisation.name, str(p.get_deliverable_status_display()), YES if p.deliverable_file else NO]
            for p in _participants(programme)
        ]


def deliverable_rows(programme: Programme) -> list[list]:
    rows = []
    with override("sv"):
        for p in _participants(programme):
            uploaded = p.deliverable_uploaded_at if p.deliverable_file else None
            rows.append(
                [
                    p.organisation.name,
                    programme.deliverable_title,
                    programme.deliverable_due,
                    timezone.localtime(uploaded).date() if uploaded else None,
                    str(p.get_deliverable_status_display()),
                ]
            )
    return rows


def _at(day: date | None, clock) -> datetime | None:
    """The meeting's start or end as a local date-time, as the page shows it: only with a date and both
    times."""
    return datetime.combine(day, clock) if day and clock else None


def meeting_rows(programme: Programme) -> list[list]:
    rows = []
    for number, m in enumerate(programme.meetings.order_by("position", "date", "pk"), start=1):
        both_times = bool(m.starts and m.ends)
        rows.append(
            [
                number,
                m.title,
                m.date,
                _at(m.date, m.starts) if both_times else None,
                _at(m.date, m.ends) if both_times else None,
                m.month if m.month and not m.date else None,
                m.place,
                YES if m.date and m.place else NO,
            ]
        )
    return rows


def programme_workbook(programme: Programme) -> bytes:
    return workbook_bytes(
        [
            (SHEETS[0], PARTICIPANT_COLUMNS, participant_rows(programme)),
            (SHEETS[1], DELIVERABLE_COLUMNS, deliverable_rows(programme)),
            (SHEETS[2], MEETING_COLUMNS, meeting_rows(programme)),
        ]
    )


def filename(programme: Programme, *, today: date) -> str:
    slug = slugify(programme.call.title)[:60].strip("-") or "program"
    return f"program-{slug}-{today.isoformat()}.xlsx"
