"""The programme that follows a call (docs/calls.md, "The programme"): who sees it, editing meetings, the
calendar export, the deliverable and the reminders."""

from datetime import date, datetime, time
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from kedja.calls import actions_programme as actions
from kedja.calls import tasks
from kedja.calls.factories import make_call, make_programme
from kedja.calls.ics import programme_calendar
from kedja.calls.models import Meeting, Participant
from kedja.core.concurrency import EditConflict
from kedja.organisations.factories import make_member, make_municipality, make_user
from kedja.organisations.roles import Role

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = ZoneInfo("UTC")


@pytest.fixture
def programme(world):
    return make_programme(make_call(world.region), [world.municipality])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def events(ics: bytes) -> list:
    return list(Calendar.from_ical(ics).walk("VEVENT"))


def meeting(programme, position: int) -> Meeting:
    return programme.meetings.order_by("position")[position]


# --- the calendar -----------------------------------------------------------------------------------------


def test_calendar_has_one_event_per_dated_meeting_in_stockholm_time(programme):
    cal = Calendar.from_ical(programme_calendar(programme))
    found = events(programme_calendar(programme))
    assert [str(e["SUMMARY"]).split(" – ")[0] for e in found] == ["Träff 1", "Träff 2", "Träff 3"]
    august, december = found[0], found[2]
    # 28 August is summer time (CEST, UTC+2); 2 December is not (CET, UTC+1)
    start = august.decoded("DTSTART")
    assert start == datetime(2026, 8, 28, 9, 0, tzinfo=STOCKHOLM)
    assert start.astimezone(UTC) == datetime(2026, 8, 28, 7, 0, tzinfo=UTC)
    assert august.decoded("DTEND").astimezone(UTC) == datetime(2026, 8, 28, 14, 0, tzinfo=UTC)
    assert august["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert december.decoded("DTSTART").astimezone(UTC) == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    assert december.decoded("DTEND").astimezone(UTC) == datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    assert str(august["LOCATION"]) == "Malmö (lokal bekräftas senare)"
    assert str(december["LOCATION"]) == "Place to be confirmed"
    # The January meeting has only a month: left out of the events and named in the description
    assert "Träff 4 – utvecklingsplanerna presenteras: January 2027, date to be confirmed" in str(
        cal["DESCRIPTION"]
    )


def test_calendar_uid_is_stable_and_sequence_follows_changes(programme, world):
    first = {str(e["UID"]): int(e["SEQUENCE"]) for e in events(programme_calendar(programme))}
    assert set(first.values()) == {0}
    second_meeting = meeting(programme, 1)
    actions.update_meeting(
        second_meeting,
        {**{n: getattr(second_meeting, n) for n in actions.MEETING_FIELDS}, "place": "Lund"},
        by=world.people["regional_officer"],
        expected_sequence=0,
    )
    again = {str(e["UID"]): e for e in events(programme_calendar(programme))}
    assert set(again) == set(first)  # the same events: a calendar program updates rather than duplicates
    changed = again[next(uid for uid in again if uid.endswith(f"meeting-{second_meeting.pk}@kedja"))]
    assert int(changed["SEQUENCE"]) == 1
    assert str(changed["LOCATION"]) == "Lund"


def test_meeting_without_times_is_an_all_day_event(programme, world):
    Meeting.objects.filter(pk=meeting(programme, 0).pk).update(starts=None, ends=None)
    first = events(programme_calendar(programme))[0]
    assert first.decoded("DTSTART") == date(2026, 8, 28)
    assert first.decoded("DTEND") == date(2026, 8, 29)


def test_calendar_download(programme, world):
    response = client_for(world.people["teacher"]).get(
        reverse("calls:programme_ics", args=[programme.call_id])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert (
        response["Content-Disposition"].startswith('attachment; filename="')
        and ".ics" in response["Content-Disposition"]
    )
    assert len(events(response.content)) == 3


# --- the programme page and who sees it -------------------------------------------------------------------


def test_participants_and_organisers_see_the_programme(programme, world):
    url = reverse("calls:programme", args=[programme.call_id])
    page = client_for(world.people["teacher"]).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "January 2027, date to be confirmed" in body
    assert "Malmö" in body and "to be confirmed" in body
    assert "Utvecklingsplan för matematikundervisningen" in body
    assert world.municipality.name in body and "Not started" in body
    assert "Edit the programme" not in body
    organiser = client_for(world.people["regional_officer"]).get(url).content.decode()
    assert "Edit the programme" in organiser


def test_others_do_not_see_the_programme(programme, world):
    url = reverse("calls:programme", args=[programme.call_id])
    # Another municipality of the region could apply but was not accepted: the programme is not theirs
    rejected = make_municipality(world.region, name="Söderby kommun", code="0298")
    coordinator = make_member(rejected, Role.MUNICIPAL_COORDINATOR, make_user(full_name="Sam Söder"))
    for person in (coordinator, world.people["partner"], world.people["outsider"]):
        assert client_for(person).get(url).status_code == 404


def test_a_call_before_its_decision_has_no_programme_for_applicants(world):
    call = make_call(world.region)
    url = reverse("calls:programme", args=[call.pk])
    assert client_for(world.people["coordinator"]).get(url).status_code == 404
    page = client_for(world.people["regional_officer"]).get(url)
    assert page.status_code == 200 and "The programme has not been set up yet." in page.content.decode()


# --- editing --------------------------------------------------------------------------------------------


def test_fill_from_template_once(world):
    programme = make_programme(make_call(world.region), [world.municipality], from_template=False)
    officer = client_for(world.people["regional_officer"])
    url = reverse("calls:programme_fill", args=[programme.call_id])
    officer.post(url)
    assert programme.meetings.count() == 4
    programme.refresh_from_db()
    assert programme.deliverable_due == date(2027, 1, 31)
    response = officer.post(url, follow=True)
    assert "The programme already has meetings" in response.content.decode()
    assert programme.meetings.count() == 4


def test_meeting_edit_bumps_sequence_and_refuses_a_stale_form(programme, world):
    officer = client_for(world.people["regional_officer"])
    target = meeting(programme, 2)
    url = reverse("calls:meeting_edit", args=[target.pk])
    form = {"title": "Meeting 3", "date": "2026-12-02", "starts": "09:00", "ends": "16:00", "place": "Lund"}
    assert officer.post(url, {**form, "sequence": 0}).status_code == 302
    target.refresh_from_db()
    assert (target.place, target.sequence) == ("Lund", 1)
    stale = officer.post(url, {**form, "place": "Malmö", "sequence": 0})
    assert stale.status_code == 409
    assert 'value="Malmö"' in stale.content.decode()  # what the organiser typed is kept
    target.refresh_from_db()
    assert target.place == "Lund"


def test_meeting_times_and_month(programme, world):
    officer = client_for(world.people["regional_officer"])
    url = reverse("calls:meeting_add", args=[programme.call_id])
    bad = officer.post(url, {"title": "Extra", "date": "2026-11-10", "starts": "16:00", "ends": "09:00"})
    assert bad.status_code == 400
    assert "The meeting must end after it starts." in bad.content.decode()
    assert (
        officer.post(
            url, {"title": "Extra", "month": "2026-11", "starts": "09:00", "ends": "16:00"}
        ).status_code
        == 302
    )
    extra = programme.meetings.get(title="Extra")
    assert extra.month == date(2026, 11, 1) and extra.date is None
    assert all("Extra" not in str(e["SUMMARY"]) for e in events(programme_calendar(programme)))


def test_meeting_delete(programme, world):
    target = meeting(programme, 0)
    client_for(world.people["regional_officer"]).post(reverse("calls:meeting_delete", args=[target.pk]))
    assert not Meeting.objects.filter(pk=target.pk).exists()


def test_participants_cannot_edit(programme, world):
    coordinator = client_for(world.people["coordinator"])
    assert coordinator.get(reverse("calls:programme_edit", args=[programme.call_id])).status_code == 403
    assert (
        coordinator.post(reverse("calls:meeting_delete", args=[meeting(programme, 0).pk])).status_code == 403
    )
    assert programme.meetings.count() == 4


def test_programme_edit_checks_dates(programme, world):
    officer = client_for(world.people["regional_officer"])
    url = reverse("calls:programme_edit", args=[programme.call_id])
    response = officer.post(
        url,
        {
            "version": programme.version,
            "title": programme.title,
            "starts": "2026-08-01",
            "ends": "2026-07-01",
        },
    )
    assert response.status_code == 400
    assert "The programme cannot end before it starts." in response.content.decode()


# --- the deliverable ----------------------------------------------------------------------------------


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_upload_and_status(programme, world):
    participant = programme.participants.get()
    url = reverse("calls:deliverable_upload", args=[participant.pk])
    coordinator = client_for(world.people["coordinator"])
    assert coordinator.post(url, {"file": upload("plan.pdf", b"%PDF-1.7\nplan")}).status_code == 302
    participant.refresh_from_db()
    assert participant.deliverable_status == "delivered"
    file_url = reverse("calls:deliverable_file", args=[participant.pk])
    officer = client_for(world.people["regional_officer"])
    download = officer.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-1.7")
    assert client_for(world.people["teacher"]).get(file_url).status_code == 403
    officer.post(
        reverse("calls:deliverable_status", args=[participant.pk]),
        {"status": "approved", "version": participant.version},
    )
    participant.refresh_from_db()
    assert participant.deliverable_status == "approved"
    # A status form opened before the change does not overwrite it
    with pytest.raises(EditConflict):
        actions.set_deliverable_status(
            participant, "in_progress", by=world.people["regional_officer"], expected_version=0
        )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.txt", b"plain text", "Upload a PDF, Word (docx) or OpenDocument (odt) file."),
        ("plan.docx", b"%PDF-1.7 not a zip", "name ends in .docx, but it is really a PDF file"),
        ("plan.pdf", b"%PDF-" + b"x" * (20 * 1024 * 1024), "The file is larger than 20 MB."),
    ],
)
def test_upload_refused_with_a_message(programme, world, name, content, message):
    participant = programme.participants.get()
    response = client_for(world.people["admin"]).post(
        reverse("calls:deliverable_upload", args=[participant.pk]), {"file": upload(name, content)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    participant.refresh_from_db()
    assert participant.deliverable_status == "not_started" and not participant.deliverable_file


def test_only_applicant_roles_upload(programme, world):
    url = reverse("calls:deliverable_upload", args=[programme.participants.get().pk])
    for persona in ("regional_officer", "principal", "teacher", "reader"):
        assert client_for(world.people[persona]).get(url).status_code == 403
    assert client_for(world.people["outsider"]).get(url).status_code == 404
    assert client_for(world.people["head_of_schools"]).get(url).status_code == 200


# --- reminders ---------------------------------------------------------------------------------------------


def local(y, m, d, hour=6):
    return datetime(y, m, d, hour, tzinfo=STOCKHOLM)


def test_deliverable_window():
    due = date(2027, 1, 31)
    assert tasks.deliverable_window(due, date(2027, 1, 16)) is None
    assert tasks.deliverable_window(due, date(2027, 1, 17)) == date(2027, 1, 17)
    assert tasks.deliverable_window(due, date(2027, 1, 28)) == date(2027, 1, 28)
    assert tasks.deliverable_window(due, date(2027, 2, 1)) is None


def test_deliverable_reminders_are_sent_once_per_window(programme, world):
    get_user_model().objects.update(
        language="en"
    )  # the English source text; recipients get their own language
    applicants = sorted(world.people[p].email for p in ("coordinator", "head_of_schools", "admin"))
    assert tasks.send_deliverable_reminders(now=local(2027, 1, 16)) == 0
    assert tasks.send_deliverable_reminders(now=local(2027, 1, 17)) == 3
    assert sorted(m.to[0] for m in mail.outbox) == applicants
    assert "Utvecklingsplan för matematikundervisningen" in mail.outbox[0].subject
    assert "in 14 days" in mail.outbox[0].body
    # A second run the same day, or the days after, sends nothing new
    assert tasks.send_deliverable_reminders(now=local(2027, 1, 17, 18)) == 0
    assert tasks.send_deliverable_reminders(now=local(2027, 1, 20)) == 0
    assert tasks.send_deliverable_reminders(now=local(2027, 1, 28)) == 3
    assert tasks.send_deliverable_reminders(now=local(2027, 1, 29)) == 0
    assert len(mail.outbox) == 6


def test_delivered_deliverables_are_not_reminded(programme):
    Participant.objects.update(deliverable_status="delivered")
    assert tasks.send_deliverable_reminders(now=local(2027, 1, 17)) == 0
    assert mail.outbox == []


def test_meeting_reminders_a_week_before_once(programme, world):
    assert tasks.send_meeting_reminders(now=local(2026, 8, 20)) == 0
    sent = tasks.send_meeting_reminders(now=local(2026, 8, 21))
    recipients = {m.to[0] for m in mail.outbox}
    expected = {
        world.people[p].email for p in ("regional_officer", "coordinator", "head_of_schools", "admin")
    }
    assert sent == len(expected) and recipients == expected
    assert "Träff 1" in mail.outbox[0].subject and "Malmö" in mail.outbox[0].body
    assert tasks.send_meeting_reminders(now=local(2026, 8, 22)) == 0
    # Moved to another date: announced again
    first = meeting(programme, 0)
    actions.update_meeting(
        first,
        {**{n: getattr(first, n) for n in actions.MEETING_FIELDS}, "date": date(2026, 8, 27)},
        by=world.people["regional_officer"],
        expected_sequence=first.sequence,
    )
    assert tasks.send_meeting_reminders(now=local(2026, 8, 22)) == len(expected)


def test_unconfirmed_meetings_are_not_reminded(programme):
    # Meeting 4 has only a month (January 2027)
    assert tasks.send_meeting_reminders(now=local(2027, 1, 2)) == 0


def test_reminders_command_and_task(programme, world, monkeypatch):
    out = StringIO()
    monkeypatch.setattr(tasks.timezone, "now", lambda: local(2027, 1, 17))
    call_command("calls_reminders", "--base-url", "https://kedja.example", stdout=out)
    assert "Deliverable reminders: 3 e-mails" in out.getvalue()
    assert f"https://kedja.example/calls/{programme.call_id}/programme/" in mail.outbox[0].body
    result = tasks.send_programme_reminders.enqueue()
    assert result.return_value == {"deliverable": 0, "meetings": 0}


def test_reminders_skip_calls_not_decided(world):
    call = make_call(world.region)
    programme = actions.ensure_programme(call)
    programme.deliverable_due = date(2027, 1, 31)
    programme.save()
    Meeting.objects.create(
        programme=programme, title="M", date=date(2026, 8, 28), starts=time(9), ends=time(16)
    )
    assert tasks.send_reminders(now=local(2026, 8, 24)) == {"deliverable": 0, "meetings": 0}
    assert mail.outbox == []


def test_resource_persons_are_chosen_from_the_people_named_in_accepted_applications(world):
    programme = make_programme(make_call(world.region), [world.municipality], from_template=False)
    application = programme.participants.get().application
    application.answers = {
        "resource_person_1": {"name": "Åsa Öberg", "title": "Förstelärare"},
        "resource_person_2": {"name": "Erik Ängström", "title": "Lektor"},
        "head_of_operations": {"name": "Stina Skolchef", "title": "Grundskolechef"},
    }
    application.save(update_fields=["answers"])
    named = actions.named_resource_persons(programme.call)
    assert named == ["Åsa Öberg, Förstelärare (Norrby kommun)", "Erik Ängström, Lektor (Norrby kommun)"]

    officer = client_for(world.people["regional_officer"])
    url = reverse("calls:programme_edit", args=[programme.call_id])
    page = officer.get(url).content.decode()
    assert "Åsa Öberg, Förstelärare (Norrby kommun)" in page and "Stina Skolchef" not in page
    response = officer.post(
        url,
        {
            "version": programme.version,
            "title": programme.title,
            "named_persons": [named[1]],
            "resource_persons": "NCM leder träffarna.",
        },
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.resource_persons == "Erik Ängström, Lektor (Norrby kommun)\nNCM leder träffarna."
    # Opened again, the named person is ticked and the rest is the other text.
    form = officer.get(url).context["form"]
    assert form.initial["named_persons"] == [named[1]]
    assert form.initial["resource_persons"] == "NCM leder träffarna."
    # Only the people named in the applications can be chosen.
    refused = officer.post(
        url, {"version": programme.version, "title": programme.title, "named_persons": ["Vem som helst"]}
    )
    assert refused.status_code == 400
