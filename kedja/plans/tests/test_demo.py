"""The demo's action plan (kedja/plans/demo.py): Örebro's eight actions tied to goals and ranked gaps, one
overdue, an adopted version with a change since; running it again changes nothing."""

import pytest
from django.utils import timezone

from kedja.assessments.demo import build_assessment_demo
from kedja.initiatives.demo import build_initiative_demo
from kedja.organisations.demo import build_demo
from kedja.plans import rules
from kedja.plans.demo import build_plan_demo
from kedja.plans.models import Action, PlanVersion

pytestmark = pytest.mark.django_db


def test_demo_plan_for_orebro():
    people = {}
    build_demo(people)
    build_assessment_demo(people)
    build_initiative_demo(people)
    assert build_plan_demo(people) == 8
    assert build_plan_demo(people) == 0  # idempotent

    actions = list(Action.objects.filter(organisation__code="1880"))
    assert len(actions) == 8 and all(a.goal_id for a in actions)
    today = timezone.localdate()
    assert sum(rules.is_overdue(a, today) for a in actions) == 1
    assert sum(bool(a.gaps) for a in actions) >= 5
    version = PlanVersion.objects.get(organisation__code="1880")
    org = version.organisation
    kinds = sorted(c.kind for c in rules.plan_changes(org, version))
    assert kinds == ["added", "changed"]
    assert rules.coverage(org).counts["priorities"] >= 1
