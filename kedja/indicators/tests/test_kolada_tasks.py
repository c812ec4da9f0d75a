"""The fetch through the real database queue (django-tasks-db), as `make demo` and production run it:
the page enqueues, the run waits at "running 0 %", `db_worker --batch` works the queue, the run finishes and
the indicator has its values. The rest of the suite runs tasks inside the request (tests/settings.py)."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from kedja.indicators import tasks
from kedja.indicators.actions import follow_kpi
from kedja.kolada.client import FakeTransport, KoladaClient
from kedja.kolada.models import FetchRun, Kpi
from kedja.kolada.tests.recorded import DATA
from kedja.organisations.models import Organisation

pytestmark = pytest.mark.django_db(transaction=True)  # db_worker closes the connection it used

QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@override_settings(TASKS=QUEUE)  # Django's setting_changed handler resets django.tasks.task_backends
def test_the_database_queue_runs_the_fetch(client, world, monkeypatch):
    monkeypatch.setattr(tasks, "make_client", lambda: KoladaClient(transport=FakeTransport(directory=DATA)))
    Organisation.objects.filter(pk=world.municipality.pk).update(code="1280")
    kpi = Kpi.objects.create(id="N21704", title="Invånare 80+ med hemtjänst i ordinärt boende, andel (%)")
    indicator = follow_kpi(Organisation.objects.get(pk=world.municipality.pk), kpi, by=None)
    client.force_login(world.people["coordinator"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(reverse("indicators:kolada_fetch", args=[world.municipality.pk]))
    run = FetchRun.objects.get()
    assert (run.status, run.progress) == (FetchRun.Status.RUNNING, 0)
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    waiting = client.get(response["Location"]).content.decode()
    assert "Fetching: 0 % done." in waiting and 'hx-trigger="every 1s"' in waiting

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    run.refresh_from_db()
    assert (run.status, run.progress, run.rows_created) == (FetchRun.Status.OK, 100, 3)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert sorted(indicator.values.values_list("gender", flat=True)) == ["men", "total", "women"]
    done = client.get(response["Location"]).content.decode()
    assert "Finished." in done and "hx-trigger" not in done
