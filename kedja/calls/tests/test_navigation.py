"""Navigation between the parts of calls: the call's page and the list show each person what they can do
there, by role (views_builder.call_links asks the access layer)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kedja.calls.factories import make_application, make_call, make_programme
from kedja.calls.models import Call
from kedja.organisations.factories import make_member, make_user
from kedja.organisations.roles import Role

pytestmark = pytest.mark.django_db


def page_of(client, user, name, *args) -> str:
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def reviewer(world):
    return make_member(world.region, Role.READER, make_user(full_name="Greta Granskare"))


@pytest.fixture
def call(world, reviewer):
    return make_call(world.region, reviewers=[reviewer])


def test_an_applicant_starts_then_sees_their_application(world, client, call):
    coordinator = world.people["coordinator"]
    apply_url = reverse("calls:apply", args=[call.pk])
    page = page_of(client, coordinator, "calls:detail", call.pk)
    assert "Start or continue application" in page and f'href="{apply_url}"' in page
    assert reverse("calls:ranking", args=[call.pk]) not in page
    assert reverse("calls:reviews", args=[call.pk]) not in page
    assert reverse("calls:edit", args=[call.pk]) not in page
    listed = page_of(client, coordinator, "calls:list")
    assert "Start application" in listed and f'href="{apply_url}"' in listed

    application = make_application(call, world.municipality, submit=True)
    mine = reverse("calls:my_application", args=[application.pk])
    page = page_of(client, coordinator, "calls:detail", call.pk)
    assert "Your application" in page and f'href="{mine}"' in page
    assert f'href="{apply_url}"' not in page
    assert f'href="{mine}"' in page_of(client, coordinator, "calls:list")


def test_a_reviewer_sees_applications_to_review_only(client, call, reviewer):
    page = page_of(client, reviewer, "calls:detail", call.pk)
    assert "Applications to review" in page and reverse("calls:reviews", args=[call.pk]) in page
    assert reverse("calls:ranking", args=[call.pk]) not in page
    assert reverse("calls:apply", args=[call.pk]) not in page
    assert reverse("calls:reviews", args=[call.pk]) in page_of(client, reviewer, "calls:list")


def test_the_organiser_sees_builder_ranking_and_files(world, client, call):
    officer = world.people["regional_officer"]
    page = page_of(client, officer, "calls:detail", call.pk)
    for name in ("edit", "preview", "ranking", "decision_pdf", "applications_xlsx"):
        assert reverse(f"calls:{name}", args=[call.pk]) in page, name
    assert "Ranking and decisions" in page
    assert reverse("calls:programme", args=[call.pk]) not in page  # not decided yet
    assert reverse("calls:apply", args=[call.pk]) not in page
    assert reverse("calls:ranking", args=[call.pk]) in page_of(client, officer, "calls:list")

    draft = make_call(world.region, status=Call.Status.DRAFT)
    page = page_of(client, officer, "calls:detail", draft.pk)
    for name in ("edit", "fields", "criteria", "preview"):
        assert reverse(f"calls:{name}", args=[draft.pk]) in page, name
    assert reverse("calls:ranking", args=[draft.pk]) not in page


def test_once_decided_the_organiser_and_participants_see_the_programme(world, client):
    now = timezone.now()
    call = make_call(world.region, opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=30))
    make_programme(call, [world.municipality])
    programme = reverse("calls:programme", args=[call.pk])
    for persona in ("regional_officer", "coordinator", "head_of_schools"):
        page = page_of(client, world.people[persona], "calls:detail", call.pk)
        assert "Programme" in page and f'href="{programme}"' in page, persona
        assert f'href="{programme}"' in page_of(client, world.people[persona], "calls:list"), persona
    coordinator_page = page_of(client, world.people["coordinator"], "calls:detail", call.pk)
    assert reverse("calls:ranking", args=[call.pk]) not in coordinator_page
    assert reverse("calls:apply", args=[call.pk]) not in coordinator_page  # closed: no applying
