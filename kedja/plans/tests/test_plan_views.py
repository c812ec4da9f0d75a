"""The action plan's pages (kedja/plans/views_plan.py): drafting actions from gaps and priority items in one
step, editing with a stale version (409, nothing typed lost), adopting and following up, the plan's views
with overdue marked in text, the Excel file read back, the start page's items and the e-mail reminders."""

import io
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kedja.assessments.factories import make_round
from kedja.assessments.models import Priority
from kedja.frameworks.actions import load_shipped_frameworks
from kedja.frameworks.factories import make_framework_version
from kedja.home import attention
from kedja.indicators.factories import make_goal
from kedja.organisations.models import AuditEvent
from kedja.plans import rules
from kedja.plans.exports import HEADERS
from kedja.plans.factories import make_action, make_plan_version
from kedja.plans.models import Action, ActionStatus, PlanVersion
from kedja.plans.reminders import send_reminders

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def login(client, world, persona):
    client.force_login(world.people[persona])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def steam(db):
    return make_framework_version(key="steam-municipal")


def test_drafts_from_gaps_and_priorities_in_one_step(client, world, steam):
    org = world.municipality
    priority = Priority.objects.create(round=make_round(org, steam), node=steam.nodes.get(code="1.b"))
    login(client, world, "coordinator")
    url = reverse("plans:from_gaps", args=[org.pk])
    page = client.get(url)
    assert page.status_code == 200
    top = rules.coverage(org).uncovered_gaps[0]
    assert f'value="{top.value}"' in page.content.decode()
    assert f'value="{priority.pk}"' in page.content.decode()

    empty = client.post(url, {})
    assert empty.status_code == 400 and "Tick at least one gap or priority item." in empty.content.decode()

    done = client.post(url, {"gaps": [top.value], "priorities": [str(priority.pk)]})
    assert done.status_code == 302 and done["Location"] == reverse("plans:plan", args=[org.pk])
    assert Action.objects.filter(organisation=org, status=ActionStatus.DRAFT).count() == 2
    again = client.get(url).content.decode()
    assert f'value="{top.value}"' not in again  # it has an action now
    assert f'value="{priority.pk}"' not in again


def test_a_stale_edit_is_a_conflict_and_keeps_what_was_typed(client, world):
    org = world.municipality
    goal = make_goal(org, title="Fler väljer teknik")
    saved = make_action(org, title="Teknikdagar", due=date(2026, 10, 1))
    login(client, world, "coordinator")
    url = reverse("plans:action_edit", args=[saved.pk])
    assert client.get(url).status_code == 200
    data = {
        "version": "0",
        "title": "Teknikdagar för alla i åk 8",
        "goal": str(goal.pk),
        "responsible_function": "Grundskoleavdelningen",
        "responsible_people": [str(world.people["principal"].pk)],
        "starts": "2026-08-15",
        "due": "2026-11-30",
        "status": "in_progress",
        "progress": "25",
    }
    bad = client.post(url, {**data, "due": "2026-08-01"})
    assert bad.status_code == 400
    assert "The due date is before the start date." in bad.content.decode()
    assert "Teknikdagar för alla i åk 8" in bad.content.decode()

    Action.objects.filter(pk=saved.pk).update(version=1, progress=5)  # someone else saved meanwhile
    conflict = client.post(url, data)
    body = conflict.content.decode()
    assert conflict.status_code == 409
    assert "Someone else saved this action while you were editing" in body
    assert "Teknikdagar för alla i åk 8" in body and "Grundskoleavdelningen" in body

    ok = client.post(url, {**data, "version": "1"})
    assert ok.status_code == 302
    saved.refresh_from_db()
    assert (saved.title, saved.goal, saved.progress, saved.due) == (
        "Teknikdagar för alla i åk 8",
        goal,
        25,
        date(2026, 11, 30),
    )
    assert list(saved.responsible_people.all()) == [world.people["principal"]]


def test_adopt_then_follow_up_against_the_version(client, world):
    org = world.municipality
    first = make_action(org, title="Teknikdagar", status=ActionStatus.DRAFT)
    login(client, world, "coordinator")
    url = reverse("plans:adopt", args=[org.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"title": "Handlingsplan", "adopted_on": "", "adopted_by_body": ""})
    assert bad.status_code == 400 and not PlanVersion.objects.exists()

    done = client.post(
        url,
        {
            "title": "Handlingsplan STEAM 2026",
            "adopted_on": "2026-02-10",
            "adopted_by_body": "Barn- och utbildningsnämnden",
            "decision_reference": "BUN § 12",
        },
    )
    version = PlanVersion.objects.get(organisation=org)
    assert done.status_code == 302 and done["Location"] == reverse("plans:version", args=[version.pk])
    assert version.number == 1 and version.recorded_by == world.people["coordinator"]
    assert AuditEvent.objects.filter(verb="plan.adopted").exists()

    page = client.get(done["Location"]).content.decode()
    assert "Nothing has changed since this version was adopted." in page
    Action.objects.filter(pk=first.pk).update(progress=50, status=ActionStatus.IN_PROGRESS)
    page = client.get(done["Location"]).content.decode()
    assert "Changed" in page and "0 % → 50 %" in page and "Planned → In progress" in page
    assert (
        "Barn- och utbildningsnämnden"
        in client.get(reverse("plans:versions", args=[org.pk])).content.decode()
    )


def test_the_plan_views_mark_overdue_and_due_soon_in_text(client, world, steam):
    org = world.municipality
    goal = make_goal(org, title="Fler väljer teknik")
    make_action(
        org, title="Försenad", goal=goal, due=TODAY - timedelta(days=3), gaps=[{"stage": "f3", "area": "1"}]
    )
    make_action(org, title="Snart", due=TODAY + timedelta(days=5), responsible_function="Gymnasiet")
    make_action(org, title="Klar", due=TODAY - timedelta(days=3), status=ActionStatus.DONE)
    login(client, world, "reader")
    url = reverse("plans:plan", args=[org.pk])
    for view in ("goal", "area", "function", "timeline"):
        page = client.get(url, {"view": view})
        assert page.status_code == 200, view
        body = page.content.decode()
        assert body.count(">Overdue<") == 1 and body.count(">Due soon<") == 1, view
        assert reverse("plans:action_create", args=[org.pk]) not in body  # a reader changes nothing
    assert client.get(url, {"view": "colour"}).status_code == 404
    filtered = client.get(url, {"status": "done"}).content.decode()
    assert "Klar" in filtered and "Försenad" not in filtered
    by_area = client.get(url, {"view": "area"}).content.decode()
    assert "1 Area 1" in by_area  # the area of the gap the overdue action answers


def test_the_excel_file_reads_back_with_types(client, world):
    org = world.municipality
    make_action(
        org,
        title="=Teknikdagar",
        starts=date(2030, 3, 1),
        due=date(2030, 6, 30),
        progress=40,
        resource_hours=120,
        resource_money=25000,
    )
    login(client, world, "teacher")
    response = client.get(reverse("plans:plan_xlsx", args=[org.pk]))
    assert response.status_code == 200
    assert "handlingsplan-norrby-kommun" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and "Klart senast" in rows[0]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Aktivitet"] == "'=Teknikdagar"  # formula injection guarded
    assert row["Start"].date() == date(2030, 3, 1) and row["Klart senast"].date() == date(2030, 6, 30)
    assert row["Framsteg (%)"] == 40 and row["Tid (timmar)"] == 120 and row["Pengar (kr)"] == 25000
    assert row["Status"] in ("Planerad", "Planned") and row["Försenad"] == "Nej"


def test_start_page_items_for_the_people_responsible(world):
    principal = world.people["principal"]
    org = world.municipality
    make_action(org, title="Försenad", due=TODAY - timedelta(days=1), people=[principal])
    make_action(org, title="Snart", due=TODAY + timedelta(days=10), people=[principal])
    make_action(org, title="Senare", due=TODAY + timedelta(days=40), people=[principal])
    make_action(org, title="Inte min", due=TODAY - timedelta(days=1))
    items = attention.plan_items(principal, TODAY)
    assert [i.title for i in items] == [
        "1 of your actions is overdue",
        "1 of your actions is due within two weeks",
    ]
    assert "Försenad" in items[0].links[0][0] and items[0].tone == "warning"
    assert items[1].links[0][1].endswith(f"#action-{Action.objects.get(title='Snart').pk}")
    assert attention.plan_items(world.people["teacher"], TODAY) == []


@pytest.mark.db  # the reminder looks itself up by keys inside a JSON field
def test_reminders_once_per_action_and_due_date(world):
    principal, coordinator = world.people["principal"], world.people["coordinator"]
    org = world.municipality
    overdue = make_action(org, title="Försenad", due=TODAY - timedelta(days=2), people=[principal])
    soon = make_action(org, title="Snart", due=TODAY + timedelta(days=7), people=[principal, coordinator])
    make_action(org, title="Senare", due=TODAY + timedelta(days=8), people=[principal])
    make_action(org, title="Klar", due=TODAY, status=ActionStatus.DONE, people=[principal])

    # Two actions are queued for the task worker (run inline in tests); it e-mails three people.
    assert send_reminders(today=TODAY, base_url="https://kedja.example.se") == 2
    assert len(mail.outbox) == 3
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("Försenad" in s for s in subjects) and sum("Snart" in s for s in subjects) == 2
    assert "https://kedja.example.se/plans/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(verb="plan.reminder", detail__action=overdue.pk).count() == 1

    call_command("plan_reminders", stdout=io.StringIO())  # a second run sends nothing new
    assert len(mail.outbox) == 3
    Action.objects.filter(pk=soon.pk).update(due=TODAY + timedelta(days=6))  # a new due date: reminded again
    assert send_reminders(today=TODAY) == 1
    assert len(mail.outbox) == 5


def test_a_reminder_goes_through_the_task_worker_and_a_failure_is_retried_next_run(
    world, monkeypatch, settings
):
    from kedja.plans import reminders

    principal = world.people["principal"]
    action = make_action(world.municipality, title="Snart", due=TODAY + timedelta(days=3), people=[principal])
    # A backend that only stores what is queued (as a worker that has not run yet): nothing is e-mailed.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    assert send_reminders(today=TODAY) == 1 and mail.outbox == []
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

    def refuse(**kwargs):
        raise OSError("the mail server is down")

    monkeypatch.setattr(reminders, "send_mail", refuse)
    with pytest.raises(reminders.MailNotSent):
        reminders.send_action_reminder.call(action.pk, action.due.isoformat(), TODAY.isoformat())
    assert not AuditEvent.objects.filter(verb="plan.reminder", detail__action=action.pk).exists()
    monkeypatch.undo()
    assert reminders.send_action_reminder.call(action.pk, action.due.isoformat(), TODAY.isoformat()) == 1
    assert reminders.send_action_reminder.call(action.pk, action.due.isoformat(), TODAY.isoformat()) == 0


def test_deleting_an_action(client, world):
    doomed = make_action(world.municipality, title="Tas bort")
    make_plan_version(world.municipality, adopted_on=date(2026, 1, 10))
    login(client, world, "admin")
    response = client.post(reverse("plans:action_delete", args=[doomed.pk]))
    assert response.status_code == 302 and not Action.objects.filter(pk=doomed.pk).exists()
    assert AuditEvent.objects.filter(verb="plan.action_deleted").exists()


def test_one_click_drafts_an_action_for_a_municipality_wide_gap(client, world):
    load_shipped_frameworks()
    org = world.municipality
    login(client, world, "coordinator")
    url = reverse("plans:from_gaps", args=[org.pk])
    whole = next(g for g in rules.coverage(org).uncovered_gaps if g.gap.stage == "whole")
    assert whole.value == "whole|area|1"
    assert f'value="{whole.value}"' in client.get(url).content.decode()
    done = client.post(url, {"gaps": [whole.value]})
    assert done.status_code == 302
    action = Action.objects.get(organisation=org)
    assert action.gaps == [{"stage": "whole", "area": "1"}]
    assert action.title == "Close the gap: Whole municipality – 1 Strategic governance and coordination"
    assert f'value="{whole.value}"' not in client.get(url).content.decode()  # answered now
