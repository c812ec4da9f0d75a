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

    from kedja.access import policy
    from kedja.organisations.demo import DEMO_PASSWORD, build_demo
    from kedja.organisations.models import Organisation
    from kedja.organisations.reference import load_reference_data

    setup_test_environment()
    call_command("migrate", verbosity=0)
    results: dict[str, dict] = {}

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
    n_visible = policy.visible_organisations(officer).count()

    def visible():
        policy.forget(officer)
        list(policy.visible_organisations(officer))

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

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for name, r in results.items():
        print(f"{name:42} {r['value']:>10} {r['unit']:<16} {r['detail']}")
    print(f"Wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
