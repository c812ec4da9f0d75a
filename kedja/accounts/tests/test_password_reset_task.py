"""The password-reset e-mail goes through the task worker: the page only enqueues, for a known and an
unknown address alike, so its answer takes the same time and does the same work either way."""

import re
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from kedja.organisations.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)  # db_worker closes the connection it used

QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
URL = "accounts:password_reset"


@override_settings(TASKS=QUEUE)
def test_the_request_enqueues_and_sends_nothing_inline():
    user = make_user("glomsk@kedja.example", language="sv")
    client = Client()
    for address in ("GLOMSK@kedja.example", "finns.inte@kedja.example"):
        response = client.post(reverse(URL), {"email": address})
        assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []  # nothing sent inside either request
    assert DBTaskResult.objects.filter(status="READY").count() == 2  # one task each, known or not

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    body = mail.outbox[0].body
    assert "Använd länken för att välja ett nytt lösenord" in body  # in the person's language (Swedish)
    assert re.search(r"http://testserver/accounts/password/reset/[^/\s]+/[^/\s]+/", body)


@override_settings(TASKS=QUEUE)
def test_known_and_unknown_addresses_take_the_same_work_and_time():
    make_user("kand@kedja.example")
    client = Client()
    client.post(reverse(URL), {"email": "uppvarmning@kedja.example"})  # warm up templates and queries
    timings = {"known": [], "unknown": []}
    for _ in range(15):
        for kind, address in (("known", "kand@kedja.example"), ("unknown", "okand@kedja.example")):
            started = time.perf_counter()
            client.post(reverse(URL), {"email": address})
            timings[kind].append(time.perf_counter() - started)
    median = {kind: sorted(values)[len(values) // 2] for kind, values in timings.items()}
    print(f"median answer: known {median['known'] * 1000:.1f} ms, unknown {median['unknown'] * 1000:.1f} ms")
    # Same work on both paths (one enqueue, no lookup): the medians differ by noise only.
    assert abs(median["known"] - median["unknown"]) < max(0.5 * min(median.values()), 0.01)
    assert mail.outbox == []
