"""Review and selection (docs/calls.md) in headless Chromium: a reviewer scores an application; the officer
ranks, decides and publishes the decision.

The reference call has closed with applications from Norrby kommun and Östby kommun. A reviewer opens the
list of applications to review, declares no conflict of interest on Norrby's, scores every criterion with a
comment and submits. The regional officer opens the ranking (Norrby with its weighted mean), accepts Norrby
and rejects Östby, each with a justification, and publishes the decision: both applicants are e-mailed and
Norrby becomes a participant of the programme. axe-core (WCAG 2.1 A/AA) checks every page on the way;
labels come from gettext in the page's language (`t`) or ids and links are used."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kedja.calls.factories import make_application, make_call
from kedja.calls.models import Call, Participant
from kedja.organisations.factories import make_member, make_municipality, make_user
from kedja.organisations.roles import Role
from tests.browser.test_journeys import sign_in, t, url_of
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)


def test_reviewer_scores_and_officer_decides_and_publishes(
    page, new_page, live_server, mailoutbox, assert_accessible
):
    w = build_world()
    officer = w.people["regional_officer"]
    reviewer = make_user("granskare@kedja.example", full_name="Greta Granskare")
    now = timezone.now()
    call = make_call(
        w.region,
        reviewers=[reviewer],
        opens_at=now - timedelta(days=20),
        closes_at=now - timedelta(minutes=5),
    )
    east = make_municipality(w.region, name="Östby kommun")
    east_coordinator = make_member(east, Role.MUNICIPAL_COORDINATOR, make_user("samordnare@ostby.example"))
    norrby = make_application(
        call,
        w.municipality,
        by=w.people["coordinator"],
        submit=True,
        answers={"question_1": "Vi saknar en sammanhållen plan för matematikundervisningen."},
    )
    ostby = make_application(call, east, by=east_coordinator, submit=True)
    criteria = list(call.criteria.order_by("position", "pk"))

    # The reviewer: declares no conflict, scores and submits
    sign_in(page, reviewer.email)
    page.goto(reverse("calls:reviews", args=[call.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Applications to review"))
    assert_accessible(page, where="applications to review")
    page.get_by_role("link", name="Norrby kommun").click()
    expect(page).to_have_url(url_of(live_server, "calls:review", norrby.pk))
    expect(page.get_by_text("Vi saknar en sammanhållen plan")).to_have_count(0)  # not before declaring
    assert_accessible(page, where="conflict-of-interest declaration")
    page.get_by_label(t("No, I have no conflict of interest")).check()
    page.get_by_role("button", name=t("Save declaration")).click()
    expect(page.get_by_text("Vi saknar en sammanhållen plan för matematikundervisningen.")).to_be_visible()
    assert_accessible(page, where="scoring form")
    for criterion, score in zip(criteria, ("5", "4", "3"), strict=True):
        page.locator(f"#id_score_{criterion.pk}").select_option(score)
        page.locator(f"#id_comment_{criterion.pk}").fill(f"Motivering för {criterion.title}")
    page.get_by_role("button", name=t("Save draft")).click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator(f"#id_score_{criteria[0].pk}")).to_have_value("5")
    page.get_by_role("button", name=t("Submit review")).click()
    expect(page.get_by_role("status")).to_contain_text(t("Your review is submitted."))
    expect(page.get_by_role("heading", name=t("Other reviewers"))).to_be_visible()
    assert_accessible(page, where="submitted review")

    # The officer: ranking, two decisions, publication
    officer_page = new_page()
    sign_in(officer_page, officer.email)
    officer_page.goto(reverse("calls:ranking", args=[call.pk]))
    expect(officer_page.get_by_role("heading", level=1)).to_have_text(t("Ranking and decision"))
    norrby_row = officer_page.locator(f"#application-{norrby.pk}")
    expect(norrby_row).to_contain_text("84")  # (2·5 + 2·4 + 1·3) / 25 → 84.0
    assert_accessible(officer_page, where="ranking")
    officer_page.get_by_role("link", name=t("Weighted mean")).click()
    expect(officer_page.locator("th[aria-sort='descending']")).to_have_count(1)

    for application, decision, justification in (
        (norrby, "Accepted", "Tydligt behov och väl förankrat i förvaltningen."),
        (ostby, "Not accepted", "Har redan en aktiv utvecklingsplan."),
    ):
        officer_page.locator(f'a[href="{reverse("calls:decide", args=[application.pk])}"]').click()
        expect(officer_page).to_have_url(url_of(live_server, "calls:decide", application.pk))
        assert_accessible(officer_page, where=f"decision on {application.organisation.name}")
        officer_page.get_by_label(t(decision), exact=True).check()
        officer_page.get_by_label(t("Justification")).fill(justification)
        officer_page.get_by_role("button", name=t("Save decision")).click()
        expect(officer_page.get_by_role("status")).to_be_visible()

    officer_page.get_by_role("button", name=t("Publish the decision")).click()
    expect(officer_page.get_by_role("status")).to_contain_text(
        t("The decision is published and the applicants are told by e-mail.")
    )
    assert_accessible(officer_page, where="ranking after publication")

    call.refresh_from_db()
    assert call.status == Call.Status.DECIDED
    assert {m.to[0] for m in mailoutbox} >= {w.people["coordinator"].email, east_coordinator.email}
    assert list(Participant.objects.values_list("organisation__name", flat=True)) == ["Norrby kommun"]
    norrby.refresh_from_db()
    assert norrby.decision == "accepted" and norrby.decided_by == officer
