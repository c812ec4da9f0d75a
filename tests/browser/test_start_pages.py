"""Every role's start page in a real browser: what needs the person, each item a link to act on it, checked
with axe-core (WCAG 2.1 A/AA)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override

from kedja.assessments.factories import add_respondent
from kedja.assessments.factories import make_round as make_assessment_round
from kedja.calls.factories import make_application, make_call
from kedja.followup.factories import make_group
from kedja.followup.factories import make_round as make_followup_round
from kedja.frameworks.actions import load_shipped_frameworks
from kedja.frameworks.models import Framework
from kedja.initiatives.factories import make_initiative
from kedja.organisations.factories import make_user
from kedja.plans.factories import make_plan_version
from tests.world import build_world

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails in CI) with the reason
    expect = None

PASSWORD = "correct-horse-battery-9"

pytestmark = pytest.mark.django_db(transaction=True)


def t(message: str, /, **values) -> str:
    with override("sv"):
        text = gettext(message)
    return text % values if values else text


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(t("E-mail address"), exact=True).fill(email)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Sign in"), exact=True).click()


def test_every_role_sees_what_needs_them_on_the_start_page(new_page, assert_accessible):
    load_shipped_frameworks()
    steam = Framework.objects.get(owner=None, key="steam-municipal").latest_published()
    world = build_world()
    today = timezone.localdate()
    round_ = make_assessment_round(world.municipality, steam, title="Självskattning 2026")
    add_respondent(round_, world.people["coordinator"])
    add_respondent(round_, world.people["head_of_schools"])
    make_initiative(
        world.school, name="Kodklubben", funding="project", funding_ends=today + timedelta(days=60)
    )
    reviewer = make_user("greta@kedja.example", full_name="Greta Granskare")
    call = make_call(world.region, title="Teknikbidrag 2026", reviewers=[reviewer])
    make_application(call, world.municipality, submit=True)
    group = make_group(world.school, name="7A", students=3, teachers=[world.people["teacher"]])
    make_followup_round(world.school, by=world.people["principal"])
    make_plan_version(world.municipality, adopted_on=today, by=world.people["coordinator"])

    expected = {
        "coordinator": [
            t("Self-assessment “%(title)s”: %(progress)s", title=round_.title, progress="0 av 2 klara"),
            t("The gaps to close first"),
        ],
        "regional_officer": [t("The municipalities' self-assessments"), f"”{call.title}”"],
        "head_of_schools": ["1 skolenhet har inte gjort klart sin uppföljning"],
        "principal": ["Uppföljning "],
        "teacher": [f"{group.name}: 3 elever att bedöma"],
        "reader": [t("Adopted action plan: %(title)s", title="")],
        "partner": ["Teknikföretaget AB"],
        "reviewer": [f"1 ansökan till ”{call.title}” väntar på din bedömning"],
    }
    people = dict(world.people, reviewer=reviewer)
    for persona, texts in expected.items():
        page = new_page()
        sign_in(page, people[persona].email)
        main = page.get_by_role("main")
        expect(main.get_by_role("heading", level=2).first).to_have_text(t("Needs your attention"))
        for text in texts:
            expect(main).to_contain_text(text)
        # every item's heading that is a link leads somewhere the person may go
        links = main.locator("article h3 a")
        assert links.count() >= 1, persona
        assert_accessible(page, where=f"start page of {persona}")
        href = links.first.get_attribute("href")
        response = page.goto(href)
        assert response.status == 200, (persona, href)
