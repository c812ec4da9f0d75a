"""Storing Kolada values: idempotent, revisions on change, failures leave stored data alone."""

import dataclasses
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kedja.kolada.client import FakeTransport, KoladaClient, KoladaUnavailable, ValueRow, parse_values
from kedja.kolada.models import FetchRun, Kpi, KpiValue, KpiValueRevision
from kedja.kolada.store import fetch, load_curated_catalogue, store_values
from kedja.kolada.tasks import enqueue_fetch

from . import recorded

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # db: COPY into a staging table on PostgreSQL

T0 = datetime(2026, 3, 23, 12, 0, tzinfo=UTC)
MUNICIPALITIES = ["0180", "0580", "1280", "1480", "2480"]


def _recorded_rows():
    return parse_values(recorded.load(recorded.NESTED)) + parse_values(recorded.load(recorded.FLAT))


def test_curated_catalogue_loads_idempotently_with_the_real_ids():
    first = load_curated_catalogue()
    assert (first.created, first.updated) == (122, 0)
    n15419 = Kpi.objects.get(id="N15419")
    assert n15419.curated
    assert n15419.title.startswith(
        "Elever i åk 9 som uppnått betygskriterierna i alla ämnen, kommunala skolor"
    )
    assert n15419.is_divided_by_gender and n15419.has_ou_data
    assert n15419.category == "grundskola_ak9_alla_amnen"
    second = load_curated_catalogue()
    assert (second.created, second.updated, second.unchanged) == (0, 0, 122)


def test_storing_the_same_rows_twice_changes_nothing():
    rows = _recorded_rows()
    first = store_values(rows, fetched_at=T0)
    assert (first.created, first.updated, first.unchanged) == (78, 0, 0)
    second = store_values(rows, fetched_at=T0 + timedelta(days=1))
    assert (second.created, second.updated, second.unchanged) == (0, 0, 78)
    assert KpiValue.objects.count() == 78
    assert not KpiValueRevision.objects.exists()
    stockholm = KpiValue.objects.get(kpi_id="N21704", area_code="0180", period=2023, gender="T")
    assert (stockholm.value, stockholm.source, stockholm.revision, stockholm.fetched_at) == (
        21.88749,
        "kolada",
        1,
        T0,
    )


def test_a_changed_value_keeps_the_old_one_as_a_revision():
    rows = _recorded_rows()
    store_values(rows, fetched_at=T0)
    revised = [dataclasses.replace(r, value=22.0) if r.key == ("N21704", "municipality", "0180", 2023, "T") else r
               for r in rows]  # fmt: skip
    later = T0 + timedelta(days=30)
    counts = store_values(revised, fetched_at=later)
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 77)
    value = KpiValue.objects.get(kpi_id="N21704", area_code="0180", period=2023, gender="T")
    assert (value.value, value.revision, value.fetched_at) == (22.0, 2, later)
    (revision,) = value.revisions.all()
    assert (revision.old_value, revision.new_value, revision.revision) == (21.88749, 22.0, 1)
    assert (revision.old_fetched_at, revision.changed_at) == (T0, later)


def test_a_value_that_goes_missing_is_stored_as_missing_with_a_revision():
    store_values(parse_values(recorded.load(recorded.NESTED)), fetched_at=T0)
    counts = store_values(parse_values(recorded.with_missing_values()), fetched_at=T0 + timedelta(days=1))
    assert (counts.updated, counts.unchanged) == (1, 13)
    women = KpiValue.objects.get(kpi_id="N21704", area_code="0180", gender="K")
    assert women.value is None
    assert women.revisions.get().old_value == 25.688929


def test_values_for_an_unknown_kpi_get_a_placeholder_entry():
    store_values(parse_values(recorded.load(recorded.NESTED)), fetched_at=T0)
    assert Kpi.objects.get(id="N21704").title == "N21704"


def test_fetch_records_a_successful_run():
    client = KoladaClient(transport=FakeTransport(directory=recorded.DATA))
    seen = []
    run = fetch(
        ["N21704"], MUNICIPALITIES, [2023], client=client, on_progress=lambda r: seen.append(r.progress)
    )
    assert run.status == FetchRun.Status.OK
    assert (run.rows_created, run.rows_updated, run.rows_unchanged, run.progress) == (15, 0, 0, 100)
    assert seen == [90, 100]
    assert run.finished_at is not None and run.error == ""


def test_unreachable_kolada_fails_the_run_and_keeps_stored_data():
    store_values(_recorded_rows(), fetched_at=T0)

    def unreachable(url, params):
        raise KoladaUnavailable("Kolada could not be reached (timed out); gave up after 3 retries.")

    run = fetch(["N21704"], MUNICIPALITIES, [2023], client=KoladaClient(transport=unreachable))
    run.refresh_from_db()
    assert run.status == FetchRun.Status.FAILED
    assert "Could not fetch from Kolada" in run.error and "timed out" in run.error
    assert run.finished_at is not None
    assert KpiValue.objects.count() == 78
    assert KpiValue.objects.get(kpi_id="N21704", area_code="0180", gender="T").fetched_at == T0


def test_a_failure_on_a_later_page_writes_nothing():
    pages = recorded.two_pages("https://api.kolada.se/v3")
    first_url, second_url = list(pages)

    def flaky(url, params):
        if url == second_url:
            raise OSError("connection reset")
        return pages[url]

    run = fetch(["N21704"], MUNICIPALITIES, [2023], client=KoladaClient(transport=flaky))
    assert run.status == FetchRun.Status.FAILED
    assert not KpiValue.objects.exists()


def test_the_task_runs_a_fetch_and_records_it(monkeypatch):
    monkeypatch.setattr(
        "kedja.kolada.tasks.KoladaClient",
        lambda: KoladaClient(transport=FakeTransport(directory=recorded.DATA)),
    )
    run = enqueue_fetch(["N00945"], ["0180", "1280", "1480"], range(2000, 2021))
    assert (run.status, run.progress, run.rows_created) == ("ok", 100, 63)
    again = enqueue_fetch(["N00945"], ["0180", "1280", "1480"], range(2000, 2021))
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 63)


def test_command_fetches_offline_and_prints_progress():
    out = StringIO()
    call_command(
        "kolada_fetch", "--kpi", "N00945", "--municipality", "0180,1280", "--years", "2015-2020",
        "--offline-from", str(recorded.DATA), stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    assert " 90%" in text and "100%" in text
    assert "12 created, 0 updated, 0 unchanged" in text
    assert KpiValue.objects.filter(kpi_id="N00945", area_code="1280").count() == 6


def test_command_reports_a_failed_fetch(monkeypatch):
    def unreachable(url, params):
        raise KoladaUnavailable("Kolada could not be reached (Name or service not known)")

    monkeypatch.setattr("kedja.kolada.client.urllib_transport", unreachable)  # never the network
    with pytest.raises(CommandError, match="Could not fetch from Kolada"):
        call_command(
            "kolada_fetch", "--kpi", "N00945", "--municipality", "0180", "--years", "2020", "--catalogue",
            stdout=StringIO(),
        )  # fmt: skip
    assert Kpi.objects.filter(curated=True).count() == 122
    assert FetchRun.objects.get().status == FetchRun.Status.FAILED


# --- Both write paths (SQLite: compare in Python; PostgreSQL: COPY into a staging table) ----------------
# The same tests run on each database (`scripts/with_postgres.sh … pytest kedja/kolada`), so they pin the
# rules both ways must agree on.


def _row(code: str, period: int, gender: str = "T", value: float | None = 1.0, **kw) -> ValueRow:
    return ValueRow("N15419", "municipality", code, period, gender, value, **kw)


def test_one_call_counts_new_changed_and_unchanged_rows_and_leaves_unchanged_rows_alone():
    store_values([_row("0180", 2020, value=1.0), _row("0180", 2021, value=2.0)], fetched_at=T0)
    later = T0 + timedelta(days=7)
    run = FetchRun.objects.create()
    counts = store_values(
        [_row("0180", 2020, value=1.0), _row("0180", 2021, value=2.5), _row("0180", 2022, value=3.0)],
        fetched_at=later,
        run=run,
    )
    assert (counts.created, counts.updated, counts.unchanged) == (1, 1, 1)
    by_year = {v.period: v for v in KpiValue.objects.filter(kpi_id="N15419")}
    assert (by_year[2020].value, by_year[2020].revision, by_year[2020].fetched_at) == (1.0, 1, T0)
    assert (by_year[2021].value, by_year[2021].revision, by_year[2021].fetched_at) == (2.5, 2, later)
    assert (by_year[2022].value, by_year[2022].revision, by_year[2022].fetched_at) == (3.0, 1, later)
    (revision,) = KpiValueRevision.objects.all()
    assert revision.kpi_value == by_year[2021]
    assert (revision.old_value, revision.new_value, revision.revision) == (2.0, 2.5, 1)
    assert (revision.old_fetched_at, revision.changed_at, revision.fetch_run) == (T0, later, run)


def test_a_change_of_count_or_status_alone_is_a_revision_and_each_change_adds_one():
    store_values([_row("0580", 2020, value=None, count=3, status="")], fetched_at=T0)
    steps = [
        {"value": None, "count": 4, "status": ""},
        {"value": None, "count": 4, "status": "Uppgift saknas"},
        {"value": 5.0, "count": None, "status": ""},
        {"value": 5.0, "count": None, "status": ""},  # the same again: no revision
    ]
    for day, step in enumerate(steps, start=1):
        store_values([_row("0580", 2020, **step)], fetched_at=T0 + timedelta(days=day))
    value = KpiValue.objects.get(kpi_id="N15419", area_code="0580")
    assert (value.value, value.count, value.status, value.revision) == (5.0, None, "", 4)
    assert value.fetched_at == T0 + timedelta(days=3)
    history = list(
        value.revisions.values_list("revision", "old_value", "old_count", "old_status", "new_value")
    )
    assert history == [(1, None, 3, "", None), (2, None, 4, "", None), (3, None, 4, "Uppgift saknas", 5.0)]


def test_a_value_changed_to_missing_and_back_keeps_both_revisions():
    store_values([_row("1280", 2021, value=12.5)], fetched_at=T0)
    assert store_values([_row("1280", 2021, value=None)], fetched_at=T0 + timedelta(days=1)).updated == 1
    assert store_values([_row("1280", 2021, value=None)], fetched_at=T0 + timedelta(days=2)).unchanged == 1
    assert store_values([_row("1280", 2021, value=12.5)], fetched_at=T0 + timedelta(days=3)).updated == 1
    value = KpiValue.objects.get(kpi_id="N15419", area_code="1280")
    assert (value.value, value.revision) == (12.5, 3)
    assert list(value.revisions.values_list("old_value", "new_value")) == [(12.5, None), (None, 12.5)]


def test_floats_survive_the_round_trip_exactly_so_a_re_import_is_unchanged():
    awkward = [0.1 + 0.2, 1 / 3, 1e-300, 123456789.12345679, -0.0, 2.5e15]
    rows = [_row("1480", 2000 + i, value=v) for i, v in enumerate(awkward)]
    store_values(rows, fetched_at=T0)
    again = store_values(rows, fetched_at=T0 + timedelta(days=1))
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(awkward))
    stored = dict(KpiValue.objects.filter(area_code="1480").values_list("period", "value"))
    assert [stored[2000 + i] for i in range(len(awkward))] == awkward


def test_duplicates_in_one_call_are_stored_once_and_the_last_one_wins():
    counts = store_values([_row("2480", 2020, value=1.0), _row("2480", 2020, value=2.0)], fetched_at=T0)
    assert (counts.created, counts.updated, counts.unchanged) == (1, 0, 0)
    assert list(KpiValue.objects.filter(area_code="2480").values_list("value", flat=True)) == [2.0]


def test_two_calls_in_one_transaction_both_write():
    from django.db import transaction

    with transaction.atomic():
        first = store_values([_row("0180", 2019, value=1.0)], fetched_at=T0)
        second = store_values([_row("0180", 2019, value=2.0), _row("0180", 2018)], fetched_at=T0)
    assert (first.created, second.created, second.updated) == (1, 1, 1)
    assert KpiValue.objects.get(area_code="0180", period=2019).revision == 2


def test_postgresql_stages_the_rows_and_sqlite_compares_them_in_python():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = [
        _row(code, year, gender) for code in MUNICIPALITIES for year in range(2010, 2020) for gender in "TKM"
    ]
    with CaptureQueriesContext(connection) as queries:
        store_values(rows, fetched_at=T0)
    staged = any("kolada_value_stage" in q["sql"] for q in queries.captured_queries)
    assert staged == (connection.vendor == "postgresql")
    if staged:  # set-based: a fixed handful of statements, whatever the number of rows
        assert len(queries.captured_queries) <= 10
