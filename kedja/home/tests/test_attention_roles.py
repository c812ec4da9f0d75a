"""What each role's start page asks of them, item by item, as plain functions: the coordinator's rounds,
fragile money, top gaps and calls; the regional officer's municipalities, calls, meetings, fetches and
missing coordinators; the reviewer's applications; the follow-up for the head of schools, principal and
teacher; the reader's adopted plan."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kedja.assessments.factories import add_respondent
from kedja.assessments.factories import make_round as make_assessment_round
from kedja.assessments.models import Round as AssessmentRound
from kedja.calls.factories import make_application, make_call, make_programme, make_review
from kedja.calls.models import Meeting
from kedja.followup.factories import fill_round, make_group
from kedja.followup.factories import make_round as make_followup_round
from kedja.frameworks.actions import load_shipped_frameworks
from kedja.frameworks.models import Framework
from kedja.home import attention, attention_followup, attention_work
from kedja.initiatives.factories import make_initiative
from kedja.kolada.models import FetchRun
from kedja.organisations.factories import make_member, make_municipality, make_user
from kedja.organisations.roles import Role
from kedja.plans.factories import make_plan_version

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def steam(db):
    load_shipped_frameworks()
    return Framework.objects.get(owner=None, key="steam-municipal").latest_published()


def test_coordinator_sees_each_open_round_with_progress_and_who_has_not_answered(world, steam):
    round_ = make_assessment_round(world.municipality, steam)
    done = add_respondent(round_, world.people["coordinator"])
    done.submitted_at = timezone.now()
    done.save()
    add_respondent(round_, world.people["head_of_schools"])
    add_respondent(round_, world.people["admin"])
    make_assessment_round(world.municipality, steam, status=AssessmentRound.Status.CLOSED, title="Gammal")
    items = attention_work.round_items(world.people["coordinator"], world.municipality)
    assert [i.title for i in items] == [f"Self-assessment “{round_.title}”: 1 of 3 done"]
    assert items[0].text == "Not yet done: Anna Admin, Stina Skolchef."
    assert items[0].url.endswith(f"/{round_.pk}/")
    assert attention_work.round_items(world.people["teacher"], world.school) == []  # does not run rounds


def test_coordinator_sees_initiatives_whose_money_ends_within_a_year(world):
    make_initiative(
        world.school, name="Kodklubben", funding="project", funding_ends=TODAY + timedelta(days=90)
    )
    make_initiative(
        world.school, name="Långt kvar", funding="grant", funding_ends=TODAY + timedelta(days=500)
    )
    make_initiative(world.school, name="Ordinarie", funding="ordinary")
    items = attention_work.funding_items(world.municipality, TODAY)
    assert [label.split(" (")[0] for label, _url in items[0].links] == ["Kodklubben"]
    assert items[0].tone == "warning"


def test_coordinator_sees_the_top_gaps_with_why_and_a_link_to_each(world, steam):
    items = attention_work.gap_items(world.municipality, TODAY)
    assert len(items) == 1 and len(items[0].links) == 3
    label, url = items[0].links[0]
    assert label.startswith("1. ") and url.endswith("#gap-1")
    assert "No ongoing initiative" in label


def test_coordinator_sees_open_calls_and_their_drafts(world):
    open_call = make_call(world.region, title="Öppen utlysning")
    drafted = make_call(world.region, title="Påbörjad")
    make_application(drafted, world.municipality)
    make_call(world.other_region, title="Annan region")
    make_call(
        world.region,
        title="Stängd",
        closes_at=timezone.now() - timedelta(days=1),
        opens_at=timezone.now() - timedelta(days=9),
    )
    items = attention_work.call_items(world.people["coordinator"])
    titles = [i.title for i in items]
    assert "Open call: Öppen utlysning" in titles
    assert "Your application to “Påbörjad” is a draft" in titles
    assert not any("Annan region" in t or "Stängd" in t for t in titles)
    assert any(i.url.endswith(f"/{open_call.pk}/") for i in items)


def test_reviewer_sees_applications_waiting_for_their_review_with_the_deadline(world):
    reviewer = make_user(full_name="Greta Granskare")
    call = make_call(world.region, title="Bidrag", reviewers=[reviewer])
    first = make_application(call, world.municipality, submit=True)
    other = make_municipality(world.region, name="Grannby kommun")
    second = make_application(call, other, submit=True)
    make_application(call, make_municipality(world.region, name="Utkastby kommun"))  # a draft: not asked
    items = attention_work.review_items(reviewer)
    assert items[0].title == "2 applications to “Bidrag” wait for your review"
    assert items[0].text.startswith("Decision by ")
    make_review(first, reviewer, scores={c: 3 for c in call.criteria.all()})
    assert attention_work.review_items(reviewer)[0].title == "1 application to “Bidrag” waits for your review"
    make_review(second, reviewer, conflict=True, reason="Jag bor där.")
    assert attention_work.review_items(reviewer) == []
    assert attention_work.review_items(world.people["teacher"]) == []


def test_regional_officer_sees_round_status_per_municipality_and_no_round(world, steam):
    quiet = make_municipality(world.region, name="Tystby kommun")
    make_assessment_round(world.municipality, steam, title="Självskattning 2026")
    items = attention_work.region_round_items(world.people["regional_officer"], world.region)
    labels = [label for label, _url in items[0].links]
    assert "Norrby kommun: Round open: Självskattning 2026" in labels
    assert f"{quiet.name}: No round" in labels
    assert items[0].text == "1 municipality has no round yet."
    assert attention_work.region_round_items(world.people["coordinator"], world.region) == []


def test_regional_officer_sees_calls_waiting_for_reviews_and_decisions(world):
    reviewer = make_user()
    waiting = make_call(world.region, title="Väntar", reviewers=[reviewer])
    make_application(waiting, world.municipality, submit=True)
    items = attention_work.region_call_items(world.region)
    assert [i.title for i in items] == ["“Väntar”: reviews waiting"]
    later = timezone.now() + timedelta(days=60)
    assert [i.title for i in attention_work.region_call_items(world.region, now=later)] == [
        "“Väntar”: reviews waiting"
    ]


def test_regional_officer_sees_the_next_meeting_a_failed_fetch_and_municipalities_without_coordinator(world):
    call = make_call(world.region, title="Program")
    programme = make_programme(call, [world.municipality])
    Meeting.objects.filter(programme=programme).delete()
    Meeting.objects.create(programme=programme, title="Startträff", date=TODAY + timedelta(days=10))
    Meeting.objects.create(programme=programme, title="Förr", date=TODAY - timedelta(days=10))
    items = attention_work.next_meeting_items(world.region, TODAY)
    assert items[0].title.startswith("Next programme meeting: Startträff, ")
    assert attention_work.kolada_items(world.region) == []
    FetchRun.objects.create(organisation=world.municipality, status=FetchRun.Status.FAILED, error="timeout")
    assert attention_work.kolada_items(world.region)[0].title == "The latest fetch from Kolada failed"
    FetchRun.objects.create(organisation=world.municipality, status=FetchRun.Status.OK)
    assert attention_work.kolada_items(world.region) == []  # a later fetch worked
    quiet = make_municipality(world.region, name="Tystby kommun")
    missing = attention_work.no_coordinator_items(world.region)
    assert [label for label, _url in missing[0].links] == [quiet.name]
    make_member(quiet, Role.MUNICIPAL_COORDINATOR, make_user())
    assert attention_work.no_coordinator_items(world.region) == []


def test_reader_sees_the_latest_adopted_plan_and_documents(world):
    assert attention_work.plan_items(world.people["reader"], world.municipality)[0].title == (
        "No action plan adopted yet"
    )
    make_plan_version(
        world.municipality, adopted_on=TODAY - timedelta(days=30), by=world.people["coordinator"]
    )
    latest = make_plan_version(world.municipality, adopted_on=TODAY, by=world.people["coordinator"])
    item = attention_work.plan_items(world.people["reader"], world.municipality)[0]
    assert item.title == f"Adopted action plan: {latest.title}"
    assert item.links[0][1].endswith(f"/{world.municipality.pk}/documents/")


def test_follow_up_items_for_head_of_schools_principal_and_teacher(world):
    teacher = world.people["teacher"]
    group = make_group(world.school, name="7A", students=4, teachers=[teacher])
    make_group(world.school, name="7B", students=2)
    round_ = make_followup_round(world.school, by=world.people["principal"])
    manager = attention_followup.manager_items(world.people["head_of_schools"], world.administration)
    assert [label for label, _url in manager[0].links] == [f"Norrbyskolan: {round_}"]
    principal = attention_followup.principal_items(world.people["principal"], world.school)
    assert principal[0].title == f"Follow-up {round_}: 0 of 6 students scored"
    teacher_items = attention_followup.teacher_items(teacher, world.school)
    assert [label for label, _url in teacher_items[0].links] == ["7A: 4 students to score"]
    assert teacher_items[0].links[0][1].endswith(f"/rounds/{round_.pk}/groups/{group.pk}/")
    fill_round(round_)
    assert attention_followup.manager_items(world.people["head_of_schools"], world.administration) == []
    assert attention_followup.teacher_items(teacher, world.school) == []
    assert attention_followup.principal_items(world.people["principal"], world.school)[0].tone == "success"
    assert attention_followup.principal_items(teacher, world.school) == []


def test_every_role_gets_its_items_through_for_membership(world, steam):
    make_assessment_round(world.municipality, steam)
    for persona, expected in (
        ("coordinator", "The gaps to close first"),
        ("regional_officer", "The municipalities' self-assessments"),
        ("reader", "No action plan adopted yet"),
    ):
        items = attention.for_membership(world.people[persona], world.membership(persona))
        assert expected in [i.title for i in items], persona


def test_a_reviewer_without_a_role_still_sees_what_waits_for_them(world, client):
    reviewer = make_user(full_name="Extern Granskare")
    call = make_call(world.region, title="Bidrag", reviewers=[reviewer])
    make_application(call, world.municipality, submit=True)
    client.force_login(reviewer)
    body = client.get("/").content.decode()
    assert "1 application to “Bidrag” waits for your review" in body
    assert "You have no role in any organisation yet" not in body
