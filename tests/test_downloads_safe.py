"""Downloads answer GET and HEAD only (docs/security.md, "Downloads"): every page of the URL matrix that answers
a GET with an attachment (a stored file, an export, a template, a generated document) is posted to by a
persona who may download it, and must answer 405 — a POST never hands out a file. Found from the answers,
not from a list, so a new download view is covered the day it is added."""

import copy

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from kedja.accounts.factories import verify_second_factor
from tests.test_url_matrix import MATRIX

# A sweep over the whole site: `make test` runs it, `make test-fast` leaves it out.
pytestmark = pytest.mark.slow

PREFERRED = ("admin", "regional_officer", "coordinator", "principal", "head_of_schools", "teacher", "reader")


def _persona(entry):
    return next((p for p in PREFERRED if p in entry.allowed), None)


def _is_download(response) -> bool:
    return response.get("Content-Disposition", "").startswith("attachment")


def test_every_download_refuses_post(world):
    w = world
    downloads, refused, answered = [], [], []
    for name, entry in sorted(MATRIX.items()):
        persona = _persona(entry)
        if entry.method != "get" or persona is None:
            continue
        with transaction.atomic():
            page_world = copy.copy(w)
            url = reverse(name, args=entry.args(page_world))
            client = Client(raise_request_exception=False)
            client.force_login(page_world.people[persona])
            if entry.verified:
                verify_second_factor(client, page_world.people[persona])
            if _is_download(client.get(url)):
                downloads.append(name)
                posted = client.post(url)
                head = client.head(url)
                (refused if posted.status_code == 405 and not _is_download(posted) else answered).append(name)
                assert head.status_code == 200, f"{name}: HEAD got {head.status_code}"
            transaction.set_rollback(True)
    print(f"{len(downloads)} downloads; POST refused (405) by {len(refused)}")
    assert len(downloads) >= 20, f"only {len(downloads)} downloads found: {downloads}"
    assert {"assessments:evidence_download", "frameworks:export"} <= set(downloads)
    assert answered == [], f"downloads that answer POST: {answered}"


@pytest.mark.django_db
def test_a_politician_posting_to_an_evidence_file_gets_no_file(world):
    from tests.matrix_assessments_rounds import _evidence_id

    url = reverse("assessments:evidence_download", args=_evidence_id(world))
    client = Client()
    client.force_login(world.people["reader"])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 405 and not _is_download(response)
