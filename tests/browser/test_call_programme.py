"""The programme (docs/calls.md) in headless Chromium: the programme after the decision.

The regional officer opens the programme of the decided call (no meetings yet), fills the meetings from
the call's template, looks at a meeting's and the programme's edit forms and downloads the calendar, which
icalendar reads back with the three dated meetings. The coordinator of the accepted municipality opens the
programme and uploads the development plan as a PDF; the status becomes "delivered". axe-core (WCAG 2.1
A/AA) checks every page on the way.

Labels come from gettext in the page's language (`t`), so the test holds while the catalogs change."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from icalendar import Calendar

from kedja.calls.factories import make_call, make_programme
from tests.browser.test_journeys import sign_in, t
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_fills_meetings_and_participant_delivers(
    page, new_page, live_server, assert_accessible, tmp_path
):
    w = build_world()
    programme = make_programme(make_call(w.region), [w.municipality], from_template=False)
    call_id = programme.call_id
    programme_url = reverse("calls:programme", args=[call_id])

    # The officer fills the meetings from the template
    sign_in(page, w.people["regional_officer"].email)
    page.goto(programme_url)
    expect(page.get_by_role("heading", name=t("Meetings"))).to_be_visible()
    expect(page.get_by_text(t("No meetings yet."))).to_be_visible()
    assert_accessible(page, where="programme without meetings")
    page.get_by_role("button", name=t("Fill the meetings from the call's template")).click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url + programme_url) + "#meetings$"))
    meetings = page.locator("#meetings ~ ol > li")
    expect(meetings).to_have_count(4)
    expect(meetings.nth(0)).to_contain_text("Malmö")
    expect(meetings.nth(3)).to_contain_text("2027")
    assert_accessible(page, where="programme with meetings")

    first = programme.meetings.order_by("position").first()
    page.get_by_role("link", name=t("Edit %(title)s", title=first.title)).click()
    expect(page.get_by_label(t("Place"))).to_have_value("Malmö (lokal bekräftas senare)")
    assert_accessible(page, where="meeting form")
    page.goto(reverse("calls:programme_edit", args=[call_id]))
    assert_accessible(page, where="programme details form")

    page.goto(programme_url)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=t("Add the meetings to your calendar (.ics)")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    cal = Calendar.from_ical(Path(download.path()).read_bytes())
    assert len(list(cal.walk("VEVENT"))) == 3

    # The coordinator of the accepted municipality uploads the development plan
    coordinator = new_page()
    sign_in(coordinator, w.people["coordinator"].email)
    coordinator.goto(programme_url)
    assert_accessible(coordinator, where="programme as a participant")
    coordinator.get_by_role("link", name=t("Upload the deliverable")).click()
    assert_accessible(coordinator, where="deliverable upload")
    plan = tmp_path / "utvecklingsplan.pdf"
    plan.write_bytes(b"%PDF-1.7\n% the development plan\n")
    coordinator.get_by_label(t("File")).set_input_files(str(plan))
    coordinator.get_by_role("button", name=t("Upload"), exact=True).click()
    row = coordinator.locator(f"#participant-{programme.participants.get().pk}")
    expect(row).to_contain_text(t("Delivered"))
    assert_accessible(coordinator, where="programme after the upload")
    participant = programme.participants.get()
    assert participant.deliverable_status == "delivered"
    assert participant.deliverable_file.name.endswith(".pdf")
