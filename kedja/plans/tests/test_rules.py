"""The action plan's rules as plain functions (kedja/plans/rules.py): overdue and due soon at their edges,
coverage of priority items and ranked gaps, the changes since an adopted version, the groupings and the
timeline; and the writes of actions.py they rest on."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kedja.assessments.factories import make_round
from kedja.assessments.models import Priority
from kedja.core.concurrency import EditConflict
from kedja.frameworks.factories import make_framework_version
from kedja.frameworks.selectors import default_framework
from kedja.indicators.factories import make_goal
from kedja.initiatives import gap_report
from kedja.organisations.models import AuditEvent
from kedja.plans import rules
from kedja.plans.actions import adopt_plan, delete_action, drafts_from_selection, save_action
from kedja.plans.factories import make_action, make_plan_version
from kedja.plans.models import Action, ActionStatus

TODAY = date(2026, 5, 12)


def action(status="planned", due=None):
    return SimpleNamespace(status=status, due=due)


# --- overdue and due soon ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "status", "overdue", "soon"),
    [
        (TODAY - timedelta(days=1), "planned", True, False),
        (TODAY, "in_progress", False, True),  # due today is not overdue yet
        (TODAY + timedelta(days=14), "draft", False, True),  # the last day of the window
        (TODAY + timedelta(days=15), "planned", False, False),
        (TODAY - timedelta(days=30), "done", False, False),
        (TODAY - timedelta(days=30), "cancelled", False, False),
        (TODAY + timedelta(days=3), "done", False, False),
        (TODAY - timedelta(days=2), "paused", True, False),
        (None, "planned", False, False),
    ],
)
def test_overdue_and_due_soon_edges(due, status, overdue, soon):
    assert rules.is_overdue(action(status, due), TODAY) is overdue
    assert rules.is_due_soon(action(status, due), TODAY) is soon


def test_due_soon_takes_the_window_in_days():
    assert rules.is_due_soon(action(due=TODAY + timedelta(days=7)), TODAY, days=7)
    assert not rules.is_due_soon(action(due=TODAY + timedelta(days=8)), TODAY, days=7)


# --- coverage ----------------------------------------------------------------------------------------


@pytest.fixture
def steam(db):
    """A published STEAM framework (shipped: no owner) with areas 1, 2 and items 1.a … 2.c."""
    return make_framework_version(key="steam-municipal")


def test_coverage_lists_priority_items_and_ranked_gaps_without_action(world, steam):
    org = world.municipality
    round_ = make_round(org, steam)
    first = Priority.objects.create(round=round_, node=steam.nodes.get(code="1.a"))
    second = Priority.objects.create(round=round_, node=steam.nodes.get(code="2.b"))
    ranked = gap_report.ranked_gaps(org, default_framework(), timezone.localdate())
    assert ranked, "without initiatives every cell is a gap"

    before = rules.coverage(org)
    assert [g.gap for g in before.gaps] == ranked  # the same list, in the same order, as the gap page
    assert before.counts == {
        "priorities": 2,
        "priorities_without_action": 2,
        "gaps": len(ranked),
        "gaps_without_action": len(ranked),
    }

    top = ranked[0]
    make_action(org, gaps=[rules.gap_cell(rules.gap_key(top))])  # answers the top gap
    make_action(org, priorities=[first])  # answers the first priority
    make_action(org, items=[second.node])  # the item answers it too
    make_action(org, status=ActionStatus.CANCELLED, gaps=[rules.gap_cell(rules.gap_key(ranked[1]))])

    after = rules.coverage(org)
    assert after.counts["priorities_without_action"] == 0
    assert after.counts["gaps_without_action"] == len(ranked) - 1  # a cancelled action answers nothing
    assert rules.gap_key(top) not in {rules.gap_key(g.gap) for g in after.uncovered_gaps}
    assert rules.gap_key(ranked[1]) in {rules.gap_key(g.gap) for g in after.uncovered_gaps}


def test_coverage_of_an_organisation_without_gap_analysis_is_empty(world, steam):
    cover = rules.coverage(world.region)
    assert cover.gaps == [] and cover.priorities == []


def test_drafts_from_selection_creates_tied_drafts_in_one_step(world, steam):
    org = world.municipality
    round_ = make_round(org, steam)
    priority = Priority.objects.create(round=round_, node=steam.nodes.get(code="2.a"), note="Svagast")
    top = rules.coverage(org).uncovered_gaps[0].gap
    goal = make_goal(org, title="Fler väljer teknik", gaps=[rules.gap_cell(rules.gap_key(top))])

    created = drafts_from_selection(org, gaps=[top], priorities=[priority], by=world.people["coordinator"])

    assert len(created) == 2 and all(a.status == ActionStatus.DRAFT for a in created)
    gap_action, item_action = created
    assert gap_action.gaps == [rules.gap_cell(rules.gap_key(top))]
    assert gap_action.goal == goal  # the goal that names the same gap
    assert top.stage_label in gap_action.title
    assert list(item_action.priorities.all()) == [priority]
    assert [n.code for n in item_action.items.all()] == ["2.a"]
    assert item_action.title.startswith("Work on 2.a")
    assert rules.coverage(org).counts["priorities_without_action"] == 0
    assert AuditEvent.objects.filter(verb="plan.action_created").count() == 2


# --- writes ------------------------------------------------------------------------------------------


def test_save_action_refuses_broken_rules(world):
    org, other = world.municipality, world.other_municipality
    foreign_goal = make_goal(other)
    data = {
        "title": " ",
        "starts": date(2026, 5, 1),
        "due": date(2026, 4, 1),
        "progress": 120,
        "goal": foreign_goal,
        "gaps": [{"stage": "nowhere", "area": "1"}],
    }
    with pytest.raises(ValidationError) as caught:
        save_action(None, data=data, by=None, organisation=org)
    assert set(caught.value.message_dict) == {"title", "due", "progress", "goal", "gaps"}
    assert not Action.objects.exists()


def test_save_action_is_versioned(world):
    saved = make_action(world.municipality, title="Teknikdagar")
    save_action(saved, data={"progress": 40}, by=None, expected_version=0)
    with pytest.raises(EditConflict):
        save_action(saved, data={"progress": 50}, by=None, expected_version=0)
    assert Action.objects.get(pk=saved.pk).progress == 40


def test_adopting_freezes_a_numbered_version_and_plans_the_drafts(world):
    org = world.municipality
    draft = make_action(org, title="Utkast", status=ActionStatus.DRAFT, due=date(2026, 9, 1))
    with pytest.raises(ValidationError) as caught:
        adopt_plan(org, title="", adopted_on=date(2999, 1, 1), adopted_by_body="", by=None)
    assert set(caught.value.message_dict) == {"title", "adopted_on", "adopted_by_body"}

    first = make_plan_version(org, adopted_on=date(2026, 2, 1))
    second = make_plan_version(org, adopted_on=date(2026, 3, 1))
    assert (first.number, second.number) == (1, 2)
    draft.refresh_from_db()
    assert draft.status == ActionStatus.PLANNED
    record = first.snapshot["actions"][0]
    assert record["title"] == "Utkast" and record["status"] == "planned" and record["due"] == "2026-09-01"


# --- changes since the adopted version -----------------------------------------------------------------


def test_plan_changes_since_an_adopted_version(world):
    org = world.municipality
    goal = make_goal(org, title="Fler väljer teknik")
    kept = make_action(org, title="Oförändrad", due=date(2026, 6, 1))
    changed = make_action(org, title="Ändras", due=date(2026, 6, 1), progress=10)
    removed = make_action(org, title="Tas bort")
    version = make_plan_version(org, adopted_on=date(2026, 2, 1))
    assert rules.plan_changes(org, version) == []

    save_action(
        changed,
        data={"status": ActionStatus.IN_PROGRESS, "progress": 60, "due": date(2026, 9, 30), "goal": goal},
        by=None,
    )
    delete_action(removed, by=None)
    added = make_action(org, title="Ny")

    changes = {c.title: c for c in rules.plan_changes(org, version)}
    assert set(changes) == {"Ändras", "Tas bort", "Ny"}
    assert kept.title not in changes
    assert changes["Ny"].kind == "added" and changes["Ny"].action_id == added.pk
    assert changes["Tas bort"].kind == "removed" and changes["Tas bort"].action is None
    fields = {f.name: (f.before, f.after) for f in changes["Ändras"].fields}
    assert set(fields) == {"status", "progress", "due", "goal"}
    assert fields["status"] == ("Planned", "In progress")
    assert fields["progress"] == ("10 %", "60 %")
    assert fields["goal"] == ("No goal", "Fler väljer teknik")
    assert [c.kind for c in rules.plan_changes(org, version)][-1] == "removed"


# --- groupings and the timeline ----------------------------------------------------------------------


def test_groupings_by_goal_area_and_function(world, steam):
    org = world.municipality
    goal = make_goal(org, title="Mål A")
    a = make_action(
        org, title="A", goal=goal, responsible_function="Grundskolan", gaps=[{"stage": "f3", "area": "2"}]
    )
    b = make_action(org, title="B", responsible_function=" grundskolan ", items=[steam.nodes.get(code="1.a")])
    c = make_action(org, title="C", responsible_function="")
    actions = list(rules.plan_actions(org))

    by_goal = rules.actions_by(actions, "goal")
    assert [(g.label, [x.title for x in g.actions]) for g in by_goal] == [
        ("Mål A", ["A"]),
        ("No goal", ["B", "C"]),
    ]
    by_area = rules.actions_by(actions, "area")
    assert [(g.key, [x.pk for x in g.actions]) for g in by_area] == [
        ("1", [b.pk]),
        ("2", [a.pk]),
        ("", [c.pk]),
    ]
    by_function = rules.actions_by(actions, "function")
    assert [(g.label, len(g.actions)) for g in by_function] == [
        ("Grundskolan", 2),
        ("No responsible function", 1),
    ]
    with pytest.raises(ValueError):
        rules.actions_by(actions, "colour")


def test_timeline_buckets_starts_and_due_by_month(world):
    org = world.municipality
    make_action(org, title="Vår", starts=date(2026, 2, 3), due=date(2026, 4, 30))
    make_action(org, title="April", due=date(2026, 4, 1))
    make_action(org, title="Odaterad")
    line = rules.timeline(rules.plan_actions(org))
    assert [m.key for m in line.months] == ["2026-02", "2026-04"]
    assert [a.title for a in line.months[0].starting] == ["Vår"]
    assert sorted(a.title for a in line.months[1].due) == ["April", "Vår"]
    assert [a.title for a in line.undated] == ["Odaterad"]


def test_the_coverage_list_and_the_changes_since_adoption_download_as_excel(client, world, steam):
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    from kedja.plans.factories import make_plan_version

    org = world.municipality
    round_ = make_round(org, steam)
    priority = Priority.objects.create(round=round_, node=steam.nodes.get(code="1.a"))
    ranked = gap_report.ranked_gaps(org, default_framework(), timezone.localdate())
    make_action(
        org, title="Teknikdagar", gaps=[rules.gap_cell(rules.gap_key(ranked[0]))], priorities=[priority]
    )
    version = make_plan_version(org, adopted_on=date(2026, 2, 1))
    moved = make_action(org, title="Ny efter antagandet")
    client.force_login(world.people["teacher"])

    response = client.get(reverse("plans:coverage_xlsx", args=[org.pk]))
    assert response.status_code == 200 and "tackning-norrby-kommun" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Prioriterade punkter", "Glapp"]
    priorities = list(book["Prioriterade punkter"].iter_rows(values_only=True))
    assert priorities[0] == ("Punkt", "Prioriterad punkt", "Självskattning", "Aktiviteter", "Har aktivitet")
    assert priorities[1][0] == "1.a" and priorities[1][3] == "Teknikdagar" and priorities[1][4] == "Ja"
    gaps = list(book["Glapp"].iter_rows(values_only=True))
    assert len(gaps) == 1 + len(ranked) and gaps[1][0] == 1 and gaps[1][4] == "Teknikdagar"
    assert all(row[5] == "Nej" for row in gaps[2:])

    response = client.get(reverse("plans:version_changes_xlsx", args=[version.pk]))
    assert response.status_code == 200 and "version-1" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Aktivitet", "Förändring", "Uppgift", "Före", "Nu")
    assert rows[1][0] == moved.title and rows[1][1] in ("Tillagd", "Tillagt", "Added")
    assert len(rows) == 2
