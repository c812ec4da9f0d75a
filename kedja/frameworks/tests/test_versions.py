"""Versions: a draft until published, then frozen; a new draft copies the latest published tree."""

import pytest
from django.core.exceptions import ValidationError

from kedja.core.concurrency import EditConflict
from kedja.frameworks import actions
from kedja.frameworks.factories import make_framework_version
from kedja.frameworks.models import FrameworkVersion, Node, Publication
from kedja.organisations.factories import make_municipality, make_region, make_user

pytestmark = pytest.mark.django_db


def _tree(version):
    return [(n.code, n.kind, n.title) for n in version.nodes.order_by("position")]


def test_publishing_freezes_a_draft():
    region = make_region()
    alice = make_user()
    draft = make_framework_version(owner=region, publish=False)
    assert draft.is_draft and draft.published_at is None

    actions.publish_version(draft, by=alice)

    draft.refresh_from_db()
    assert draft.status == FrameworkVersion.Status.PUBLISHED
    assert draft.published_at is not None and draft.published_by == alice
    with pytest.raises(ValidationError):
        actions.publish_version(draft, by=alice)


def test_a_version_without_items_cannot_be_published():
    draft = make_framework_version(publish=False)
    draft.nodes.filter(kind=Node.Kind.ITEM).delete()
    with pytest.raises(ValidationError):
        actions.publish_version(draft)
    draft.refresh_from_db()
    assert draft.is_draft


def test_a_published_version_cannot_be_edited():
    version = make_framework_version(publish=True)
    node = version.nodes.get(code="1.a")
    before = dict(node.title)
    with pytest.raises(ValidationError):
        actions.update_node(node, title={"sv": "Ändrad"}, summary={}, expected_version=node.version)
    node.refresh_from_db()
    assert node.title == before and node.version == 0


def test_editing_a_draft_node_with_a_stale_version_is_a_conflict():
    draft = make_framework_version(publish=False)
    mine = draft.nodes.get(code="1.b")
    theirs = Node.objects.get(pk=mine.pk)

    actions.update_node(theirs, title={"sv": "Deras"}, summary={}, expected_version=0)
    with pytest.raises(EditConflict):
        actions.update_node(mine, title={"sv": "Min"}, summary={}, expected_version=0)

    mine.refresh_from_db()
    assert mine.title == {"sv": "Deras"} and mine.version == 1
    actions.update_node(mine, title={"sv": "Min"}, summary={"en": "Mine"}, expected_version=1)
    mine.refresh_from_db()
    assert (mine.title, mine.summary, mine.version) == ({"sv": "Min"}, {"en": "Mine"}, 2)


def test_a_new_draft_copies_the_latest_published_tree_with_the_next_number():
    v1 = make_framework_version(publish=True, items=4, letters_gap=True)
    framework = v1.framework

    draft = actions.start_draft(framework)

    assert (draft.number, draft.is_draft, draft.source) == (2, True, v1.source)
    assert _tree(draft) == _tree(v1)
    assert [n.code for n in draft.items()] == ["1.a", "1.b", "1.d", "1.e", "2.a", "2.b", "2.d", "2.e"]
    assert set(draft.nodes.values_list("pk", flat=True)).isdisjoint(v1.nodes.values_list("pk", flat=True))
    # parents are the draft's own nodes, not version 1's
    assert all(n.parent.framework_version_id == draft.pk for n in draft.nodes.exclude(parent=None))
    assert actions.start_draft(framework) == draft  # one draft at a time

    edited = draft.nodes.get(code="1.a")
    actions.update_node(edited, title={"sv": "Ny titel"}, summary={}, expected_version=edited.version)
    actions.publish_version(draft)
    assert v1.nodes.get(code="1.a").title == {"sv": "Punkt 1a", "en": "Item 1a"}
    assert framework.latest_published() == draft


def test_a_draft_needs_a_published_version_to_start_from():
    draft = make_framework_version(publish=False)
    assert actions.start_draft(draft.framework) == draft
    draft.delete()
    with pytest.raises(ValidationError):
        actions.start_draft(draft.framework)


def test_importing_again_replaces_the_draft_but_keeps_published_versions():
    region = make_region()
    v1 = make_framework_version(owner=region, key="own", publish=True)
    first_draft = make_framework_version(owner=region, key="own", publish=False)
    second_draft = make_framework_version(owner=region, key="own", publish=False)
    assert first_draft.number == second_draft.number == 2
    assert not FrameworkVersion.objects.filter(pk=first_draft.pk).exists()
    assert list(v1.framework.versions.order_by("number")) == [v1, second_draft]


def test_only_a_published_version_can_be_offered_to_a_region():
    region = make_region()
    make_municipality(region)
    bob = make_user()
    draft = make_framework_version(owner=region, publish=False)
    with pytest.raises(ValidationError):
        actions.publish_to_region(draft, region, by=bob)
    assert not Publication.objects.exists()

    actions.publish_version(draft, by=bob)
    publication = actions.publish_to_region(draft, region, by=bob)
    assert (publication.version, publication.region, publication.published_by) == (draft, region, bob)
    assert actions.publish_to_region(draft, region, by=bob) == publication
    assert Publication.objects.count() == 1
