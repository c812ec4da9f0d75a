"""Storing what Kolada gave us (DOMAIN.md §4: "stores what it fetched with source and time, and works fully
from stored data when the source is unreachable").

Every write to the Kolada tables goes through these functions. `store_values` is a bulk upsert that still
records a revision whenever a re-fetch changes a stored value: the existing slice is read in one query per
batch of KPIs, compared in Python, and only new or changed rows are written.
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
from .models import SOURCE_KOLADA, FetchRun, Kpi, KpiValue, KpiValueRevision

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


@transaction.atomic
def load_curated_catalogue(path: Path = CURATED_CSV) -> Counts:
    """The shipped STEAM starting set (data/kolada_kpis_steam.csv). Idempotent: a second run changes nothing.
    The CSV carries the first sentence of each description (data/SOURCES.md)."""
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
    its revision number raised and the old value kept in KpiValueRevision."""
    incoming: dict[tuple, ValueRow] = {row.key: row for row in rows}  # the last of duplicates wins
    counts = Counts()
    if not incoming:
        return counts
    kpi_ids = sorted({key[0] for key in incoming})
    periods = sorted({key[3] for key in incoming})
    _ensure_kpis(set(kpi_ids))
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
