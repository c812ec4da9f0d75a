"""Background fetches (docs/adding-a-feature.md, background work). Django 6.1's default TASKS backend is
ImmediateBackend (`{"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}`), which runs
the task synchronously inside `.enqueue()`; kedja/settings.py sets no TASKS, so that default applies until a
queueing backend (e.g. django-tasks' database backend) is configured. The run row records progress and
failures either way, and running the task twice only re-stores equal values (0 created, 0 updated).
"""

from django.tasks import task

from .client import KoladaClient
from .models import FetchRun
from .store import fetch, start_fetch_run


@task
def fetch_kolada_values(run_id: int) -> str:
    run = FetchRun.objects.get(pk=run_id)
    run = fetch(run.kpi_ids, run.area_codes, run.years, client=KoladaClient(), run=run)
    return run.status


def enqueue_fetch(kpi_ids, municipality_codes, years) -> FetchRun:
    """Record the run, then hand it to the task backend; a page can poll FetchRun.progress."""
    run = start_fetch_run(kpi_ids, municipality_codes, [int(y) for y in years])
    fetch_kolada_values.enqueue(run.pk)
    run.refresh_from_db()
    return run
