"""An organisation's people as an Excel file: Swedish headers, the date a role was given as a date,
the rows the "People and roles" page lists (active memberships of this organisation only), the
formula-injection guard, and who may download it."""

import io
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext, override
from openpyxl import load_workbook

from kedja.organisations import exports
from kedja.organisations.factories import make_member, make_user
from kedja.organisations.models import Membership
from kedja.organisations.roles import Role

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheet_of(data: bytes):
    workbook = load_workbook(io.BytesIO(data))
    assert [s.title for s in workbook.worksheets] == ["Medlemmar"]
    return workbook.worksheets[0]


def label(role) -> str:
    with override("sv"):
        return str(Role(role).label)


def test_swedish_headers_and_the_rows_the_page_lists(world):
    Membership.objects.filter(user=world.people["teacher"]).update(
        title="Matematiklärare", created_at=datetime(2025, 8, 1, 0, 30, tzinfo=STOCKHOLM)
    )
    sheet = sheet_of(exports.members_workbook(world.school))
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Namn", "E-post", "Roll", "Titel", "Organisation", "Sedan"]
    teacher, principal = world.people["teacher"], world.people["principal"]
    assert [r[0] for r in rows[1:]] == ["Lars Lärare", "Rebecka Rektor"]
    assert rows[1] == [
        "Lars Lärare",
        teacher.email,
        label(Role.TEACHER),
        "Matematiklärare",
        "Norrbyskolan",
        datetime(2025, 8, 1, tzinfo=STOCKHOLM).replace(
            tzinfo=None
        ),  # the Swedish date, not the UTC one (31 July)
    ]
    assert rows[2][:5] == ["Rebecka Rektor", principal.email, label(Role.PRINCIPAL), None, "Norrbyskolan"]
    since = sheet["F2"]
    assert since.is_date and since.number_format == "yyyy-mm-dd"

    page = client_for(world.people["admin"]).get(reverse("organisations:members", args=[world.school.pk]))
    html = page.content.decode()
    for row in rows[1:]:
        assert row[0] in html and row[1] in html


def test_ended_memberships_and_other_organisations_are_left_out(world):
    make_member(world.school, Role.TEACHER, make_user(full_name="Slutat Lärare"), is_active=False)
    make_member(world.other_school, Role.TEACHER, make_user(full_name="Granne Lärare"))
    gone = make_member(world.school, Role.TEACHER, make_user(full_name="Avstängd Person"))
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    names = [r[0] for r in exports.member_rows(world.school)]
    assert "Slutat Lärare" not in names and "Granne Lärare" not in names
    # a deactivated person keeps their row on the page, marked; so in the file
    with override("sv"):
        marked = f"Avstängd Person ({gettext('deactivated')})"
    assert marked in names
    assert len(names) == 3


def test_formula_injection_is_guarded(world):
    make_member(world.school, Role.TEACHER, make_user(full_name='=HYPERLINK("http://x")'), title="@cmd")
    sheet = sheet_of(exports.members_workbook(world.school))
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    row = next(r for r in rows if "HYPERLINK" in r[0])
    assert row[0] == '\'=HYPERLINK("http://x")'
    assert row[3] == "'@cmd"


def test_filename_is_ascii(world):
    assert (
        exports.filename(world.school, today=date(2026, 11, 27)) == "medlemmar-norrbyskolan-2026-11-27.xlsx"
    )


def test_who_may_download(world):
    url = reverse("organisations:members_xlsx", args=[world.school.pk])
    response = client_for(world.people["principal"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert re.fullmatch(
        r'attachment; filename="medlemmar-norrbyskolan-\d{4}-\d{2}-\d{2}\.xlsx"',
        response["Content-Disposition"],
    )
    assert sheet_of(response.content)["A1"].value == "Namn"
    assert client_for(world.people["teacher"]).get(url).status_code == 403
    assert client_for(world.people["outsider"]).get(url).status_code == 404
    page = client_for(world.people["principal"]).get(reverse("organisations:members", args=[world.school.pk]))
    assert url in page.content.decode()
