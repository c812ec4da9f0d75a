"""The goal tree (docs/indicators.md) in headless Chromium: a coordinator builds her municipality's goal tree.

From the goal page she creates a main goal, a sub-goal under it and an action under the sub-goal (the
page's "add" links carry ?parent=…), ties the action to a framework item and a gap cell, creates a manual
indicator under the sub-goal, edits the main goal, and once types an end date before the start date: the
reason stands next to the field and everything she typed or ticked is still there. The goal page then shows
the whole tree. axe-core (WCAG 2.1 A/AA) checks every page on the way.

Labels come from gettext in the page's language (`t`), so the test holds while the catalogs change."""

import re

import pytest
from django.urls import reverse

from kedja.frameworks.actions import load_shipped_frameworks
from kedja.indicators.models import Goal, GoalKind, Indicator, Source
from tests.browser.test_journeys import sign_in, t, url_of
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

MAIN = "Fler unga väljer teknik"
MAIN_EDITED = "Fler unga väljer teknik och naturvetenskap"
SUB = "Högre behörighet till gymnasiets yrkesprogram"
ACTION = "Studiebesök på teknikföretag i åk 8"
INDICATOR = "Andel elever i åk 9 med godkänt i teknik"


def with_query(live_server, name: str, arg, query: str) -> re.Pattern:
    return re.compile("^" + re.escape(f"{live_server.url}{reverse(name, args=[arg])}?{query}") + "$")


def goal_named(title: str) -> Goal:
    return Goal.objects.get(title=title)


def test_coordinator_builds_a_goal_tree_with_an_indicator(page, live_server, assert_accessible):
    w = build_world()
    load_shipped_frameworks()
    org = w.municipality

    sign_in(page, w.people["coordinator"].email)
    expect(page).to_have_url(url_of(live_server, "home:start"))
    page.goto(reverse("indicators:goals", args=[org.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Goals of %(org)s", org=org.name))
    expect(page.get_by_text(t("No goals are set up yet."))).to_be_visible()
    assert_accessible(page, where="empty goal page")

    # A main goal.
    page.get_by_role("link", name=t("New main goal"), exact=True).click()
    expect(page).to_have_url(url_of(live_server, "indicators:goal_create", org.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text(t("New goal"))
    expect(page.get_by_role("radio", name=t("Main goal"), exact=True)).to_be_checked()
    assert_accessible(page, where="new main goal form")
    page.get_by_label(t("Title"), exact=True).fill(MAIN)
    page.get_by_label(t("Responsible function"), exact=False).fill("Utbildningsförvaltningen")
    page.get_by_role("button", name=t("Create the goal"), exact=True).click()
    main = goal_named(MAIN)
    assert (main.kind, main.parent_id, main.organisation_id) == (GoalKind.MAIN_GOAL, None, org.pk)
    expect(page.locator(f"#goal-{main.pk}")).to_contain_text(MAIN)
    assert_accessible(page, where="goal page with a main goal")

    # A sub-goal, from the main goal's "add a sub-goal" link (?parent=…&kind=sub_goal).
    page.locator(f"#goal-{main.pk}").get_by_role("link", name=t("Add a sub-goal")).click()
    expect(page).to_have_url(
        with_query(live_server, "indicators:goal_create", org.pk, f"parent={main.pk}&kind=sub_goal")
    )
    expect(page.get_by_label(t("Part of"), exact=False)).to_have_value(str(main.pk))
    expect(page.get_by_role("radio", name=t("Sub-goal"), exact=True)).to_be_checked()
    assert_accessible(page, where="new sub-goal form")
    page.get_by_label(t("Title"), exact=True).fill(SUB)
    page.get_by_role("button", name=t("Create the goal"), exact=True).click()
    sub = goal_named(SUB)
    assert (sub.kind, sub.parent_id) == (GoalKind.SUB_GOAL, main.pk)
    expect(page.locator(f"#goal-{sub.pk}")).to_contain_text(SUB)

    # An action under the sub-goal, tied to a framework item and a gap cell; the end date comes first
    # once, by mistake.
    page.locator(f"#goal-{sub.pk}").get_by_role("link", name=t("Add an action")).click()
    expect(page.get_by_label(t("Part of"), exact=False)).to_have_value(str(sub.pk))
    expect(page.get_by_role("radio", name=t("Action"), exact=True)).to_be_checked()
    assert_accessible(page, where="new action form")
    page.get_by_label(t("Title"), exact=True).fill(ACTION)
    item_box = page.locator(f"#{page.locator('input[name=items]').first.get_attribute('id')}")
    item_label = page.locator(f"label[for='{item_box.get_attribute('id')}']").inner_text()
    item_box.check()
    gap_table = page.get_by_role("table", name=t("Stages × framework areas"))
    gap_box = gap_table.get_by_role("checkbox").first
    gap_id = gap_box.get_attribute("id")
    gap_label = page.locator(f"label[for='{gap_id}']").inner_text()
    gap_box.check()
    page.get_by_label(t("Starts"), exact=False).fill("2026-08-01")
    page.get_by_label(t("Ends"), exact=False).fill("2026-06-30")
    page.get_by_role("button", name=t("Create the goal"), exact=True).click()

    reason = t("The end date is before the start date.")
    expect(page.locator("#id_ends_error")).to_contain_text(reason)
    expect(page.get_by_label(t("Ends"), exact=False)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label(t("Ends"), exact=False)).to_have_value("2026-06-30")
    expect(page.get_by_label(t("Starts"), exact=False)).to_have_value("2026-08-01")
    expect(page.get_by_label(t("Title"), exact=True)).to_have_value(ACTION)
    expect(page.get_by_label(t("Part of"), exact=False)).to_have_value(str(sub.pk))
    expect(page.locator(f"#{item_box.get_attribute('id')}")).to_be_checked()
    expect(page.locator(f"#{gap_id}")).to_be_checked()
    assert not Goal.objects.filter(title=ACTION).exists()
    assert_accessible(page, where="action form with an error")

    page.get_by_label(t("Ends"), exact=False).fill("2027-06-30")
    page.get_by_role("button", name=t("Create the goal"), exact=True).click()
    action = goal_named(ACTION)
    assert (action.kind, action.parent_id) == (GoalKind.ACTION, sub.pk)
    assert action.items.count() == 1 and len(action.gaps) == 1
    node = page.locator(f"#goal-{action.pk}")
    expect(node).to_contain_text(ACTION)
    expect(node).to_contain_text(" ".join(item_label.split()))
    expect(node).to_contain_text("2026–2027")
    expect(node.locator("dd").last).not_to_be_empty()
    assert gap_label.split(" – ")[0] in node.inner_text()
    assert_accessible(page, where="goal page with an action")

    # A manual indicator under the sub-goal, from its "add an indicator" link (?goal=…).
    page.locator(f"#goal-{sub.pk}").get_by_role("link", name=t("Add an indicator")).click()
    expect(page).to_have_url(with_query(live_server, "indicators:indicator_create", org.pk, f"goal={sub.pk}"))
    expect(page.get_by_label(t("Goal"), exact=False)).to_have_value(str(sub.pk))
    assert_accessible(page, where="new indicator form")
    page.get_by_label(t("Name"), exact=True).fill(INDICATOR)
    page.get_by_label(t("Baseline"), exact=False).first.fill("62,5")
    page.get_by_label(t("Baseline year"), exact=False).fill("2023")
    page.get_by_role("button", name=t("Create the indicator"), exact=True).click()
    indicator = Indicator.objects.get(name=INDICATOR)
    assert (indicator.goal_id, indicator.source, indicator.baseline_value) == (sub.pk, Source.MANUAL, 62.5)
    expect(page).to_have_url(url_of(live_server, "indicators:indicator", indicator.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text(INDICATOR)
    assert_accessible(page, where="the new indicator's page")

    # Edit the main goal from the goal page.
    page.goto(reverse("indicators:goals", args=[org.pk]))
    page.locator(f"#goal-{main.pk}").get_by_role("link", name=t("Edit")).first.click()
    expect(page).to_have_url(url_of(live_server, "indicators:goal_edit", main.pk))
    expect(page.get_by_label(t("Title"), exact=True)).to_have_value(MAIN)
    assert_accessible(page, where="edit goal form")
    page.get_by_label(t("Title"), exact=True).fill(MAIN_EDITED)
    page.get_by_label(t("Status"), exact=True).select_option("in_progress")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    main.refresh_from_db()
    assert (main.title, main.status) == (MAIN_EDITED, "in_progress")

    # The move page of the sub-goal is reachable from the tree and accessible too.
    page.goto(reverse("indicators:goals", args=[org.pk]))
    page.locator(f"#goal-{sub.pk}").get_by_role("link", name=t("Move")).first.click()
    expect(page).to_have_url(url_of(live_server, "indicators:goal_move", sub.pk))
    assert_accessible(page, where="move goal form")

    # The goal page shows it all: the tree in order, the indicator under the sub-goal with its status.
    page.goto(reverse("indicators:goals", args=[org.pk]))
    tree = page.locator(".kedja-goal-tree > li")
    expect(tree).to_have_count(3)
    expect(tree.nth(0)).to_have_attribute("id", f"goal-{main.pk}")
    expect(tree.nth(1)).to_have_attribute("id", f"goal-{sub.pk}")
    expect(tree.nth(2)).to_have_attribute("id", f"goal-{action.pk}")
    expect(tree.nth(0)).to_contain_text(MAIN_EDITED)
    expect(tree.nth(0)).to_contain_text(t("In progress"))
    expect(tree.nth(0)).to_contain_text("Utbildningsförvaltningen")
    row = tree.nth(1).get_by_role("row").filter(has_text=INDICATOR)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(t("No data"))
    expect(row.get_by_role("link", name=INDICATOR, exact=True)).to_have_attribute(
        "href", reverse("indicators:indicator", args=[indicator.pk])
    )
    assert_accessible(page, where="the finished goal page")
