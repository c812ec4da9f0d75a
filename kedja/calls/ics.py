"""The programme's meetings as an iCalendar file (RFC 5545, icalendar 7), for the participants' calendars.

One VEVENT per meeting with a confirmed date: a stable UID per meeting (so a calendar program replaces the
event it has when the file is imported again), SEQUENCE from Meeting.sequence (bumped on every change),
DTSTART/DTEND in Europe/Stockholm with the VTIMEZONE included (summer time follows from the date), a
meeting without times is an all-day event, LOCATION the place or a translated "place to be confirmed".
Meetings with only a month are left out and named in the calendar's description instead.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

from .models import Meeting, Programme

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PRODID = "-//Kedja//Programme calendar//EN"


def meeting_uid(meeting: Meeting) -> str:
    return f"kedja-call-{meeting.programme.call_id}-meeting-{meeting.pk}@kedja"


def calendar_filename(programme: Programme) -> str:
    return f"{slugify(programme.title)[:60] or 'programme'}.ics"


def programme_calendar(programme: Programme, *, now: datetime | None = None) -> bytes:
    now = now or timezone.now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", programme.title)
    cal.add("x-wr-timezone", "Europe/Stockholm")
    later = []
    for meeting in programme.meetings.order_by("position", "date", "pk"):
        if meeting.date is None:
            later.append(meeting)
            continue
        event = Event()
        event.add("uid", meeting_uid(meeting))
        event.add("sequence", meeting.sequence)
        event.add("dtstamp", now.astimezone(ZoneInfo("UTC")))
        event.add("summary", f"{meeting.title} – {programme.title}")
        if meeting.starts and meeting.ends:
            event.add("dtstart", datetime.combine(meeting.date, meeting.starts, tzinfo=STOCKHOLM))
            event.add("dtend", datetime.combine(meeting.date, meeting.ends, tzinfo=STOCKHOLM))
        else:
            event.add("dtstart", meeting.date)
            event.add("dtend", meeting.date + timedelta(days=1))
        event.add("location", meeting.place or _("Place to be confirmed"))
        cal.add_component(event)
    if later:
        lines = [
            _("%(meeting)s: %(when)s, date to be confirmed")
            % {"meeting": m.title, "when": formats.date_format(m.month, "YEAR_MONTH_FORMAT")}
            if m.month
            else _("%(meeting)s: date to be confirmed") % {"meeting": m.title}
            for m in later
        ]
        description = "\n".join([_("Not in the calendar yet:"), *lines])
        cal.add("description", description)
        cal.add("x-wr-caldesc", vText(description))
    cal.add_missing_timezones()
    return cal.to_ical()
