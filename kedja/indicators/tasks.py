"""The background fetch the Kolada pages start (docs/adding-a-feature.md, background work): fetch from Kolada
into the Kolada tables, then copy the figures into the indicators that follow them. It lives here, not in
kedja/kolada, because kolada may not import indicators. With the database backend `manage.py db_worker` runs
it (started by `make demo`); the run row carries progress and failure either way.
"""

from django.tasks import task

from kedja.kolada.client import KoladaClient
from kedja.kolada.models import FetchRun
from kedja.kolada.store import fetch

from .kolada_sync import fetch_years, refresh_plan, sync_values


def make_client() -> KoladaClient:
    """The client the task uses (tests and the browser journey swap it for recorded responses)."""
    return KoladaClient()


def fetch_and_sync(run: FetchRun, client: KoladaClient | None = None) -> FetchRun:
    run = fetch(run.kpi_ids, run.area_codes, run.years, client=client or make_client(), run=run)
    if run.status == FetchRun.Status.OK:
        sync_values(run.kpi_ids, run.area_codes)
    return run


@task
def fetch_kolada_for_indicators(run_id: int) -> str:
    run = FetchRun.objects.get(pk=run_id)
    if run.status != FetchRun.Status.RUNNING or run.finished_at is not None:
        return run.status  # already done: a worker retrying the same task does not fetch twice
    return fetch_and_sync(run).status


def refresh_followed(client: KoladaClient | None = None) -> list[FetchRun]:
    """The schedule: fetch and sync every followed KPI (kolada_sync.refresh_plan), one run per county, in
    this process. A failed run leaves what is stored untouched; the others still run."""
    client = client or make_client()
    runs = []
    for kpi_ids, area_codes in refresh_plan():
        run = FetchRun.objects.create(kpi_ids=kpi_ids, area_codes=area_codes, years=fetch_years())
        runs.append(fetch_and_sync(run, client))
    return runs
