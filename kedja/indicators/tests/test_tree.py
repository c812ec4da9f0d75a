"""The goal tree every page and file walks (indicators.tree.goal_tree): depth first, siblings by position."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kedja.indicators.factories import make_goal, make_indicator
from kedja.indicators.models import Goal
from kedja.indicators.tree import goal_tree
from kedja.organisations.factories import make_municipality

pytestmark = pytest.mark.django_db


def test_goals_come_depth_first_with_their_depth_and_siblings_by_position():
    org, other = make_municipality(name="Norrby kommun"), make_municipality(name="Söderby kommun")
    second = make_goal(org, title="B")
    first = make_goal(org, title="A")
    Goal.objects.filter(pk=second.pk).update(position=2)
    Goal.objects.filter(pk=first.pk).update(position=1)
    sub = make_goal(org, parent=first, title="A.1")
    action = make_goal(org, parent=sub, kind="action", title="A.1.a")
    make_goal(other, title="Annan kommun")
    tree = goal_tree(org)
    assert [(goal.title, depth) for goal, depth in tree] == [("A", 0), ("A.1", 1), ("A.1.a", 2), ("B", 0)]
    assert tree[2][0] == action


def test_indicators_are_read_in_one_query_for_the_whole_tree():
    org = make_municipality(name="Norrby kommun")
    main = make_goal(org, title="Mål")
    for n in range(3):
        sub = make_goal(org, parent=main, title=f"Del {n}")
        make_indicator(org, goal=sub, name=f"Ind {n}", values={2024: 10.0 + n})
    with CaptureQueriesContext(connection) as queries:
        tree = goal_tree(org, indicators=True)
        names = [i.name for goal, _depth in tree for i in goal.indicators.all()]
        values = [v.value for goal, _depth in tree for i in goal.indicators.all() for v in i.values.all()]
    assert names == ["Ind 0", "Ind 1", "Ind 2"] and values == [10.0, 11.0, 12.0]
    assert len(queries) == 3  # goals, their indicators, the indicators' values
