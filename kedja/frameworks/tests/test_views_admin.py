"""The site administration's framework pages: staff can browse frameworks, versions, nodes and offers, but
versions and nodes are read-only there (a published version is frozen; drafts change on the framework pages)."""

import pytest
from django.test import Client
from django.urls import reverse

from kedja.frameworks import actions
from kedja.frameworks.factories import make_framework_version
from kedja.organisations.factories import make_user

pytestmark = pytest.mark.django_db


def test_staff_browse_frameworks_and_cannot_change_versions_or_nodes(world):
    version = make_framework_version(owner=world.region, key="norr")
    publication = actions.publish_to_region(version, world.region)
    node = version.nodes.order_by("position").first()
    staff = Client()
    staff.force_login(make_user(is_staff=True, is_superuser=True))
    pages = [
        reverse("admin:frameworks_framework_changelist"),
        reverse("admin:frameworks_framework_change", args=[version.framework_id]),
        reverse("admin:frameworks_frameworkversion_changelist"),
        reverse("admin:frameworks_node_changelist") + f"?framework_version__id__exact={version.pk}",
        reverse("admin:frameworks_publication_change", args=[publication.pk]),
    ]
    for url in pages:
        assert staff.get(url).status_code == 200, url
    framework_page = staff.get(pages[1]).content.decode()
    assert "Test framework v1" in framework_page  # the versions inline
    node_page = staff.get(reverse("admin:frameworks_node_change", args=[node.pk]))
    assert node_page.status_code == 200 and 'name="title"' not in node_page.content.decode()
    before = node.title
    staff.post(reverse("admin:frameworks_node_change", args=[node.pk]), {"title": '{"sv": "Ändrad"}'})
    node.refresh_from_db()
    assert node.title == before
