import pytest
from django.conf import settings
from django.urls import reverse

from kedja.assessments.factories import add_respondent, answer_all, make_round
from kedja.assessments.models import Priority
from kedja.frameworks.factories import make_framework_version
from kedja.frameworks.models import Node

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(world):
    version = make_framework_version(areas=2, items=2)
    round_ = make_round(world.municipality, version)
    answer_all(add_respondent(round_, world.people["coordinator"]), [1, 2, 3, 4])
    return round_


def item(round_, code) -> Node:
    return round_.framework_version.nodes.get(code=code)


def as_person(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(round_, node):
    return reverse("assessments:priority", args=[round_.pk, node.pk])


def test_coordinator_marks_an_item_and_sees_it_in_the_priority_list(client, world, round_):
    node = item(round_, "1.b")
    c = as_person(client, world.people["coordinator"])
    response = c.post(url(round_, node), {"action": "mark", "note": "Ingen har ansvaret – åtgärda först"})
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:result", args=[round_.pk]) + "#item-1.b"
    priority = Priority.objects.get(round=round_)
    assert priority.node == node and priority.note == "Ingen har ansvaret – åtgärda först"
    assert priority.created_by == world.people["coordinator"]
    page = c.get(response["Location"]).content.decode()
    top = page[page.index('id="priorities"') : page.index('id="area-profile-heading"')]
    assert 'href="#item-1.b"' in top and "Ingen har ansvaret – åtgärda först" in top
    assert "1.b is marked as a priority." in page  # the message after the redirect
    block = page[page.index(f'id="priority-{node.pk}"') :]
    assert "Remove the priority" in block[: block.index("</form>", block.index("Remove the priority"))]


def test_marking_again_changes_the_note_and_unmarking_removes_it(client, world, round_):
    node = item(round_, "2.a")
    c = as_person(client, world.people["admin"])
    c.post(url(round_, node), {"action": "mark", "note": "Först"})
    c.post(url(round_, node), {"action": "mark", "note": "Sedan"})
    assert list(Priority.objects.values_list("note", flat=True)) == ["Sedan"]
    response = c.post(url(round_, node), {"action": "unmark"})
    assert response.status_code == 302 and not Priority.objects.exists()
    page = c.get(reverse("assessments:result", args=[round_.pk])).content.decode()
    assert "No item is marked as a priority yet." in page


def test_htmx_gets_the_items_block_and_the_list_out_of_band(client, world, round_):
    node = item(round_, "1.a")
    c = as_person(client, world.people["coordinator"])
    response = c.post(
        url(round_, node), {"action": "mark", "note": "Viktigt"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<main" not in html
    assert html.lstrip().startswith(f'<div id="priority-{node.pk}"')
    assert 'role="status"' in html and "1.a is marked as a priority." in html
    assert 'id="priorities"' in html and 'hx-swap-oob="true"' in html and 'href="#item-1.a"' in html
    assert Priority.objects.filter(round=round_, node=node, note="Viktigt").exists()

    response = c.post(url(round_, node), {"action": "unmark"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "1.a is no longer a priority." in html
    assert "No item is marked as a priority yet." in html
    assert not Priority.objects.exists()


def test_a_too_long_note_is_refused_beside_the_field_and_kept(client, world, round_):
    node = item(round_, "1.a")
    note = "Å" * 2001
    c = as_person(client, world.people["coordinator"])
    response = c.post(url(round_, node), {"action": "mark", "note": note})
    assert response.status_code == 400
    page = response.content.decode()
    block = page[page.index(f'id="priority-{node.pk}"') :]
    assert f"priority-{node.pk}-note_error" in block and note in block
    assert '<details class="ds-details kedja-priority-edit" open>' in block
    response = c.post(url(round_, node), {"action": "mark", "note": note}, headers={"HX-Request": "true"})
    assert response.status_code == 200  # htmx swaps only 2xx; the errors show beside the field
    assert f"priority-{node.pk}-note_error" in response.content.decode()
    assert note in response.content.decode()
    assert not Priority.objects.exists()


def test_an_unknown_action_is_refused(client, world, round_):
    c = as_person(client, world.people["coordinator"])
    response = c.post(url(round_, item(round_, "1.a")), {"action": "delete-everything"})
    assert response.status_code == 400 and not Priority.objects.exists()


def test_an_item_of_another_framework_or_an_area_is_not_found(client, world, round_):
    c = as_person(client, world.people["coordinator"])
    foreign = make_framework_version(areas=1, items=1).items().get()
    assert c.post(url(round_, foreign), {"action": "mark"}).status_code == 404
    assert c.post(url(round_, item(round_, "1")), {"action": "mark"}).status_code == 404
    assert not Priority.objects.exists()


@pytest.mark.parametrize("persona", ["reader", "head_of_schools"])
def test_readers_and_leadership_see_priorities_but_cannot_mark(client, world, round_, persona):
    node = item(round_, "1.a")
    as_person(client, world.people["coordinator"]).post(
        url(round_, node), {"action": "mark", "note": "Viktigt"}
    )
    c = as_person(client, world.people[persona])
    page = c.get(reverse("assessments:result", args=[round_.pk])).content.decode()
    assert "Viktigt" in page and 'href="#item-1.a"' in page
    assert "Remove the priority" not in page and "hx-post" not in page
    assert c.post(url(round_, node), {"action": "unmark"}).status_code == 403
    assert Priority.objects.exists()


@pytest.mark.parametrize("persona", ["teacher", "regional_officer", "outsider"])
def test_others_get_not_found(client, world, round_, persona):
    c = as_person(client, world.people[persona])
    assert c.post(url(round_, item(round_, "1.a")), {"action": "mark"}).status_code == 404
    assert not Priority.objects.exists()
