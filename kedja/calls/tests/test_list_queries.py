"""The list of calls asks the database a fixed number of times however many calls there are (the access
layer's calls_visible_to narrows the calls in one query instead of a check per call; the links of each row
come from prefetched reviewers and applications). Figures in docs/calls.md."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kedja.calls import access as call_access
from kedja.calls.factories import make_application, make_call
from kedja.calls.models import Application, Call
from kedja.calls.views_builder import visible_calls
from kedja.organisations.factories import make_member, make_municipality, make_user
from kedja.organisations.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # db: query counts


def many_calls(world, reviewer, count: int) -> list[Call]:
    """`count` calls of every kind: open, draft, listed for another municipality, reviewed by `reviewer`,
    and decided with Norrby accepted or not."""
    now = timezone.now()
    other = make_municipality(world.region, name="Östby kommun")
    calls = []
    for n in range(count):
        kind = n % 5
        kwargs = {"from_template": False, "title": f"Call {n}"}
        if kind == 1:
            kwargs["status"] = Call.Status.DRAFT
        elif kind == 2:
            kwargs["eligible_organisations"] = [other]
        elif kind == 3:
            kwargs["reviewers"] = [reviewer]
        elif kind == 4:
            kwargs.update(opens_at=now - timedelta(days=20), closes_at=now - timedelta(days=1))
        call = make_call(world.region, **kwargs)
        if kind == 4:
            application = make_application(call, world.municipality, submit=True)
            decision = Application.Decision.ACCEPTED if n % 2 else Application.Decision.REJECTED
            Application.objects.filter(pk=application.pk).update(decision=decision)
            Call.objects.filter(pk=call.pk).update(status=Call.Status.DECIDED)
        calls.append(call)
    return calls


def queries_for_list(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("calls:list"))
    assert response.status_code == 200
    return len(captured)


PERSONAS = ("coordinator", "regional_officer", "reviewer", "outsider", "teacher")


def test_the_list_asks_a_fixed_number_of_queries_and_shows_what_each_check_allows(client, world):
    reviewer = make_member(world.region, Role.READER, make_user(full_name="Greta Granskare"))
    people = {**world.people, "reviewer": reviewer}
    many_calls(world, reviewer, 10)
    few = {name: queries_for_list(client, people[name]) for name in PERSONAS}
    many_calls(world, reviewer, 40)
    many = {name: queries_for_list(client, people[name]) for name in PERSONAS}
    print(f"\nlist queries, 10 calls: {few}\nlist queries, 50 calls: {many}")  # the figures in the docs
    assert many == few
    for name in PERSONAS:  # the one query shows exactly the calls the per-call check allows
        user = people[name]
        expected = [
            c.pk for c in Call.objects.order_by("-closes_at", "pk") if call_access.can_view_call(user, c)
        ]
        assert [c.pk for c in visible_calls(user)] == expected, name
