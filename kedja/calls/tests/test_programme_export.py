"""A call's programme as an Excel file for the steering group: Swedish headers, dates as dates,
numbers as numbers, the values the programme page shows, only this programme's participants, the
formula-injection guard, and who may download it."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils.translation import override
from openpyxl import load_workbook

from kedja.calls import exports
from kedja.calls.factories import make_call, make_programme
from kedja.calls.models import Participant

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def programme(world):
    return make_programme(make_call(world.region), [world.municipality])


def naive(*args) -> datetime:
    """The date-time as openpyxl reads it back from a cell: without a time zone (Swedish wall-clock)."""
    return datetime(*args, tzinfo=STOCKHOLM).replace(tzinfo=None)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheets(data: bytes) -> dict:
    workbook = load_workbook(io.BytesIO(data))
    return {sheet.title: sheet for sheet in workbook.worksheets}


def values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_sheets_and_swedish_headers(programme):
    found = sheets(exports.programme_workbook(programme))
    assert list(found) == ["Deltagare", "Leveranser", "Möten"]
    assert values(found["Deltagare"])[0] == ["Organisation", "Leveransstatus", "Fil uppladdad"]
    assert values(found["Leveranser"])[0] == ["Deltagare", "Leverans", "Senast", "Levererad", "Status"]
    assert values(found["Möten"])[0] == [
        "Nr", "Möte", "Datum", "Börjar", "Slutar", "Preliminär månad", "Plats", "Bekräftat"
    ]  # fmt: skip


def test_participants_and_deliverables_are_what_the_page_shows(programme, world):
    participant = programme.participants.get()
    participant.deliverable_file.save("plan.pdf", ContentFile(b"%PDF-1.7 plan"), save=False)
    participant.deliverable_uploaded_at = datetime(2027, 1, 20, 23, 30, tzinfo=STOCKHOLM)
    participant.deliverable_status = "delivered"
    participant.save()
    with override("sv"):
        delivered = str(Participant(deliverable_status="delivered").get_deliverable_status_display())
    found = sheets(exports.programme_workbook(programme))

    assert values(found["Deltagare"])[1:] == [["Norrby kommun", delivered, "Ja"]]
    row = found["Leveranser"][2]
    assert [c.value for c in row] == [
        "Norrby kommun",
        "Utvecklingsplan för matematikundervisningen",
        naive(2027, 1, 31),
        naive(2027, 1, 20),  # the Swedish date of the upload, not the UTC one
        delivered,
    ]
    assert row[2].is_date and row[2].number_format == "yyyy-mm-dd"
    assert row[3].is_date and row[3].number_format == "yyyy-mm-dd"

    page = client_for(world.people["regional_officer"]).get(
        reverse("calls:programme", args=[programme.call_id])
    )
    assert "Norrby kommun" in page.content.decode()


def test_a_deliverable_not_uploaded_has_an_empty_date(programme):
    found = sheets(exports.programme_workbook(programme))
    assert values(found["Deltagare"])[1][2] == "Nej"
    assert values(found["Leveranser"])[1][3] is None


def test_meetings_have_dates_times_numbers_and_confirmation(programme):
    found = sheets(exports.programme_workbook(programme))
    rows = values(found["Möten"])[1:]
    assert [r[1] for r in rows] == [
        "Träff 1", "Träff 2", "Träff 3", "Träff 4 – utvecklingsplanerna presenteras"
    ]  # fmt: skip
    assert rows[0] == [
        1,
        "Träff 1",
        naive(2026, 8, 28),
        naive(2026, 8, 28, 9, 0),
        naive(2026, 8, 28, 16, 0),
        None,
        "Malmö (lokal bekräftas senare)",
        "Ja",
    ]
    assert rows[1][6] is None and rows[1][7] == "Nej"  # place to be confirmed
    # only a month: no date or times, the month given, not confirmed
    assert rows[3][2:6] == [None, None, None, naive(2027, 1, 1)] and rows[3][7] == "Nej"
    first = found["Möten"][2]
    assert isinstance(first[0].value, int) and first[0].data_type == "n"
    assert first[2].is_date and first[3].is_date and first[3].number_format == "yyyy-mm-dd hh:mm"
    assert found["Möten"][5][5].is_date


def test_only_this_programmes_participants(programme, world):
    other = make_programme(make_call(world.other_region), [world.other_municipality])
    mine = sheets(exports.programme_workbook(programme))
    theirs = sheets(exports.programme_workbook(other))
    assert [r[0] for r in values(mine["Deltagare"])[1:]] == ["Norrby kommun"]
    assert [r[0] for r in values(mine["Leveranser"])[1:]] == ["Norrby kommun"]
    assert [r[0] for r in values(theirs["Deltagare"])[1:]] == ["Sydby kommun"]


def test_formula_injection_is_guarded(programme, world):
    world.municipality.name = '=HYPERLINK("http://x")'
    world.municipality.save(update_fields=["name"])
    first = programme.meetings.order_by("position").first()
    first.title = "+SUM(1,2)"
    first.save(update_fields=["title"])
    found = sheets(exports.programme_workbook(programme))
    assert values(found["Deltagare"])[1][0] == '\'=HYPERLINK("http://x")'
    assert values(found["Leveranser"])[1][0] == '\'=HYPERLINK("http://x")'
    assert values(found["Möten"])[1][1] == "'+SUM(1,2)"


def test_filename_is_ascii(programme):
    name = exports.programme_filename(programme, today=date(2026, 11, 27))
    assert name == "program-strategiskt-stod-for-utveckling-av-matematikundervisningen-i-2026-11-27.xlsx"
    assert name.isascii()


def test_organiser_downloads_participants_may_not(programme, world):
    url = reverse("calls:programme_xlsx", args=[programme.call_id])
    response = client_for(world.people["regional_officer"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="program-strategiskt-stod')
    assert list(sheets(response.content)) == ["Deltagare", "Leveranser", "Möten"]
    assert client_for(world.people["coordinator"]).get(url).status_code == 403
    assert client_for(world.people["outsider"]).get(url).status_code == 404

    page = reverse("calls:programme", args=[programme.call_id])
    assert url in client_for(world.people["regional_officer"]).get(page).content.decode()
    assert url not in client_for(world.people["coordinator"]).get(page).content.decode()
