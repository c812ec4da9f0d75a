"""Importing a framework file: every problem at once, nothing created on error, and a round trip."""

import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kedja.frameworks import schema
from kedja.frameworks.factories import framework_data, make_framework_version
from kedja.frameworks.models import Framework, FrameworkVersion, Node

pytestmark = pytest.mark.django_db

BROKEN = """\
kedja_framework: 1
key: Not A Key
title: {sv: Trasigt ramverk}
nodes:
  - number: "1"
    title: {sv: Område 1}
    children:
      - number: a
        title: {sv: Punkt a}
      - number: a
        title: {de: Punkt b}
  - number: "2"
    colour: red
    title: {sv: Område 2}
    children: []
"""


def client_for(user, language: str = "en") -> Client:
    """Signed in, reading the pages in English (the source strings), unless asked otherwise."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def upload(text: str | bytes, name: str = "ramverk.yaml") -> SimpleUploadedFile:
    content = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def post_import(client, file, *, owner, publish=False):
    data = {"owner": owner.pk, "file": file}
    if publish:
        data["publish"] = "on"
    return client.post(reverse("frameworks:import"), data)


def test_broken_file_lists_every_problem_with_line_and_creates_nothing(world):
    client = client_for(world.people["regional_officer"])
    response = post_import(client, upload(BROKEN), owner=world.region, publish=True)
    body = response.content.decode()
    assert response.status_code == 400
    assert "nothing was imported" in body and "choose the file again" in body
    try:
        schema.parse_text(BROKEN)
    except schema.FormatError as error:
        expected = error.problems
    assert len(expected) >= 4
    assert f"{len(expected)} problems in the file" in body
    for problem in expected:  # each with its line and where in the file
        assert f"<code>{problem.where}</code>" in body
    assert "<td>10</td>" in body  # the duplicate letter is on line 10
    # what was chosen is kept; the file is not
    assert f'<option value="{world.region.pk}" selected>' in body
    assert 'id="id_publish" checked' in body
    assert (
        not Framework.objects.exists() and not FrameworkVersion.objects.exists() and not Node.objects.exists()
    )


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload("kedja_framework: 1", name="ramverk.txt"), "Choose a .yaml, .yml or .json file."),
        (upload("titel: 'å'".encode("latin-1")), "The file must be saved as UTF-8 text."),
        (upload("x" * (1024 * 1024 + 1)), "The file is larger than 1 MB."),
        (upload("key: [unclosed"), "not valid YAML or JSON"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_reason(world, file, message):
    response = post_import(client_for(world.people["admin"]), file, owner=world.municipality)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Framework.objects.exists()


def test_import_then_export_round_trips(world):
    data = framework_data(key="rundtur", areas=2, items=3, letters_gap=True)
    data["source"] = "Egen text"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    client = client_for(world.people["admin"])
    response = post_import(client, upload(text), owner=world.municipality, publish=True)
    version = FrameworkVersion.objects.get(framework__key="rundtur")
    assert response.status_code == 302
    assert response["Location"] == reverse("frameworks:version", args=[version.pk])
    assert version.framework.owner == world.municipality and not version.is_draft
    assert "has been imported" in client.get(response["Location"]).content.decode()
    exported = client.get(reverse("frameworks:export", args=[version.pk]), {"format": "yaml"})
    assert schema.parse_text(exported.content.decode()) == schema.parse(data)
    # and the exported JSON imports again, as the next version of the same framework
    as_json = client.get(reverse("frameworks:export", args=[version.pk]), {"format": "json"})
    again = post_import(client, upload(as_json.content, name="rundtur-v1.json"), owner=world.municipality)
    assert again.status_code == 302
    newest = version.framework.versions.order_by("-number").first()
    assert newest.number == 2 and newest.is_draft
    assert schema.to_data(newest) == schema.to_data(version)


def test_import_form_offers_only_organisations_the_person_may_own_a_framework_for(world):
    response = client_for(world.people["admin"]).get(reverse("frameworks:import"))
    body = response.content.decode()
    assert "Norrby kommun" in body and "Region Norr" not in body
    # a choice outside the list is refused
    response = post_import(
        client_for(world.people["admin"]),
        upload(yaml.safe_dump(framework_data(key="smyg"))),
        owner=world.region,
    )
    assert response.status_code == 400 and not Framework.objects.filter(key="smyg").exists()


def test_people_who_may_own_no_framework_cannot_import(world):
    for persona in ("coordinator", "teacher", "partner"):
        client = client_for(world.people[persona])
        assert client.get(reverse("frameworks:import")).status_code == 403
        data = yaml.safe_dump(framework_data(key="nej"))
        assert post_import(client, upload(data), owner=world.municipality).status_code == 403
    assert not Framework.objects.exists()


def test_importing_a_known_key_makes_the_next_version(world):
    make_framework_version(owner=world.region, key="norr")
    data = framework_data(key="norr", areas=3)
    response = post_import(
        client_for(world.people["regional_officer"]), upload(yaml.safe_dump(data)), owner=world.region
    )
    assert response.status_code == 302
    framework = Framework.objects.get(owner=world.region, key="norr")
    assert [v.number for v in framework.versions.order_by("number")] == [1, 2]
    assert framework.draft().areas().count() == 3


def test_a_number_of_50000_digits_is_a_problem_in_the_file_not_a_server_error(world):
    client = client_for(world.people["regional_officer"])
    for text, name in (
        (framework_json_with("9" * 50_000), "ramverk.json"),
        ("key: " + "7" * 50_000, "ramverk.yaml"),
    ):
        response = post_import(client, upload(text, name), owner=world.region)
        assert response.status_code == 400
        assert "The file holds a number that is far too long." in response.content.decode()
    assert not Framework.objects.filter(key="stor").exists()


def framework_json_with(number: str) -> str:
    return '{"kedja_framework": 1, "key": "stor", "title": {"sv": "Stor"}, "nodes": [], "n": ' + number + "}"
