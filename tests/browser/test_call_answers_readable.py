"""An application's answers read as a document where decisions are made: on the review, decide, receipt and
status pages, at 1280 px and at 320 px, every answer has (nearly) the whole width of the answers list — the
long declaration label never sets a label column that squeezes the answers into a few letters per line —
and the page never scrolls sideways. axe-core checks each page. Set KEDJA_SCREENSHOTS=<folder> to keep a
full-page screenshot of each page at each width."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from kedja.calls.factories import make_application, make_call, make_review
from kedja.organisations.factories import make_user
from tests.browser.test_journeys import sign_in
from tests.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

LONG = (
    "Vi vill delta för att stärka matematikundervisningen i årskurs 4–9. Resultaten på de nationella "
    "proven har sjunkit tre år i rad och lärarna efterfrågar ett gemensamt arbetssätt. "
) * 12

ANSWERS = {
    "municipality": "Norrby kommun",
    "org_number": "212000-1234",
    "resource_person_1": {"name": "Åsa Öberg", "title": "Förstelärare i matematik"},
    "resource_person_1_email": "asa.oberg@norrby.example",
    "resource_person_1_phone": "019-21 10 00",
    "resource_person_2": {"name": "Erik Ängström", "title": "Lektor"},
    "resource_person_2_email": "erik@norrby.example",
    "resource_person_2_phone": "019-21 10 01",
    "head_of_operations": {"name": "Stina Skolchef", "title": "Grundskolechef"},
    "head_of_operations_phone": "019-21 10 02",
    "declaration": True,
    "question_1": LONG,
    "question_2": LONG,
}


def answers_layout(page) -> dict:
    """The narrowest answer's width as a share of its list's width, the page's sideways overflow and height."""
    return page.evaluate(
        """() => {
          const lists = [...document.querySelectorAll('dl.kedja-call-answers')];
          let narrowest = 1;
          for (const dl of lists) {
            const width = dl.getBoundingClientRect().width;
            for (const dd of dl.querySelectorAll(':scope > dd')) {
              narrowest = Math.min(narrowest, dd.getBoundingClientRect().width / width);
            }
          }
          return {lists: lists.length, narrowest,
                  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
                  height: document.documentElement.scrollHeight};
        }"""
    )


def test_answers_read_as_a_document_at_every_width(new_page, live_server, assert_accessible):
    w = build_world()
    officer = w.people["regional_officer"]
    coordinator = w.people["coordinator"]
    reviewer = make_user("granskare@kedja.example", full_name="Greta Granskare")
    now = timezone.now()
    call = make_call(w.region, reviewers=[reviewer], opens_at=now - timedelta(days=20))
    application = make_application(call, w.municipality, by=coordinator, answers=ANSWERS, submit=True)
    make_review(application, reviewer, submit=False)

    pages = {
        reviewer: [("review", reverse("calls:review", args=[application.pk]))],
        officer: [("decide", reverse("calls:decide", args=[application.pk]))],
        coordinator: [
            ("receipt", reverse("calls:receipt", args=[application.pk])),
            ("status", reverse("calls:my_application", args=[application.pk])),
        ],
    }
    shots = os.environ.get("KEDJA_SCREENSHOTS")
    for person, urls in pages.items():
        page = new_page()
        sign_in(page, person.email)
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 900})
            for name, url in urls:
                page.goto(url)
                layout = answers_layout(page)
                where = f"{name} at {width} px"
                assert layout["lists"] >= 1, where
                assert layout["narrowest"] > 0.9, (
                    f"{where}: an answer has {layout['narrowest']:.0%} of the width"
                )
                assert layout["overflow"] <= 1, (
                    f"{where}: the page scrolls sideways by {layout['overflow']} px"
                )
                # Two answers of ~2,000 characters: a few screens high, not tens of thousands of pixels.
                assert layout["height"] < (6000 if width == 1280 else 16000), (
                    f"{where}: {layout['height']} px"
                )
                if shots:
                    page.screenshot(path=str(Path(shots) / f"{name}-{width}.png"), full_page=True)
                if width == 320:
                    assert_accessible(page, where=where)
