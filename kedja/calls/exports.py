"""The files of a call: for the selection (docs/calls.md) the decision summary for decision makers (PDF,
Swedish) and the Excel export of every application; for the programme that follows, its Excel file for the
steering group.

- The PDF is made the way the assessment report is (kedja.assessments.exports: WeasyPrint, the report's
  print styles, no network or file access) in Swedish whatever the organiser's own language.
- The workbook has one row per application (submitted or withdrawn; drafts are the applicants' own), its
  fixed columns named in Swedish (the file format, like kedja/initiatives/fileformat.py) and one column per
  answer named by the form field's label; dates are dates, numbers numbers, every text guarded against
  formula injection (core.spreadsheets: xlsx_text, phone numbers stay as written).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import override

from kedja.core.pdf import html_to_pdf
from kedja.core.spreadsheets import Column, Sheet, workbook_bytes

from .models import Application, Call, CallField, FieldKind, Programme
from .ranking import RankingRow, ranking

PDF_LANGUAGE = "sv"
SHEET = "Ansökningar"
NO_ANSWER_KINDS = (FieldKind.HEADING,)


@dataclass
class Answer:
    field: CallField
    text: str
    value: object = None  # for the spreadsheet: a date as a date, a ticked declaration as True


def answers_of(application: Application, fields: list[CallField], files: dict | None = None) -> list[Answer]:
    """The application's answers in the form's order, as text (a person "name, title"; a file its names)."""
    out = []
    files = files if files is not None else _files_by_field(application)
    for f in fields:
        if f.kind in NO_ANSWER_KINDS:
            continue
        raw = (application.answers or {}).get(f.key)
        value, text = raw, "" if raw in (None, "") else str(raw)
        if f.kind == FieldKind.PERSON and isinstance(raw, dict):
            text = ", ".join(p for p in (raw.get("name", ""), raw.get("title", "")) if p)
            value = text
        elif f.kind == FieldKind.DECLARATION:
            value = bool(raw)
            text = "✓" if raw else ""
        elif f.kind == FieldKind.DATE and raw:
            try:
                value = date.fromisoformat(str(raw))
            except ValueError:
                value = str(raw)
        elif f.kind == FieldKind.FILE:
            text = ", ".join(files.get(f.key, [])) or text
            value = text
        elif isinstance(raw, list):
            text = "; ".join(str(v) for v in raw)
            value = text
        out.append(Answer(f, text, value))
    return out


def _files_by_field(application: Application) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for f in application.files.all():
        found.setdefault(f.field_key, []).append(f.name)
    return found


# --- the decision summary (PDF) --------------------------------------------------------------------------


def decision_summary_pdf(call: Call) -> bytes:
    """The decision summary as an A4 PDF in Swedish: the call, its places, the number of applications, the
    ranking (weighted means and spread), the decisions with their justifications and who decided when."""
    with translation.override(PDF_LANGUAGE):
        rows = ranking(call, sort="mean")
        html = render_to_string(
            "calls/decision_summary.html",
            {
                "call": call,
                "rows": rows,
                "reviewers": list(call.reviewers.order_by("full_name", "email")),
                "applications": call.applications.exclude(status=Application.Status.DRAFT).count(),
                "accepted": sum(1 for r in rows if r.application.decision == Application.Decision.ACCEPTED),
                "generated_at": timezone.now(),
            },
        )
    return html_to_pdf(html)


# --- every application (Excel) ---------------------------------------------------------------------------

STATUS_SV = {"draft": "Utkast", "submitted": "Inskickad", "withdrawn": "Återkallad"}
DECISION_SV = {"": "", "accepted": "Antagen", "reserve": "Reserv", "rejected": "Ej antagen"}
FIXED_HEADERS = ["Organisation", "Kvittonummer", "Status", "Inkom"]
RESULT_HEADERS = [
    "Kriteriesignaler",
    "Viktat medelvärde",
    "Spridning",
    "Granskningar klara",
    "Jäv",
    "Beslut",
    "Motivering",
    "Beslutad",
]
YES, NO = "Ja", "Nej"
DATETIME = "yyyy-mm-dd hh:mm"


def _local_naive(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def applications_workbook(call: Call) -> bytes:
    fields = [f for f in call.fields.order_by("position", "pk") if f.kind not in NO_ANSWER_KINDS]
    rows_by_pk: dict[int, RankingRow] = {r.application.pk: r for r in ranking(call)}
    headers = FIXED_HEADERS + [f.label for f in fields] + RESULT_HEADERS
    formats = {FIXED_HEADERS.index("Inkom"): DATETIME, len(headers) - 1: DATETIME}
    formats |= {
        len(FIXED_HEADERS) + i: "yyyy-mm-dd" for i, f in enumerate(fields) if f.kind == FieldKind.DATE
    }
    columns = [
        Column(header, min(max(len(str(header)) + 2, 12), 40), formats.get(index))
        for index, header in enumerate(headers)
    ]
    applications = (
        call.applications.exclude(status=Application.Status.DRAFT)
        .select_related("organisation")
        .prefetch_related("files")
        .order_by("submitted_at", "pk")
    )
    rows = []
    for application in applications:
        row = rows_by_pk.get(application.pk)
        answers = answers_of(application, fields)
        rows.append(
            [
                application.organisation.name,
                application.receipt_number,
                STATUS_SV.get(application.status, application.status),
                _local_naive(application.submitted_at),
                *[
                    (YES if a.value else "") if a.field.kind == FieldKind.DECLARATION else a.value
                    for a in answers
                ],
                ", ".join(row.flags) if row else None,
                row.mean if row else None,
                row.spread if row else None,
                row.done if row else None,
                row.conflicts if row else None,
                DECISION_SV.get(application.decision, application.decision),
                application.justification,
                _local_naive(application.decided_at),
            ]
        )
    return workbook_bytes([Sheet(SHEET, columns, rows, freeze="B2")])


# --- the programme for the steering group (Excel) --------------------------------------------------------
# Every list taken to a meeting exports to Excel: the participants, their deliverable and the meetings, with
# Swedish headers, dates as dates and every text through the formula-injection guard. Only what the
# programme page shows the organiser (plus when each deliverable was uploaded).

DATE = "yyyy-mm-dd"

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


def programme_filename(programme: Programme, *, today: date) -> str:
    slug = slugify(programme.call.title)[:60].strip("-") or "program"
    return f"program-{slug}-{today.isoformat()}.xlsx"
