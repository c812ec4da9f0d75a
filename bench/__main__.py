"""`make bench`: every benchmark makes its own data in a throwaway SQLite database and reports the median
of several runs into var/bench/results.json as {"name": {"value", "unit", "detail"}}."""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "bench" / "results.json"


def median_ms(fn, runs: int = 15) -> float:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(samples), 2)


def machine_speed() -> dict:
    """A fixed piece of pure Python (a 10-million-step loop), so figures from different days can be put side
    by side: the machines here are shared, and on a slow day every figure grows by the same factor."""

    def loop():
        total = 0
        for i in range(10_000_000):
            total += i * i
        return total

    return {
        "value": median_ms(loop, runs=3),
        "unit": "ms",
        "detail": "calibration, not a product figure: sum of i*i for 10 million i in pure Python, median of 3",
    }


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="kedja-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "kedja.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from kedja.organisations import access as organisation_access
    from kedja.organisations.demo import DEMO_PASSWORD, build_demo
    from kedja.organisations.models import Organisation
    from kedja.organisations.reference import load_reference_data

    setup_test_environment()
    call_command("migrate", verbosity=0)
    results: dict[str, dict] = {"machine.python_loop_ms": machine_speed()}

    t0 = time.perf_counter()
    load_reference_data()
    first = (time.perf_counter() - t0) * 1000
    results["reference_data_first_load"] = {
        "value": round(first, 1),
        "unit": "ms",
        "detail": f"load 683 regions+municipalities (SE+NO) into an empty database, n={Organisation.objects.count()}, 1 run",
    }
    results["reference_data_reload"] = {
        "value": median_ms(load_reference_data, runs=5),
        "unit": "ms",
        "detail": "idempotent second load (0 changes), 683 organisations, median of 5 runs",
    }

    from kedja.accounts.models import User
    from kedja.assessments.demo import build_assessment_demo
    from kedja.assessments.models import Answer, Round

    people: dict = {}
    build_demo(people)
    build_assessment_demo(people)

    officer = User.objects.get(email="regionutvecklare@kedja.example")
    n_visible = organisation_access.visible_organisations(officer).count()

    def visible():
        organisation_access.forget(officer)
        list(organisation_access.visible_organisations(officer))

    results["visible_organisations_regional_officer"] = {
        "value": median_ms(visible, runs=50),
        "unit": "ms",
        "detail": f"access layer: organisations a regional officer may see ({n_visible} rows of "
        f"{Organisation.objects.count()}), median of 50 runs",
    }

    for label, email in (("regional_officer", "regionutvecklare"), ("coordinator", "samordnare")):
        client = Client()
        assert (
            client.post(
                reverse("accounts:login"), {"username": f"{email}@kedja.example", "password": DEMO_PASSWORD}
            ).status_code
            == 302
        )
        results[f"start_page_{label}"] = {
            "value": median_ms(lambda c=client: c.get(reverse("home:start")), runs=30),
            "unit": "ms",
            "detail": f"GET / (start page) as the demo {label.replace('_', ' ')}, in-process client, median of 30 runs",
        }

    coordinator = Client()
    coordinator.post(
        reverse("accounts:login"), {"username": "samordnare@kedja.example", "password": DEMO_PASSWORD}
    )
    round_ = Round.objects.get(title="Självskattning 2026", municipality__code="1880")
    closed = Round.objects.filter(title="Självskattning 2025", municipality__code="1880").get()
    n_items = round_.framework_version.items().count()
    for label, r in (("open", round_), ("closed", closed)):
        n_answers = Answer.objects.filter(respondent__round=r).count()
        results[f"assessments.result_page_{label}_round"] = {
            "value": median_ms(
                lambda r=r: coordinator.get(reverse("assessments:result", args=[r.pk])), runs=15
            ),
            "unit": "ms",
            "detail": f"GET result page as the coordinator: {n_items} items, {n_answers} answers, progress and "
            f"the region's distribution over 11 shared rounds, median of 15 runs",
        }
    results["assessments.report_pdf"] = {
        "value": median_ms(
            lambda: coordinator.get(reverse("assessments:export_pdf", args=[closed.pk])), runs=5
        ),
        "unit": "ms",
        "detail": f"PDF report (WeasyPrint) of a closed round with {n_items} items × 3 respondents, median of 5 runs",
    }
    officer_client = Client()
    officer_client.post(
        reverse("accounts:login"), {"username": "regionutvecklare@kedja.example", "password": DEMO_PASSWORD}
    )
    region = Round.objects.filter(municipality__code="1880").first().municipality.parent
    results["assessments.region_overview"] = {
        "value": median_ms(
            lambda: officer_client.get(reverse("assessments:region_overview", args=[region.pk])), runs=15
        ),
        "unit": "ms",
        "detail": "GET the region's heat map as the regional officer: 12 municipalities, 11 shared closed "
        "rounds of the 33-item STEAM framework, median of 15 runs",
    }

    # SQLite under concurrent writers: 8 processes × 50 read-then-write transactions.
    db = tmp / "concurrency.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "PYTHONPATH": str(ROOT)}
    worker = [sys.executable, "-m", "kedja.core.tests.sqlite_worker"]
    subprocess.run([*worker, "init"], env=env, cwd=ROOT, check=True)
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen([*worker, "write", "50"], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    locked = sum(json.loads(p.communicate()[0])["locked"] for p in procs)
    elapsed = time.perf_counter() - t0
    results["sqlite_concurrent_writes"] = {
        "value": round(400 / elapsed, 1),
        "unit": "transactions/s",
        "detail": f"8 processes × 50 read-then-write transactions on WAL+IMMEDIATE SQLite (incl. process start), "
        f"{locked} 'database is locked' errors, 1 run",
    }

    bench_gaps(results)
    from bench.indicators import bench_indicator_page

    bench_indicator_page(results, median_ms)
    from bench.followup import bench_group_grid, bench_paste_block, bench_unit_view

    bench_group_grid(results, median_ms)
    bench_paste_block(results, median_ms)
    from bench.followup import bench_municipality_aggregate

    bench_municipality_aggregate(results, median_ms)
    bench_unit_view(results, median_ms)
    bench_kolada(results)
    from bench.reports import bench_reports

    bench_reports(results)

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, r in results.items():
        print(f"{name:42} {r['value']:>10} {r['unit']:<16} {r['detail']}")
    print(f"Wrote {RESULTS.relative_to(ROOT)}")


# --- The gap analysis (kedja/initiatives/gap_report.py) ---------------------------------------------------


def bench_gaps(results: dict) -> None:
    """A region of 33 municipalities with 500 initiatives each, made fast: Initiative and Cell rows are
    bulk-created directly (bypassing actions.save_initiative, which would take minutes) but shaped as it
    writes them — 1–3 consecutive stages × 1–2 STEAM areas and 1–2 target groups per initiative, ~40 %
    robust, sharing mostly "region", ~10 % already ended. Then the region's matrix as its regional officer
    and one municipality's page (matrices, ranked gaps with suggestions) as its coordinator."""
    import random
    from datetime import timedelta

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from kedja.assessments.models import Priority, Round
    from kedja.frameworks.actions import load_shipped_frameworks
    from kedja.frameworks.models import Framework
    from kedja.initiatives.models import Cell, Initiative, Stage, TargetGroup
    from kedja.organisations.factories import make_member, make_municipality, make_region, make_user
    from kedja.organisations.roles import Role

    n_municipalities, per_municipality = 33, 500
    rng = random.Random(4)
    load_shipped_frameworks()
    steam = Framework.objects.get(owner=None, key="steam-municipal")
    version = steam.latest_published()
    areas = [a.code for a in version.areas()]
    stages, groups = list(Stage.values), [g for g in TargetGroup.values if g != TargetGroup.ALL]
    today = timezone.localdate()

    t0 = time.perf_counter()
    region = make_region(name="Region Bänk", code="")
    municipalities = [
        make_municipality(region, name=f"Bänkkommun {i + 1:02d}", code="") for i in range(n_municipalities)
    ]
    shapes = []
    initiatives = []
    for m in municipalities:
        for n in range(per_municipality):
            first = rng.randrange(len(stages))
            shape = {
                "stages": stages[first : first + rng.randint(1, 3)],
                "areas": rng.sample(areas, rng.randint(1, 2)),
                "groups": ["all"] if rng.random() < 0.5 else rng.sample(groups, rng.randint(1, 2)),
                "robust": rng.random() < 0.4,
                "sharing": rng.choices(["region", "all", "municipality"], weights=[75, 15, 10])[0],
                "ends": today - timedelta(days=30) if rng.random() < 0.1 else None,
            }
            shapes.append(shape)
            initiatives.append(
                Initiative(
                    municipality=m,
                    owner=m,
                    name=f"Insats {n + 1} i {m.name}",
                    responsible_function="Utbildningsförvaltningen" if shape["robust"] else "",
                    stages=shape["stages"],
                    target_groups=shape["groups"],
                    funding="ordinary" if shape["robust"] else "project",
                    funding_ends=None if shape["robust"] else today + timedelta(days=200),
                    starts=today - timedelta(days=400),
                    ends=shape["ends"],
                    sharing=shape["sharing"],
                    robust=shape["robust"],
                )
            )
    Initiative.objects.bulk_create(initiatives, batch_size=2000)
    cells = []
    for initiative, shape in zip(initiatives, shapes, strict=True):
        common = {
            "initiative_id": initiative.pk,
            "municipality_id": initiative.municipality_id,
            "robust": shape["robust"],
            "sharing": shape["sharing"],
            "ends": shape["ends"],
        }
        for stage in shape["stages"]:
            cells += [Cell(stage=stage, framework=steam, area=area, **common) for area in shape["areas"]]
            cells += [Cell(stage=stage, target_group=group, **common) for group in shape["groups"]]
    Cell.objects.bulk_create(cells, batch_size=5000)
    home = municipalities[0]
    round_ = Round.objects.create(
        municipality=home,
        framework_version=version,
        title="Självskattning",
        status=Round.Status.CLOSED,
        closed_at=timezone.now(),
    )
    for node in list(version.items())[::7]:
        Priority.objects.create(round=round_, node=node)
    made_s = time.perf_counter() - t0

    officer = Client()
    officer.force_login(
        make_member(region, Role.REGIONAL_OFFICER, make_user(email="bank.region@kedja.example"))
    )
    coordinator = Client()
    coordinator.force_login(
        make_member(home, Role.MUNICIPAL_COORDINATOR, make_user(email="bank.samordnare@kedja.example"))
    )
    region_url = reverse("initiatives:region_gaps", args=[region.pk])
    municipality_url = reverse("initiatives:gaps", args=[home.pk])
    assert officer.get(region_url).status_code == 200
    assert coordinator.get(municipality_url).status_code == 200
    data = (
        f"{n_municipalities} municipalities × {per_municipality} initiatives, {len(cells)} gap cells "
        f"(made in {made_s:.1f} s)"
    )
    results["gaps.region_matrix_ms"] = {
        "value": median_ms(lambda: officer.get(region_url), runs=15),
        "unit": "ms",
        "detail": f"GET the region's gap matrix (municipalities × stages, all STEAM areas, shared only) as its "
        f"regional officer, in-process client: {data}, median of 15 runs",
    }
    results["gaps.municipality_matrix_ms"] = {
        "value": median_ms(lambda: coordinator.get(municipality_url), runs=15),
        "unit": "ms",
        "detail": f"GET one municipality's gap page (both matrices, ranked gaps with priorities and the "
        f"region's shared examples) as its coordinator, in-process client: {data}, median of 15 runs",
    }


# main() points DATABASE_URL at a throwaway SQLite file; a PostgreSQL URL given to `make bench` is kept here
# (read at import, before main() runs) for the kolada.import_600k_s.postgres figure. The figure is measured in
# a throwaway database created on that server and dropped afterwards, never in the database the URL names.
# Without a server at hand: `scripts/with_postgres.sh make bench` starts a temporary cluster for the run
# (KEDJA_TEST_PG_PORT picks its port).
KOLADA_POSTGRES_URL = (
    os.environ.get("DATABASE_URL", "") if os.environ.get("DATABASE_URL", "").startswith("postgres") else ""
)
KOLADA_CHANGED_EVERY = 100  # the re-import changes every 100th value (1 %), every 5th of those to missing


def kolada_measure() -> dict:
    """Kolada import: 290 municipalities × 60 curated KPIs × 12 years × 3 genders = 626,400 values, built in
    the recorded v3 shape (kedja/kolada/tests/data, one object per kpi × municipality × year with nested T/K/M
    values), random values, parsed by the real parser and stored by store_values into the current database.
    Then two re-imports: the same rows (nothing written), and the rows with 1 % of values changed (a revision
    each). One run each, since a run writes 626k rows; the counts are checked so a fast wrong answer fails."""
    import dataclasses
    import random

    from django.db import connection
    from django.utils import timezone

    from kedja.kolada.client import parse_values
    from kedja.kolada.models import Kpi, KpiValue, KpiValueRevision
    from kedja.kolada.store import load_curated_catalogue, store_values

    data = ROOT / "kedja" / "kolada" / "tests" / "data"
    nested = json.loads((data / "v3_data_N21704_year2023_omsorgsradar_fixture.json").read_text())
    recorded = nested["values"][0]
    municipalities = json.loads((data / "v3_municipality_values_rkolada_sysdata_2026-03-23.json").read_text())
    codes = [m["id"] for m in municipalities if m["type"] == "K"]
    load_curated_catalogue()
    kpis = list(Kpi.objects.filter(curated=True).values_list("id", flat=True)[:60])
    rng = random.Random(1880)
    payload = {
        "values": [
            {
                "kpi": kpi,
                "period": year,
                "municipality": code,
                "values": [dict(v, value=round(rng.uniform(0, 100), 6)) for v in recorded["values"]],
            }
            for kpi in kpis
            for code in codes
            for year in range(2013, 2025)
        ]
    }
    rows = parse_values(payload)
    changed = [
        dataclasses.replace(row, value=None if i % (5 * KOLADA_CHANGED_EVERY) == 0 else row.value + 1)
        if i % KOLADA_CHANGED_EVERY == 0
        else row
        for i, row in enumerate(rows)
    ]
    n_changed = len(range(0, len(rows), KOLADA_CHANGED_EVERY))
    KpiValue.objects.all().delete()

    def timed(batch):
        t0 = time.perf_counter()
        counts = store_values(batch, fetched_at=timezone.now())
        return counts, time.perf_counter() - t0

    first, first_s = timed(rows)
    assert first.created == len(rows) == KpiValue.objects.count()
    same, same_s = timed(rows)
    assert (same.created, same.updated, same.unchanged) == (0, 0, len(rows))
    revised, revised_s = timed(changed)
    assert (revised.created, revised.updated) == (0, n_changed)
    assert KpiValueRevision.objects.count() == n_changed
    shape = f"{len(codes)} municipalities × {len(kpis)} KPIs × 12 years × 3 genders = {len(rows):,} values"
    return {
        "value": round(first_s, 2),
        "unit": "s",
        "detail": f"store_values into an empty {connection.vendor} table: {shape}; re-import of the same rows "
        f"(0 written) {same_s:.2f} s; re-import with 1 % changed ({n_changed:,} updated with a revision each, "
        f"{n_changed // 5:,} of them to missing) {revised_s:.2f} s; 1 run each",
    }


KOLADA_CHILD = """
import json, os, sys
sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "kedja.settings"
import django
django.setup()
from django.db import connection
# A throwaway database on the given server (created, migrated, dropped by Django's test machinery), named
# per process so it collides neither with the database the URL names nor with a test run's test_kedja.
connection.settings_dict["TEST"]["NAME"] = f"kedja_bench_{os.getpid()}"
name = connection.settings_dict["NAME"]
connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
try:
    from bench.__main__ import kolada_measure
    print("KOLADA-RESULT " + json.dumps(kolada_measure(), ensure_ascii=False), flush=True)
finally:
    connection.creation.destroy_test_db(name, verbosity=0)
"""


def bench_kolada(results: dict) -> None:
    results["kolada.import_600k_s.sqlite"] = kolada_measure()
    if not KOLADA_POSTGRES_URL:
        results["kolada.import_600k_s.sqlite"]["detail"] += (
            "; no .postgres figure: DATABASE_URL did not point at PostgreSQL when the bench started "
            "(scripts/with_postgres.sh make bench gives one)"
        )
        return
    # A child process, because this process's Django is already set up on the throwaway SQLite database.
    env = {**os.environ, "DATABASE_URL": KOLADA_POSTGRES_URL}
    done = subprocess.run(
        [sys.executable, "-c", KOLADA_CHILD], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("KOLADA-RESULT ")), "")
    if done.returncode or not line:
        results["kolada.import_600k_s.sqlite"]["detail"] += (
            f"; the .postgres run failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}"
        )
        return
    results["kolada.import_600k_s.postgres"] = json.loads(line.removeprefix("KOLADA-RESULT "))


if __name__ == "__main__":
    main()
