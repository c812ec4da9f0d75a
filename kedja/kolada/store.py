"""Storing what Kolada gave us (docs/domain.md, "Goals and statistics": what was fetched is stored with its
source and time, and Kedja works entirely from stored figures when Kolada is down).

Every write to the Kolada tables goes through these functions. `store_values` is a bulk upsert that still
records a revision whenever a re-fetch changes a stored value, and writes only new or changed rows: on
SQLite by comparing with the stored slice in Python, on PostgreSQL by COPY into a staging table and
set-based SQL (see store_values for why and the measured times).
"""

import csv
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from .client import KoladaClient, KoladaUnavailable, KpiMeta, ValueRow
from .models import SOURCE_KOLADA, FetchRun, Kpi, KpiValue, KpiValueRevision, search_text

log = logging.getLogger(__name__)

CURATED_CSV = Path(__file__).parent / "data" / "kolada_kpis_steam.csv"
BATCH = 2000
UPSERT_ROWS = 1000  # rows per INSERT statement (11 parameters each)
KPI_SLICE = 50  # KPIs per read of existing values: bounds memory and the IN list
UNIQUE = ["kpi", "area_type", "area_code", "period", "gender"]
UPDATED = ["value", "count", "status", "source", "fetched_at", "revision"]


def _upsert(rows: list[tuple]) -> None:
    """INSERT … VALUES (…), (…) ON CONFLICT (the unique key) DO UPDATE — the statement
    bulk_create(update_conflicts=True) generates, spoken by SQLite 3.24+ and PostgreSQL — without building
    600,000 model instances first (626,400 rows on SQLite: ~100 s with bulk_create; see the bench
    kolada.import_600k_s for this way). Multi-row statements rather than executemany, which costs one round
    trip per row on PostgreSQL. ON CONFLICT also covers a row another fetch inserted after we read the slice."""
    if not rows:
        return
    meta = KpiValue._meta
    q = connection.ops.quote_name
    columns = [q(meta.get_field(name).column) for name in [*UNIQUE, *UPDATED]]
    unique = ", ".join(q(meta.get_field(name).column) for name in UNIQUE)
    updates = ", ".join(
        f"{q(meta.get_field(n).column)} = excluded.{q(meta.get_field(n).column)}" for n in UPDATED
    )
    per_statement = max(1, min(UPSERT_ROWS, (connection.features.max_query_params or 999) // len(columns)))
    one_row = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            # Only quoted identifiers from the model's own metadata are interpolated; values are parameters.
            sql = (
                f"INSERT INTO {q(meta.db_table)} ({', '.join(columns)}) VALUES "  # noqa: S608
                f"{', '.join([one_row] * len(batch))} ON CONFLICT ({unique}) DO UPDATE SET {updates}"
            )
            cursor.execute(sql, [value for row in batch for value in row])


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _kpi_fields(meta: KpiMeta) -> dict:
    data = asdict(meta)
    data.pop("id")
    return data


def upsert_kpis(metas: Iterable[KpiMeta], *, curated: dict[str, str] | None = None) -> Counts:
    """Create or update catalogue entries; `curated` maps id → category for the shipped set."""
    metas = list(metas)
    counts = Counts()
    existing = Kpi.objects.in_bulk([m.id for m in metas])
    now = timezone.now()
    for meta in metas:
        wanted = _kpi_fields(meta)
        if curated is not None:
            wanted |= {"curated": True, "category": curated.get(meta.id, "")}
        kpi = existing.get(meta.id)
        if kpi is None:
            Kpi.objects.create(id=meta.id, updated_at=now, **wanted)
            counts.created += 1
            continue
        changed = [name for name, value in wanted.items() if getattr(kpi, name) != value]
        if changed:
            for name in changed:
                setattr(kpi, name, wanted[name])
            kpi.updated_at = now
            kpi.save(update_fields=[*changed, "updated_at"])
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts


def _read_curated(path: Path) -> tuple[list[KpiMeta], dict[str, str]]:
    metas, categories = [], {}
    meta_names = {f.name for f in fields(KpiMeta)}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            data = {k: v for k, v in row.items() if k in meta_names}
            data["description"] = row.get("description_short", "")
            data["has_ou_data"] = row["has_ou_data"].lower() == "true"
            data["is_divided_by_gender"] = row["is_divided_by_gender"].lower() == "true"
            metas.append(KpiMeta(**data))
            categories[row["id"]] = row.get("category", "")
    return metas, categories


@transaction.atomic
def load_curated_catalogue(path: Path = CURATED_CSV) -> Counts:
    """The shipped STEAM starting set (data/kolada_kpis_steam.csv). Idempotent: a second run changes nothing.
    The CSV carries the first sentence of each description (data/SOURCES.md)."""
    metas, categories = _read_curated(path)
    counts = upsert_kpis(metas, curated=categories)
    dropped = Kpi.objects.filter(curated=True).exclude(id__in=categories).update(curated=False)
    counts.updated += dropped
    return counts


def _ensure_kpis(ids: set[str]) -> None:
    """Values may arrive for a KPI outside the catalogue; it gets a placeholder until metadata is fetched."""
    missing = ids - set(Kpi.objects.filter(id__in=ids).values_list("id", flat=True))
    Kpi.objects.bulk_create([Kpi(id=i, title=i) for i in sorted(missing)], ignore_conflicts=True)


@transaction.atomic
def store_values(rows: Iterable[ValueRow], *, fetched_at: datetime, run: FetchRun | None = None) -> Counts:
    """Upsert values; a row equal to the stored one (value, count, status) is left alone, a changed one gets
    its revision number raised and the old value kept in KpiValueRevision. One transaction: a failure
    writes nothing.

    Two ways to the same result, chosen by database (kolada.import_600k_s in `make bench`, 626,400 values,
    docs/operations.md): SQLite compares in Python against the stored slice (~18 s first import); on
    PostgreSQL that same loop took ~94 s, ~¾ of it psycopg quoting 6.9 million parameters client-side into
    7,000 multi-row INSERTs, so there the rows are COPYed into a staging table and compared and written by
    three set-based statements (_store_staged)."""
    incoming: dict[tuple, ValueRow] = {row.key: row for row in rows}  # the last of duplicates wins
    if not incoming:
        return Counts()
    _ensure_kpis({key[0] for key in incoming})
    if connection.vendor == "postgresql":
        return _store_staged(list(incoming.values()), fetched_at=fetched_at, run=run)
    return _store_compared(incoming, fetched_at=fetched_at, run=run)


def _store_compared(incoming: dict[tuple, ValueRow], *, fetched_at: datetime, run: FetchRun | None) -> Counts:
    """The portable way (used on SQLite): read the existing slice in one query per batch of KPIs, compare in
    Python, write only new or changed rows with _upsert and the replaced values as revisions."""
    counts = Counts()
    kpi_ids = sorted({key[0] for key in incoming})
    periods = sorted({key[3] for key in incoming})
    stamp = connection.ops.adapt_datetimefield_value(fetched_at)

    for start in range(0, len(kpi_ids), KPI_SLICE):
        slice_ids = set(kpi_ids[start : start + KPI_SLICE])
        existing = {
            (k, t, a, p, g): (pk, v, c, s, r, f)
            for pk, k, t, a, p, g, v, c, s, r, f in KpiValue.objects.filter(
                kpi_id__in=slice_ids, period__in=periods
            ).values_list(
                "pk", "kpi_id", "area_type", "area_code", "period", "gender",
                "value", "count", "status", "revision", "fetched_at",
            )
        }  # fmt: skip
        writes: list[tuple] = []
        revisions: list[KpiValueRevision] = []
        for key, row in incoming.items():
            if key[0] not in slice_ids:
                continue
            old = existing.get(key)
            revision = 1
            if old is not None:
                pk, value, count, status, revision, old_fetched = old
                if value == row.value and count == row.count and status == row.status:
                    counts.unchanged += 1
                    continue
                revisions.append(
                    KpiValueRevision(
                        kpi_value_id=pk,
                        revision=revision,
                        old_value=value,
                        old_count=count,
                        old_status=status,
                        old_fetched_at=old_fetched,
                        new_value=row.value,
                        changed_at=fetched_at,
                        fetch_run=run,
                    )
                )
                revision += 1
                counts.updated += 1
            else:
                counts.created += 1
            writes.append((*key, row.value, row.count, row.status, SOURCE_KOLADA, stamp, revision))
        _upsert(writes)
        KpiValueRevision.objects.bulk_create(revisions, batch_size=BATCH)
    return counts


# --- PostgreSQL: COPY into a staging table, then set-based SQL ---------------------------------------------
# Measured on PostgreSQL 15 (2 cores, 626,400 values, see store_values): the compare-in-Python way spent
# most of its ~94 s in psycopg building the SQL text of 7,000 INSERTs with 90 rows × 11 parameters each,
# and ~10 s committing (the deferred foreign-key check on kpi runs once per inserted row, whichever way the
# rows arrive). COPY moves the rows in one stream, and the comparison becomes a hash join in the server.
# Same rules as _store_compared: equal (value, count, status) — NULL equal to NULL — is left untouched
# (fetched_at and revision too), a difference writes a revision with the old values and raises `revision`.

STAGE = "kolada_value_stage"
ANALYZE_FROM = 10_000  # staged rows from which the value table's statistics are refreshed first
STAGE_COLUMNS = "kpi_id, area_type, area_code, period, gender, value, count, status"
KEY_MATCH = (
    "(v.kpi_id, v.area_type, v.area_code, v.period, v.gender) = "
    "(s.kpi_id, s.area_type, s.area_code, s.period, s.gender)"
)


def _stage_sql() -> dict[str, str]:
    """The statements, with the model's table names (only identifiers from model metadata are interpolated;
    values are parameters)."""
    values, revisions = KpiValue._meta.db_table, KpiValueRevision._meta.db_table
    return {
        "create": f"""
            CREATE TEMPORARY TABLE {STAGE} (
                kpi_id varchar(16) NOT NULL, area_type varchar(12) NOT NULL, area_code varchar(32) NOT NULL,
                period smallint NOT NULL, gender varchar(1) NOT NULL,
                value double precision, count integer, status varchar(40) NOT NULL
            ) ON COMMIT DROP""",
        # One join finds the changed rows; the revisions are written from the same snapshot that the UPDATE
        # then overwrites (data-modifying CTEs all see the table as it was before the statement).
        "update": f"""
            WITH changed AS (
                SELECT v.id, v.revision, v.value AS old_value, v.count AS old_count, v.status AS old_status,
                       v.fetched_at AS old_fetched_at, s.value, s.count, s.status
                FROM {STAGE} s JOIN {values} v ON {KEY_MATCH}
                WHERE (v.value, v.count, v.status) IS DISTINCT FROM (s.value, s.count, s.status)
            ), revised AS (
                INSERT INTO {revisions} (kpi_value_id, revision, old_value, old_count, old_status,
                                         old_fetched_at, new_value, changed_at, fetch_run_id)
                SELECT id, revision, old_value, old_count, old_status, old_fetched_at, value,
                       %(fetched_at)s, %(run)s
                FROM changed
            )
            UPDATE {values} v
            SET value = c.value, count = c.count, status = c.status, source = %(source)s,
                fetched_at = %(fetched_at)s, revision = c.revision + 1
            FROM changed c WHERE v.id = c.id""",  # noqa: S608
        # Every staged row that is already stored (unchanged, or just updated above) conflicts on the unique
        # key and is skipped by one index probe; the rest are new. Not `WHERE NOT EXISTS (…)`: on a table whose
        # statistics said empty, the planner took a nested loop that rescanned the value table — including the
        # rows this very statement had inserted — for each staged row (O(n²); killed after 10 minutes).
        # DO NOTHING rather than _upsert's DO UPDATE: a row another fetch inserted meanwhile keeps its value
        # (and is counted unchanged) instead of being replaced without a revision.
        "insert": f"""
            INSERT INTO {values} ({STAGE_COLUMNS}, source, fetched_at, revision)
            SELECT {STAGE_COLUMNS}, %(source)s, %(fetched_at)s, 1 FROM {STAGE}
            ON CONFLICT (kpi_id, area_type, area_code, period, gender) DO NOTHING""",  # noqa: S608
    }


def _store_staged(rows: list[ValueRow], *, fetched_at: datetime, run: FetchRun | None) -> Counts:
    """PostgreSQL: COPY the (deduplicated) rows into a temporary table, then UPDATE the changed rows while
    recording their revisions, then INSERT the new ones. Counts come from the statements' row counts."""
    sql = _stage_sql()
    params = {"fetched_at": fetched_at, "run": run.pk if run else None, "source": SOURCE_KOLADA}
    with connection.cursor() as cursor:
        cursor.execute(sql["create"])
        with cursor.copy(f"COPY {STAGE} ({STAGE_COLUMNS}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(
                    (r.kpi, r.area_type, r.area_code, r.period, r.gender, r.value, r.count, r.status)
                )
        # The UPDATE's join needs true row counts on both sides. Right after a large import (or a mass delete)
        # the value table's statistics still say what autovacuum last saw, e.g. 0 rows; with that belief the
        # planner may loop over one table and scan the other per row (626,400² row visits). So a large import
        # refreshes the value table's statistics first (a sample; ~0.2 s at 626,400 rows), and every call
        # the staged rows'.
        cursor.execute(f"ANALYZE {STAGE}")
        if len(rows) >= ANALYZE_FROM:
            cursor.execute(f"ANALYZE {KpiValue._meta.db_table}")
        cursor.execute(sql["update"], params)
        updated = cursor.rowcount
        cursor.execute(sql["insert"], params)
        created = cursor.rowcount
        # ON COMMIT DROP would do at the end of the outermost transaction; a caller's second call inside the
        # same transaction needs the name free now.
        cursor.execute(f"DROP TABLE {STAGE}")
    return Counts(created=created, updated=updated, unchanged=len(rows) - created - updated)


def start_fetch_run(kpi_ids, area_codes, years) -> FetchRun:
    return FetchRun.objects.create(kpi_ids=list(kpi_ids), area_codes=list(area_codes), years=list(years))


def _set_progress(run: FetchRun, progress: int, on_progress) -> None:
    run.progress = min(100, progress)
    run.save(update_fields=["progress"])
    if on_progress:
        on_progress(run)


def fetch(
    kpi_ids: Iterable[str],
    municipality_codes: Iterable[str],
    years: Iterable[int],
    *,
    client: KoladaClient,
    run: FetchRun | None = None,
    on_progress: Callable[[FetchRun], None] | None = None,
) -> FetchRun:
    """Fetch values for kpi × municipality × year and store them. Everything is fetched before anything is
    written, so a failed fetch leaves stored data exactly as it was; the run records why it failed."""
    kpi_ids, codes, years = list(kpi_ids), list(municipality_codes), [int(y) for y in years]
    run = run or start_fetch_run(kpi_ids, codes, years)
    urls = client.value_urls(kpi_ids, codes, [str(y) for y in years])
    rows: list[ValueRow] = []
    try:
        for done, url in enumerate(urls, start=1):
            rows.extend(client.values_at(url))
            _set_progress(run, 90 * done // len(urls), on_progress)
        counts = store_values(rows, fetched_at=timezone.now(), run=run)
    except (KoladaUnavailable, OSError, ValueError, KeyError, TypeError) as e:
        log.warning("Kolada fetch %s failed: %s", run.pk, e)
        run.status = FetchRun.Status.FAILED
        run.error = f"Could not fetch from Kolada, so nothing was changed and the stored figures remain: {e}"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        return run
    run.status = FetchRun.Status.OK
    run.rows_created, run.rows_updated, run.rows_unchanged = counts.created, counts.updated, counts.unchanged
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "rows_created", "rows_updated", "rows_unchanged", "finished_at"])
    _set_progress(run, 100, on_progress)
    return run


# --- the full catalogue (appended for the catalogue search page) -------------------------------------------

FULL_CSV = Path(__file__).parent / "data" / "kolada_kpi_catalog_v3_2026-03.csv"
CATALOGUE_FIELDS = [name for name in _kpi_fields(KpiMeta(id="", title="")) if name != "category"]


def _read_full_catalogue(path: Path) -> list[KpiMeta]:
    meta_names = {f.name for f in fields(KpiMeta)}
    metas = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            data = {k: (v or "") for k, v in row.items() if k in meta_names}
            data["has_ou_data"] = data.get("has_ou_data", "").lower() == "true"
            data["is_divided_by_gender"] = data.get("is_divided_by_gender", "").lower() == "true"
            metas.append(KpiMeta(**data))
    return metas


@transaction.atomic
def load_full_catalogue(path: Path = FULL_CSV) -> Counts:
    """Every KPI of the Kolada v3 catalogue (data/kolada_kpi_catalog_v3_2026-03.csv, 6099 KPIs), in bulk:
    new ones inserted, changed ones updated, equal ones left alone. `curated` and `category` are not touched,
    so the curated set keeps its marks; a second run changes nothing."""
    metas = _read_full_catalogue(path)
    existing = Kpi.objects.in_bulk([m.id for m in metas])
    now = timezone.now()
    new, changed = [], []
    counts = Counts()
    for meta in metas:
        wanted = {name: getattr(meta, name) for name in CATALOGUE_FIELDS}
        text = search_text(meta.id, meta.title, meta.description)
        kpi = existing.get(meta.id)
        if kpi is None:
            new.append(Kpi(id=meta.id, updated_at=now, search_text=text, **wanted))
        elif any(getattr(kpi, name) != value for name, value in wanted.items()) or kpi.search_text != text:
            for name, value in wanted.items():
                setattr(kpi, name, value)
            kpi.search_text, kpi.updated_at = text, now
            changed.append(kpi)
        else:
            counts.unchanged += 1
    Kpi.objects.bulk_create(new, batch_size=500)
    Kpi.objects.bulk_update(changed, [*CATALOGUE_FIELDS, "search_text", "updated_at"], batch_size=500)
    counts.created, counts.updated = len(new), len(changed)
    return counts


@transaction.atomic
def load_catalogues(full: Path = FULL_CSV, curated: Path = CURATED_CSV) -> Counts:
    """The full catalogue, then the curated STEAM marks. A curated KPI that the full catalogue carries keeps
    the full catalogue's fields and only gains `curated` and its category (the curated CSV holds a shortened
    description); one the full catalogue lacks is loaded from the curated CSV. Idempotent."""
    counts = load_full_catalogue(full)
    full_ids = {m.id for m in _read_full_catalogue(full)}
    metas, categories = _read_curated(curated)
    missing = [m for m in metas if m.id not in full_ids]
    if missing:
        extra = upsert_kpis(missing, curated=categories)
        counts.created, counts.updated = counts.created + extra.created, counts.updated + extra.updated
    for kpi in Kpi.objects.filter(id__in=set(categories) & full_ids):
        if not kpi.curated or kpi.category != categories[kpi.id]:
            Kpi.objects.filter(pk=kpi.pk).update(curated=True, category=categories[kpi.id])
            counts.updated += 1
    counts.updated += Kpi.objects.filter(curated=True).exclude(id__in=categories).update(curated=False)
    return counts
