"""The framework pages as the people who use them: list, versions, the tree, export, drafts and offers."""

import json
import re

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.urls import reverse

from kedja.frameworks import actions, schema
from kedja.frameworks.factories import framework_data, make_framework_version
from kedja.frameworks.models import Framework, Publication
from kedja.frameworks.views import node_tree

pytestmark = pytest.mark.django_db


def client_for(user, language: str = "en") -> Client:
    """Signed in, reading the pages in English (the source strings), unless asked otherwise."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def deep_version(owner, *, publish=False):
    """A framework with an area → group → item branch (three levels), the source's own gaps, a summary
    in two languages and a source note."""
    data = framework_data(key="deep", areas=1, items=1)
    data["source"] = "Regional STEAM framework 2026, our own words"
    data["nodes"][0]["summary"] = {"sv": "Kommunövergripande strategi", "en": "A municipality-wide strategy"}
    data["nodes"][0]["children"] = [
        {"number": "a", "title": {"sv": "Analysera nuläget", "en": "Analyse the current state"}},
        {
            "number": "g",
            "kind": "group",
            "title": {"sv": "Långsiktighet", "en": "Endurance"},
            "children": [
                {"number": "i", "title": {"sv": "Långsiktig finansiering", "en": "Long-term funding"}}
            ],
        },
    ]
    return actions.import_framework(schema.parse(data), owner=owner, publish=publish)


# --- the list ------------------------------------------------------------------------------------


def test_list_shows_shipped_and_own_frameworks_with_versions_and_drafts(world):
    make_framework_version(key="shipped-one")
    own = make_framework_version(owner=world.municipality, key="own")
    actions.start_draft(own.framework)
    response = client_for(world.people["coordinator"]).get(reverse("frameworks:list"))
    body = response.content.decode()
    assert "Shipped with Kedja" in body and "Norrby kommun" in body
    assert "Draft in progress" in body
    rows = re.findall(r"<tr>.*?</tr>", body, re.S)
    own_row = next(r for r in rows if "Norrby kommun" in r)
    assert re.search(r"<td>1</td>", own_row)  # latest published version number, while version 2 is a draft
    # the coordinator cannot import (no admin role): no button
    assert reverse("frameworks:import") not in body


def test_list_hides_another_regions_frameworks_and_shows_import_to_admins(world):
    make_framework_version(owner=world.other_region, key="syd-only")
    response = client_for(world.people["admin"]).get(reverse("frameworks:list"))
    body = response.content.decode()
    assert "Region Syd" not in body
    assert reverse("frameworks:import") in body


def test_list_query_count_does_not_grow_with_frameworks(world, django_assert_max_num_queries):
    client = client_for(world.people["regional_officer"])
    client.get(reverse("frameworks:list"))  # warm the session
    for i in range(8):
        version = make_framework_version(owner=world.region, key=f"many-{i}")
        actions.start_draft(version.framework)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("frameworks:list"))
    assert response.content.decode().count("Draft in progress") == 8


# --- a framework's page ----------------------------------------------------------------------------


def test_regional_officer_sees_versions_can_start_a_draft_and_offer(world):
    version = make_framework_version(owner=world.region, key="norr")
    response = client_for(world.people["regional_officer"]).get(
        reverse("frameworks:detail", args=[version.framework_id])
    )
    body = response.content.decode()
    assert "Version 1" in body and "Published" in body
    assert reverse("frameworks:start_draft", args=[version.framework_id]) in body
    assert reverse("frameworks:offer", args=[version.pk]) in body
    assert "Offer version 1 to the municipalities of Region Norr" in body
    assert f"{reverse('frameworks:export', args=[version.pk])}?format=json" in body


def test_coordinator_sees_the_offered_framework_but_cannot_change_or_offer_it(world):
    version = make_framework_version(owner=world.region, key="norr")
    actions.publish_to_region(version, world.region)
    client = client_for(world.people["coordinator"])
    response = client.get(reverse("frameworks:detail", args=[version.framework_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Region Norr: version 1" in body  # where it is offered
    assert reverse("frameworks:offer", args=[version.pk]) not in body
    assert reverse("frameworks:start_draft", args=[version.framework_id]) not in body
    response = client.post(reverse("frameworks:offer", args=[version.pk]), {"region": world.region.pk})
    assert response.status_code == 403


def test_outsider_gets_404_for_another_regions_framework(world):
    version = make_framework_version(owner=world.region, key="norr")
    actions.publish_to_region(version, world.region)
    client = client_for(world.people["outsider"])
    for name, arg in (
        ("frameworks:detail", version.framework_id),
        ("frameworks:version", version.pk),
        ("frameworks:export", version.pk),
    ):
        assert client.get(reverse(name, args=[arg])).status_code == 404
    assert client.post(reverse("frameworks:start_draft", args=[version.framework_id])).status_code == 404


def test_offering_makes_the_framework_visible_in_the_regions_municipalities(world):
    version = make_framework_version(owner=world.region, key="norr")
    principal = client_for(world.people["principal"])
    assert principal.get(reverse("frameworks:detail", args=[version.framework_id])).status_code == 404
    response = client_for(world.people["regional_officer"]).post(
        reverse("frameworks:offer", args=[version.pk]), {"region": world.region.pk}, follow=True
    )
    assert "now offered to the municipalities of Region Norr" in response.content.decode()
    assert Publication.objects.filter(version=version, region=world.region).exists()
    assert principal.get(reverse("frameworks:detail", args=[version.framework_id])).status_code == 200


def test_a_region_cannot_be_offered_by_someone_elses_officer_nor_a_draft(world):
    version = make_framework_version(key="shipped")
    officer = client_for(world.people["regional_officer"])
    response = officer.post(reverse("frameworks:offer", args=[version.pk]), {"region": world.other_region.pk})
    assert response.status_code == 403
    assert officer.post(reverse("frameworks:offer", args=[version.pk]), {"region": "x"}).status_code == 403
    draft = make_framework_version(owner=world.region, key="drafty", publish=False)
    response = officer.post(
        reverse("frameworks:offer", args=[draft.pk]), {"region": world.region.pk}, follow=True
    )
    assert "Only a published version can be offered" in response.content.decode()
    assert not Publication.objects.exists()


# --- a version's tree ------------------------------------------------------------------------------


def test_version_page_shows_the_tree_at_any_depth_with_the_sources_numbering(world):
    version = deep_version(world.municipality, publish=True)
    client = client_for(world.people["coordinator"], language="sv")
    body = client.get(reverse("frameworks:version", args=[version.pk])).content.decode()
    for code, title in (
        ("1", "Område 1"),
        ("1.a", "Analysera nuläget"),
        ("1.g", "Långsiktighet"),
        ("1.g.i", "Långsiktig finansiering"),
    ):
        assert re.search(
            rf'kedja-code">{re.escape(code)}</span>\s*(<span class="kedja-node-title">)?{title}', body
        ), code
    assert "Kommunövergripande strategi" in body and "Regional STEAM framework 2026" in body
    assert "node_edit" not in body and "/edit/" not in body  # published: no edit links
    # in the reader's language
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("frameworks:version", args=[version.pk])).content.decode()
    assert "Long-term funding" in body and "A municipality-wide strategy" in body


def test_draft_shows_edit_links_and_publish_only_to_people_who_may_change_it(world):
    draft = deep_version(world.municipality)
    node = draft.nodes.get(code="1.g.i")
    admin_body = (
        client_for(world.people["admin"]).get(reverse("frameworks:version", args=[draft.pk])).content.decode()
    )
    assert reverse("frameworks:node_edit", args=[node.pk]) in admin_body
    assert reverse("frameworks:publish", args=[draft.pk]) in admin_body
    reader_body = (
        client_for(world.people["reader"])
        .get(reverse("frameworks:version", args=[draft.pk]))
        .content.decode()
    )
    assert reverse("frameworks:node_edit", args=[node.pk]) not in reader_body
    assert reverse("frameworks:publish", args=[draft.pk]) not in reader_body


def test_node_tree_nests_children_from_a_flat_list(world):
    version = deep_version(world.municipality)
    tree = node_tree(list(version.nodes.order_by("position")))
    assert [n.code for n in tree] == ["1"]
    assert [n.code for n in tree[0].child_nodes] == ["1.a", "1.g"]
    assert [n.code for n in tree[0].child_nodes[1].child_nodes] == ["1.g.i"]


def test_version_page_query_count_does_not_grow_with_nodes(world, django_assert_max_num_queries):
    version = make_framework_version(owner=world.municipality, areas=8, items=8, publish=False)
    client = client_for(world.people["admin"])
    client.get(reverse("frameworks:list"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("frameworks:version", args=[version.pk]))
    assert response.content.decode().count("/edit/") == 8 + 64


# --- export --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type", "load"),
    [("yaml", "application/yaml", yaml.safe_load), ("json", "application/json", json.loads)],
)
def test_export_is_an_attachment_in_the_file_format(world, fmt, content_type, load):
    version = deep_version(None, publish=True)
    response = client_for(world.people["teacher"]).get(
        reverse("frameworks:export", args=[version.pk]), {"format": fmt}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="deep-v1.{fmt}"'
    data = load(response.content.decode("utf-8"))
    assert data["key"] == "deep" and data["nodes"][0]["children"][1]["children"][0]["number"] == "i"
    assert "Långsiktig finansiering" in response.content.decode("utf-8")  # UTF-8, not escaped


def test_export_refuses_an_unknown_format(world):
    version = make_framework_version()
    response = client_for(world.people["teacher"]).get(
        reverse("frameworks:export", args=[version.pk]), {"format": "xml"}
    )
    assert response.status_code == 400


# --- drafts, editing and publishing --------------------------------------------------------------------


def test_starting_a_draft_copies_the_published_version_and_opens_it(world):
    version = make_framework_version(owner=world.region, key="norr")
    client = client_for(world.people["regional_officer"])
    response = client.post(reverse("frameworks:start_draft", args=[version.framework_id]))
    draft = version.framework.draft()
    assert draft.number == 2 and draft.nodes.count() == version.nodes.count()
    assert response["Location"] == reverse("frameworks:version", args=[draft.pk])
    # a second press opens the same draft rather than making another
    client.post(reverse("frameworks:start_draft", args=[version.framework_id]))
    assert version.framework.versions.count() == 2


def test_coordinator_cannot_start_a_draft_of_the_municipalitys_framework(world):
    version = make_framework_version(owner=world.municipality, key="own")
    response = client_for(world.people["coordinator"]).post(
        reverse("frameworks:start_draft", args=[version.framework_id])
    )
    assert response.status_code == 403
    assert version.framework.versions.count() == 1


def test_shipped_frameworks_are_not_edited_in_place(world):
    version = make_framework_version(key="shipped")
    client = client_for(world.people["regional_officer"])
    body = client.get(reverse("frameworks:detail", args=[version.framework_id])).content.decode()
    assert "Start a new draft version" not in body
    assert client.post(reverse("frameworks:start_draft", args=[version.framework_id])).status_code == 403


def node_post(node, **changes):
    data = {"version": node.version, "title_sv": "Ny titel", "title_nb": "", "title_en": "New title"}
    data.update({"summary_sv": "", "summary_nb": "", "summary_en": ""})
    data.update(changes)
    return data


def test_editing_a_draft_node_saves_its_texts(world):
    draft = deep_version(world.municipality)
    node = draft.nodes.get(code="1.a")
    client = client_for(world.people["admin"])
    form_page = client.get(reverse("frameworks:node_edit", args=[node.pk])).content.decode()
    assert 'value="Analysera nuläget"' in form_page and 'value="Analyse the current state"' in form_page
    response = client.post(
        reverse("frameworks:node_edit", args=[node.pk]),
        node_post(node, summary_nb="Kartlegg dagens situasjon"),
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#node-{node.pk}")
    node.refresh_from_db()
    assert node.title == {"sv": "Ny titel", "en": "New title"}
    assert node.summary == {"nb": "Kartlegg dagens situasjon"}


def test_a_swedish_title_is_required_and_input_is_kept(world):
    draft = deep_version(world.municipality)
    node = draft.nodes.get(code="1.a")
    response = client_for(world.people["admin"]).post(
        reverse("frameworks:node_edit", args=[node.pk]), node_post(node, title_sv="", title_en="Kept English")
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in body and 'value="Kept English"' in body
    node.refresh_from_db()
    assert node.title["sv"] == "Analysera nuläget"


def test_two_editors_of_the_same_node_get_a_conflict_with_their_input_kept(world):
    draft = deep_version(world.municipality)
    node = draft.nodes.get(code="1.a")
    first, second = client_for(world.people["admin"]), client_for(world.people["admin"])
    opened = node.version
    assert (
        first.post(
            reverse("frameworks:node_edit", args=[node.pk]), node_post(node, title_sv="Först sparad")
        ).status_code
        == 302
    )
    response = second.post(
        reverse("frameworks:node_edit", args=[node.pk]),
        node_post(node, version=opened, title_sv="Min version"),
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this" in body
    assert 'value="Min version"' in body  # my input is kept
    assert "Först sparad" in body  # and the saved values are shown
    node.refresh_from_db()
    assert node.title["sv"] == "Först sparad"
    # saving again (now against the current version) works
    new_version = re.search(r'name="version" value="(\d+)"', body).group(1)
    again = second.post(
        reverse("frameworks:node_edit", args=[node.pk]),
        node_post(node, version=new_version, title_sv="Min version"),
    )
    assert again.status_code == 302
    node.refresh_from_db()
    assert node.title["sv"] == "Min version"


def test_a_published_version_cannot_be_edited(world):
    version = deep_version(world.municipality, publish=True)
    node = version.nodes.get(code="1.a")
    client = client_for(world.people["admin"])
    response = client.get(reverse("frameworks:node_edit", args=[node.pk]))
    body = response.content.decode()
    assert response.status_code == 403
    assert "Published versions cannot be edited" in body and "<form" not in body.split("<main", 1)[1]
    response = client.post(
        reverse("frameworks:node_edit", args=[node.pk]), node_post(node, title_sv="Ändrad")
    )
    assert response.status_code == 403
    node.refresh_from_db()
    assert node.title["sv"] == "Analysera nuläget"


def test_people_who_only_see_a_framework_cannot_edit_its_draft(world):
    draft = deep_version(world.municipality)
    node = draft.nodes.get(code="1.a")
    for persona in ("coordinator", "reader"):
        client = client_for(world.people[persona])
        assert client.get(reverse("frameworks:node_edit", args=[node.pk])).status_code == 403
        assert client.post(reverse("frameworks:publish", args=[draft.pk])).status_code == 403
    assert (
        client_for(world.people["outsider"]).get(reverse("frameworks:node_edit", args=[node.pk])).status_code
        == 404
    )
    draft.refresh_from_db()
    assert draft.is_draft


def test_publishing_freezes_the_draft_and_a_second_publish_says_why_not(world):
    draft = deep_version(world.municipality)
    client = client_for(world.people["admin"])
    response = client.post(reverse("frameworks:publish", args=[draft.pk]), follow=True)
    body = response.content.decode()
    assert "Version 1 is published" in body
    draft.refresh_from_db()
    assert not draft.is_draft and draft.published_by == world.people["admin"]
    body = client.post(reverse("frameworks:publish", args=[draft.pk]), follow=True).content.decode()
    assert "already published" in body


def test_framework_pages_ask_the_access_layer_for_frameworks(world):
    """Frameworks of the other region stay invisible even by id, for every framework page."""
    foreign = make_framework_version(owner=world.other_municipality, key="syd", publish=False)
    node = foreign.nodes.first()
    client = client_for(world.people["regional_officer"])
    assert client.get(reverse("frameworks:node_edit", args=[node.pk])).status_code == 404
    assert client.post(reverse("frameworks:publish", args=[foreign.pk])).status_code == 404
    assert (
        client.post(reverse("frameworks:offer", args=[foreign.pk]), {"region": world.region.pk}).status_code
        == 404
    )
    assert Framework.objects.get(pk=foreign.framework_id).draft() is not None
