"""Applying (docs/calls.md) in headless Chromium: two municipalities apply to a published call.

Norrby kommun's coordinator starts the application from the call's page, fills in part of it and saves a
draft, leaves for the start page and comes back to it; the draft is there. She pastes an answer longer than
the 2,500-character limit: the counter says by how much (text and style) and submitting shows the same
numbers beside the field and in the summary, with nothing removed; she shortens it, autosave says when it
saved, she submits and gets the receipt. Then Söderby kommun's coordinator submits another. axe-core
(WCAG 2.1 A/AA) checks every page; the real CSP is kept on the application form to prove the counter and
autosave scripts run without inline code."""

import re

import pytest
from django.urls import reverse

from kedja.calls.factories import make_call
from kedja.calls.models import Application
from kedja.calls.rules import text_length
from kedja.calls.templates_data import load_template
from kedja.organisations.factories import make_member, make_municipality
from kedja.organisations.roles import Role
from tests.browser.test_journeys import sign_in, t, url_of
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

pytestmark = pytest.mark.django_db(transaction=True)

# The call's own labels are content (the shipped template is in Swedish), not interface strings.
LABELS = {f["key"]: f["label"] for f in load_template("maths_support_2026")["fields"]}
Q1 = LABELS["question_1"]
Q2 = LABELS["question_2"]


def counted(template: str, **values) -> str:
    text = t(template)
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def fill_person(page, label: str, name: str, title: str) -> None:
    group = page.get_by_role("group", name=label, exact=True)
    group.get_by_label(t("Name"), exact=True).fill(name)
    group.get_by_label(t("Title"), exact=True).fill(title)


def fill_everything_but_the_questions(page, org_number: str) -> None:
    page.get_by_label(LABELS["org_number"], exact=True).fill(org_number)
    fill_person(page, LABELS["resource_person_1"], "Åsa Öberg", "Förstelärare")
    page.get_by_label(LABELS["resource_person_1_email"], exact=True).fill("asa@kommun.example")
    page.get_by_label(LABELS["resource_person_1_phone"], exact=True).fill("019-21 10 00")
    fill_person(page, LABELS["resource_person_2"], "Erik Ängström", "Lektor")
    page.get_by_label(LABELS["resource_person_2_email"], exact=True).fill("erik@kommun.example")
    page.get_by_label(LABELS["resource_person_2_phone"], exact=True).fill("019-21 10 01")
    fill_person(page, LABELS["head_of_operations"], "Stina Skolchef", "Grundskolechef")
    page.get_by_label(LABELS["head_of_operations_phone"], exact=True).fill("019-21 10 02")
    page.get_by_role("checkbox").check()
    page.get_by_label(LABELS["active_plan"], exact=True).select_option("Nej")
    page.get_by_label(LABELS["anchored"], exact=True).select_option("Nej")


def test_two_municipalities_apply_one_exceeds_the_limit_and_fixes_it(
    page, new_page, strict_page, live_server, assert_accessible, assert_no_csp_violations
):
    w = build_world()
    call = make_call(w.region)
    coordinator = w.people["coordinator"]

    # --- Norrby: start from the call's page, save a draft, leave, come back -------------------------
    sign_in(page, coordinator.email)
    page.goto(reverse("calls:detail", args=[call.pk]))
    page.get_by_role("link", name=t("Start or continue application")).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("calls:apply", args=[call.pk]))))
    expect(page.get_by_role("heading", level=1)).to_contain_text(w.municipality.name)
    expect(page.get_by_label(LABELS["municipality"], exact=True)).to_have_value(w.municipality.name)
    assert_accessible(page, where="application form")
    page.get_by_label(Q1, exact=True).fill("Vi vill stärka matematikundervisningen i årskurs 4–9.")
    fill_person(page, LABELS["resource_person_1"], "Åsa Öberg", "Förstelärare")
    page.get_by_role("button", name=t("Save draft")).click()
    expect(page.get_by_role("status").first).to_contain_text(t("The draft is saved."))
    # The draft may leave fields empty, but they are still required to submit: none says "(optional)".
    expect(page.locator(".kedja-optional")).to_have_count(0)
    assert_accessible(page, where="saved draft")

    page.goto(reverse("home:start"))
    page.goto(reverse("calls:detail", args=[call.pk]))
    page.get_by_role("link", name=t("Continue application"), exact=True).click()
    expect(page.get_by_label(Q1, exact=True)).to_have_value(
        "Vi vill stärka matematikundervisningen i årskurs 4–9."
    )
    expect(
        page.get_by_role("group", name=LABELS["resource_person_1"], exact=True).get_by_label(
            t("Name"), exact=True
        )
    ).to_have_value("Åsa Öberg")

    # --- a colleague continues under the real CSP: the counter and autosave run from static files -------
    apply_url = page.url
    strict = strict_page
    sign_in(strict, w.people["admin"].email)
    strict.goto(apply_url)
    expect(strict.get_by_label(Q1, exact=True)).to_have_value(
        "Vi vill stärka matematikundervisningen i årskurs 4–9."
    )
    answer_2 = "Förvaltningschefen ger resurspersonerna mandat 👍🏽."
    strict.get_by_label(Q2, exact=True).fill(answer_2)
    expect(strict.locator("#id_question_2_count")).to_have_text(
        counted("{length} of {limit} characters", length=text_length(answer_2), limit=2500)
    )
    expect(strict.locator("#autosave-status")).to_contain_text(re.compile(r"\d{2}:\d{2}"), timeout=15_000)
    assert_no_csp_violations(strict, where="application form (strict CSP)")
    assert Application.objects.get(call=call, organisation=w.municipality).answers["question_2"] == answer_2

    # --- the coordinator comes back and pastes a text over the limit -------------------------------------
    page.goto(apply_url)
    expect(page.get_by_label(Q2, exact=True)).to_have_value(answer_2)
    question = page.get_by_label(Q1, exact=True)
    counter = page.locator("#id_question_1_count")
    long_text = ("Matematik är språk för mönster. " * 80)[:2510]
    question.fill(long_text)
    expect(counter).to_have_text(
        counted("{over} characters too many ({length} of {limit})", over=10, length=2510, limit=2500)
    )
    expect(counter).to_have_class(re.compile("kedja-char-count-over"))
    assert "id_question_1_count" in question.get_attribute("aria-describedby")
    assert question.get_attribute("maxlength") is None
    assert_accessible(page, where="form with a text over the limit")

    fill_everything_but_the_questions(page, "212000-1918")
    page.get_by_role("button", name=t("Submit the application")).click()
    expect(page.locator("#error-summary")).to_contain_text(Q1)
    expect(page.locator("#id_question_1_error")).to_contain_text("2510")
    expect(page.get_by_label(Q1, exact=True)).to_have_value(long_text)  # nothing removed
    assert Application.objects.get(call=call, organisation=w.municipality).answers["question_1"] == long_text
    assert_accessible(page, where="form with errors")

    # --- fix it and submit: the receipt -----------------------------------------------------------------
    page.get_by_label(Q1, exact=True).fill(long_text[:2500])
    expect(page.locator("#id_question_1_count")).to_have_text(
        counted("{length} of {limit} characters", length=2500, limit=2500)
    )
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name=t("Submit the application")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Your application has been received"))
    application = Application.objects.get(call=call, organisation=w.municipality)
    expect(page).to_have_url(url_of(live_server, "calls:receipt", application.pk))
    expect(page.get_by_text(application.receipt_number, exact=True)).to_be_visible()
    assert application.status == Application.Status.SUBMITTED
    assert application.answers["question_1"] == long_text[:2500]
    assert_accessible(page, where="receipt")

    page.get_by_role("link", name=t("Status of the application")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(w.municipality.name)
    assert_accessible(page, where="status of the application")

    # --- Söderby submits another ------------------------------------------------------------------------
    soderby = make_municipality(w.region, name="Söderby kommun")
    other = make_member(soderby, Role.MUNICIPAL_COORDINATOR)
    second = new_page()
    sign_in(second, other.email)
    second.goto(reverse("calls:apply", args=[call.pk]))
    expect(second.get_by_label(LABELS["municipality"], exact=True)).to_have_value("Söderby kommun")
    expect(second.get_by_label(Q1, exact=True)).to_have_value("")  # never Norrby's text
    fill_everything_but_the_questions(second, "212000-1900")
    second.get_by_label(Q1, exact=True).fill("Söderby vill lära av andra kommuner.")
    second.get_by_label(Q2, exact=True).fill("Planen ägs av grundskolechefen.")
    second.get_by_role("button", name=t("Submit the application")).click()
    expect(second.get_by_role("heading", level=1)).to_have_text(t("Your application has been received"))
    assert_accessible(second, where="second receipt")
    numbers = set(
        Application.objects.filter(call=call, status="submitted").values_list("receipt_number", flat=True)
    )
    assert len(numbers) == 2
