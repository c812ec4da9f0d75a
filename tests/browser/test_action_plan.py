"""The action plan (docs/plans.md) in headless Chromium: a coordinator builds and adopts her municipality's
action plan.

From the goal page she opens the action plan (empty), drafts actions in one step from two ranked gaps and a
priority item of her self-assessment, edits one draft (goal, responsible function, dates — once with the due
date before the start, so the reason stands by the field and what she typed stays), looks at the timeline,
records the adoption and sees the adopted version with its follow-up. axe-core (WCAG 2.1 A/AA) checks every
page on the way.

Labels come from gettext in the page's language (`t`), so the test holds while the catalogs change."""

import re
from datetime import date

import pytest
from django.urls import reverse

from kedja.assessments.factories import make_round
from kedja.assessments.models import Priority
from kedja.frameworks.actions import load_shipped_frameworks
from kedja.frameworks.selectors import default_framework_version
from kedja.indicators.factories import make_goal
from kedja.plans.models import Action, ActionStatus, PlanVersion
from tests.browser.test_journeys import sign_in, t, url_of
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

GOAL = "Fler unga väljer teknik"
FUNCTION = "Grundskoleavdelningen"


def test_coordinator_drafts_edits_and_adopts_the_action_plan(page, live_server, assert_accessible):
    w = build_world()
    load_shipped_frameworks()
    org = w.municipality
    version = default_framework_version()
    priority = Priority.objects.create(round=make_round(org, version), node=version.nodes.get(code="2.a"))
    goal = make_goal(org, title=GOAL)

    sign_in(page, w.people["coordinator"].email)
    expect(page).to_have_url(url_of(live_server, "home:start"))
    page.goto(reverse("indicators:goals", args=[org.pk]))
    page.get_by_role("main").get_by_role("link", name=t("Action plan"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "plans:plan", org.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Action plan of %(org)s", org=org.name))
    expect(page.get_by_text(t("The plan has no actions yet."))).to_be_visible()
    assert_accessible(page, where="empty action plan")

    # Drafts from two ranked gaps and the priority item, in one step.
    page.get_by_role("link", name=t("Draft actions from gaps and priorities"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "plans:from_gaps", org.pk))
    assert_accessible(page, where="drafting from gaps")
    page.locator("#gap-1").check()
    page.locator("#gap-2").check()
    page.locator(f"#priority-{priority.pk}").check()
    page.get_by_role("button", name=t("Create draft actions"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "plans:plan", org.pk))
    drafts = list(Action.objects.filter(organisation=org).order_by("pk"))
    assert len(drafts) == 3 and {a.status for a in drafts} == {ActionStatus.DRAFT}
    assert drafts[0].gaps and drafts[1].gaps and list(drafts[2].priorities.all()) == [priority]
    expect(page.locator(f"#action-{drafts[0].pk}")).to_contain_text(drafts[0].title)
    assert_accessible(page, where="plan with drafts")

    # Edit one: goal, responsible function and dates; first with the due date before the start.
    edited = drafts[2]
    page.locator(f"#action-{edited.pk}").get_by_role("link", name=t("Edit")).click()
    expect(page).to_have_url(url_of(live_server, "plans:action_edit", edited.pk))
    assert_accessible(page, where="action form")
    page.locator("#id_goal").select_option(str(goal.pk))
    page.get_by_label(t("Responsible function"), exact=False).fill(FUNCTION)
    page.locator("#id_starts").fill("2026-09-01")
    page.locator("#id_due").fill("2026-08-01")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.locator("#id_due_error")).to_have_text(t("The due date is before the start date."))
    expect(page.get_by_label(t("Responsible function"), exact=False)).to_have_value(FUNCTION)
    assert_accessible(page, where="action form with an error")
    page.locator("#id_due").fill("2026-12-15")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(page).to_have_url(
        re.compile(url_of(live_server, "plans:plan", org.pk).pattern.rstrip("$") + rf"#action-{edited.pk}$")
    )
    edited.refresh_from_db()
    assert (edited.goal, edited.responsible_function, edited.starts, edited.due) == (
        goal,
        FUNCTION,
        date(2026, 9, 1),
        date(2026, 12, 15),
    )

    # The other ways to see the plan.
    page.get_by_role("link", name=t("Timeline"), exact=True).click()
    expect(page.get_by_role("heading", name=t("Timeline"), exact=True)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(edited.title)
    assert_accessible(page, where="timeline")
    page.get_by_role("link", name=t("By responsible function"), exact=True).click()
    expect(page.get_by_role("table").filter(has_text=FUNCTION)).to_be_visible()
    assert_accessible(page, where="by responsible function")

    # Adopt the plan and see the version.
    page.get_by_role("link", name=t("Record adoption"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "plans:adopt", org.pk))
    assert_accessible(page, where="adoption form")
    page.get_by_label(t("Adopted on"), exact=True).fill("2026-02-10")
    page.get_by_label(t("Adopted by"), exact=False).fill("Barn- och utbildningsnämnden")
    page.get_by_label(t("Decision reference"), exact=False).fill("BUN § 12")
    page.get_by_role("button", name=t("Record the adopted version"), exact=True).click()
    adopted = PlanVersion.objects.get(organisation=org)
    expect(page).to_have_url(url_of(live_server, "plans:version", adopted.pk))
    expect(page.get_by_text(t("Nothing has changed since this version was adopted."))).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("BUN § 12")
    assert len(adopted.snapshot["actions"]) == 3
    assert_accessible(page, where="adopted version")
    page.get_by_role("link", name=t("Adopted versions"), exact=True).click()
    expect(page.get_by_role("link", name=adopted.title)).to_be_visible()
    assert_accessible(page, where="adopted versions")
    page.get_by_role("link", name=t("Coverage"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, where="coverage")
