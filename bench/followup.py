"""Benchmarks of the mid-term follow-up (kedja/followup). Called from bench/__main__.py's main() once Django is
set up on the throwaway bench database; each function makes its own data and adds its figures to `results`.

`followup.group_grid_ms` (bench_group_grid): the teacher's grid of one group, 30 students × the default
scheme's 33 columns, filled in, with an earlier round for the change — the full page through the test Client
as the group's teacher with a verified second factor (so the access check, the logged read and 990 labelled
inputs are all in the figure).

Each figure is the median wall time of k runs and, in its detail, the median CPU time of this process per
request over k more runs (time.process_time): on a shared machine the wall time mostly measures waiting for
a core, the CPU time what the page costs.

`followup.paste_block_ms` (bench_paste_block): a pasted block of 30 students × 33 columns saved by one
request to followup:cells (target < 2000 ms).

Only these benchmarks, on a throwaway SQLite database: `.venv/bin/python -m bench.followup [grid|unit|
municipality|paste ...]`; `--profile` prints a cProfile of 10 requests of each instead."""

import statistics
import time

N_STUDENTS = 30


def timed(fn, runs: int, median_ms) -> tuple[float, float]:
    """(median wall ms over `runs` runs after a warm-up, median CPU ms of this process over `runs` more)."""
    wall = median_ms(fn, runs=runs)
    cpu = []
    for _ in range(runs):
        c0 = time.process_time()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
    return wall, round(statistics.median(cpu), 2)


def figure(what: str, n: str, runs: int, wall: float, cpu: float, target: str) -> dict:
    """A result as "what, n, median of k runs" plus the CPU median."""
    return {
        "value": wall,
        "unit": "ms",
        "detail": f"{what}; {n}; wall time median of {runs} runs, CPU time {cpu} ms (median of {runs}); "
        f"target {target}",
    }


def setup_group_grid():
    """(client, url, what, n) for the grid benchmark: the data made, the teacher signed in and verified."""
    from django.test import Client
    from django.urls import reverse

    from kedja.accounts.factories import verify_second_factor
    from kedja.followup.factories import fill_round, make_group, make_round
    from kedja.followup.scheme import Layout
    from kedja.organisations.factories import (
        make_member,
        make_municipality,
        make_region,
        make_unit,
        make_user,
    )
    from kedja.organisations.roles import Role

    t0 = time.perf_counter()
    region = make_region(name="Region Uppföljningsbänk", code="")
    municipality = make_municipality(region, name="Uppföljningskommun", code="")
    school = make_unit(municipality, name="Bänkskolan")
    teacher = make_member(
        school, Role.TEACHER, make_user("bank.larare@kedja.example", full_name="Bänk Lärare")
    )
    group = make_group(school, name="7B", students=N_STUDENTS, teachers=[teacher])
    earlier = make_round(school, term="VT", year=2026)
    fill_round(earlier, seed=1)
    round_ = make_round(school, term="HT", year=2026)
    fill_round(round_, seed=2, density=0.9)
    columns = len(Layout(round_.scheme_version).columns)
    made_s = time.perf_counter() - t0

    client = Client()
    verify_second_factor(client, teacher)
    url = reverse("followup:grid", args=[round_.pk, group.pk])
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response.content.count(b'inputmode="numeric"') == N_STUDENTS * columns
    what = (
        "GET the follow-up grid of one group as its teacher with a verified second factor, in-process "
        "client, an access-log row per read"
    )
    n = (
        f"{N_STUDENTS} students × {columns} columns = {N_STUDENTS * columns} inputs, 90 % filled, an earlier "
        f"round for the change (made in {made_s:.1f} s)"
    )
    return client, url, what, n


def bench_group_grid(results: dict, median_ms, runs: int = 15) -> None:
    client, url, what, n = setup_group_grid()
    wall, cpu = timed(lambda: client.get(url), runs, median_ms)
    results["followup.group_grid_ms"] = figure(what, n, runs, wall, cpu, "< 50 ms")


N_UNITS = 20
PER_UNIT = 500


def setup_municipality_aggregate():
    """`followup.municipality_aggregate_ms`: the follow-up overview of a municipality with 20 school units ×
    500 students (10,000 filled rows in the autumn round), computed, suppressed and rendered through the test
    Client for a head of schools — the units, gender and subject tables and the trend."""
    from django.test import Client
    from django.urls import reverse

    from kedja.followup.factories import fill_round, make_group, make_round
    from kedja.organisations.factories import (
        make_member,
        make_municipality,
        make_region,
        make_unit,
        make_user,
    )
    from kedja.organisations.roles import Role

    t0 = time.perf_counter()
    region = make_region(name="Region Aggregatbänk", code="")
    municipality = make_municipality(region, name="Aggregatkommun", code="")
    head = make_member(municipality, Role.HEAD_OF_SCHOOLS, make_user("bank.skolchef@kedja.example"))
    for n in range(N_UNITS):
        unit = make_unit(municipality, name=f"Aggregatskola {n + 1:02d}")
        for g in range(PER_UNIT // 25):
            make_group(unit, name=f"G{g + 1:02d}", students=25)
        fill_round(make_round(unit, term="HT", year=2026), seed=n, density=0.95)
    made_s = time.perf_counter() - t0

    client = Client()
    client.force_login(head)
    url = reverse("followup:overview", args=[municipality.pk])
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response.content.count(b"Aggregatskola") >= N_UNITS
    what = (
        "GET the follow-up overview of a municipality as its head of schools, in-process client: rows "
        "streamed and counted, suppressed (units × levels, gender, subjects, trend) and rendered"
    )
    n = f"{N_UNITS} units × {PER_UNIT} students = {N_UNITS * PER_UNIT} rows, 95 % filled (made in {made_s:.1f} s)"
    return client, url, what, n


def bench_municipality_aggregate(results: dict, median_ms, runs: int = 10) -> None:
    client, url, what, n = setup_municipality_aggregate()
    wall, cpu = timed(lambda: client.get(url), runs, median_ms)
    results["followup.municipality_aggregate_ms"] = figure(what, n, runs, wall, cpu, "< 300 ms")


UNIT_GROUPS = 20
UNIT_STUDENTS = 30


def setup_unit_view():
    """`followup.unit_view_ms`: the principal's unit view of a filled round over 600 students (20 groups × 30)
    — counts per group, gender and subject column — through the test Client with a verified second factor
    (the access check, the logged read of 600 students and the page are all in the figure)."""
    from django.test import Client
    from django.urls import reverse

    from kedja.accounts.factories import verify_second_factor
    from kedja.followup.factories import fill_round, make_group, make_round
    from kedja.organisations.factories import (
        make_member,
        make_municipality,
        make_region,
        make_unit,
        make_user,
    )
    from kedja.organisations.roles import Role

    t0 = time.perf_counter()
    region = make_region(name="Region Enhetsbänk", code="")
    municipality = make_municipality(region, name="Enhetskommun", code="")
    school = make_unit(municipality, name="Enhetsbänkskolan")
    principal = make_member(
        school, Role.PRINCIPAL, make_user("bank.rektor@kedja.example", full_name="Bänk Rektor")
    )
    for n in range(UNIT_GROUPS):
        make_group(school, name=f"{7 + n % 3}{chr(65 + n)}", students=UNIT_STUDENTS)
    round_ = make_round(school, term="HT", year=2026)
    fill_round(round_, seed=3, density=0.9)
    made_s = time.perf_counter() - t0

    client = Client()
    verify_second_factor(client, principal)
    url = reverse("followup:unit", args=[school.pk])
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response.context["summary"].students == UNIT_GROUPS * UNIT_STUDENTS
    what = (
        "GET the principal's unit view of a round (levels per group and gender, scores per subject) with a "
        "verified second factor, in-process client, an access-log row per read"
    )
    n = (
        f"{UNIT_GROUPS} groups × {UNIT_STUDENTS} students = {UNIT_GROUPS * UNIT_STUDENTS} rows, 90 % filled "
        f"(made in {made_s:.1f} s)"
    )
    return client, url, what, n


def bench_unit_view(results: dict, median_ms, runs: int = 15) -> None:
    client, url, what, n = setup_unit_view()
    wall, cpu = timed(lambda: client.get(url), runs, median_ms)
    results["followup.unit_view_ms"] = figure(what, n, runs, wall, cpu, "< 100 ms")


def setup_paste_block():
    """`followup.paste_block_ms`: a block of 30 students × 33 columns pasted into the grid (or "save all"
    with every cell changed) — ONE POST to followup:cells through the test Client as the group's teacher with
    a verified second factor: every cell checked, the rows locked and written in one transaction, one
    access-log entry, the per-cell answer. Each run changes every cell (1 ↔ 2), so each run really writes."""
    import json

    from django.test import Client
    from django.urls import reverse

    from kedja.accounts.factories import verify_second_factor
    from kedja.followup.factories import make_group, make_round
    from kedja.followup.models import Row
    from kedja.followup.scheme import Layout
    from kedja.organisations.factories import (
        make_member,
        make_municipality,
        make_region,
        make_unit,
        make_user,
    )
    from kedja.organisations.roles import Role

    t0 = time.perf_counter()
    region = make_region(name="Region Klistrabänk", code="")
    municipality = make_municipality(region, name="Klistrakommun", code="")
    school = make_unit(municipality, name="Klistraskolan")
    teacher = make_member(
        school, Role.TEACHER, make_user("bank.klistra@kedja.example", full_name="Klistra Lärare")
    )
    group = make_group(school, name="9K", students=N_STUDENTS, teachers=[teacher])
    round_ = make_round(school, term="HT", year=2026)
    codes = [c.code for c in Layout(round_.scheme_version).columns]
    rows = list(Row.objects.filter(round=round_, group=group).values_list("pk", flat=True))
    made_s = time.perf_counter() - t0

    client = Client()
    verify_second_factor(client, teacher)
    url = reverse("followup:cells", args=[round_.pk, group.pk])
    state = {"shown": ""}

    def paste():
        value = "1" if state["shown"] != "1" else "2"
        block = [[pk, code, value, state["shown"]] for pk in rows for code in codes]
        response = client.post(url, {"cells": json.dumps(block)})
        assert response.status_code == 200 and response.json()["saved"] == len(block), response.content[:200]
        state["shown"] = value

    paste()
    what = (
        "POST a pasted block to the follow-up grid (followup:cells) as the group's teacher with a verified "
        "second factor, in-process client: every cell checked, one transaction, one access-log entry"
    )
    n = f"{len(rows)} students × {len(codes)} columns = {len(rows) * len(codes)} cells, all changed each run (made in {made_s:.1f} s)"
    return client, url, what, n, paste


def bench_paste_block(results: dict, median_ms, runs: int = 15) -> None:
    _client, _url, what, n, paste = setup_paste_block()
    wall, cpu = timed(paste, runs, median_ms)
    results["followup.paste_block_ms"] = figure(what, n, runs, wall, cpu, "< 2000 ms")


SETUPS = {
    "grid": (setup_group_grid, bench_group_grid),
    "unit": (setup_unit_view, bench_unit_view),
    "municipality": (setup_municipality_aggregate, bench_municipality_aggregate),
    "paste": (setup_paste_block, bench_paste_block),
}


if __name__ == "__main__":
    # `.venv/bin/python -m bench.followup [--profile] [grid unit municipality]`: a throwaway SQLite database
    # as make bench; --profile prints cProfile's top functions of 10 requests instead of the figures.
    import cProfile
    import json
    import os
    import pstats
    import sys
    import tempfile
    from pathlib import Path

    args = sys.argv[1:]
    profile = "--profile" in args
    chosen = [a for a in args if a in SETUPS] or list(SETUPS)
    root = Path(__file__).resolve().parent.parent
    tmp = Path(tempfile.mkdtemp(prefix="kedja-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "kedja.settings"
    sys.path.insert(0, str(root))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from bench.__main__ import machine_speed, median_ms

    setup_test_environment()
    call_command("migrate", verbosity=0)
    found: dict = {} if profile else {"machine.python_loop_ms": machine_speed()}
    for name in chosen:
        setup, bench = SETUPS[name]
        if not profile:
            bench(found, median_ms)
            continue
        client, url, what, _n, *request = setup()
        request = request[0] if request else (lambda client=client, url=url: client.get(url))
        request()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(10):
            request()
        profiler.disable()
        print(f"=== {name}: {what} — 10 requests")
        profiler.dump_stats(tmp / f"{name}.prof")
        print(f"=== saved as {tmp / f'{name}.prof'}")
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(25)
    if found:
        print(json.dumps(found, indent=2, ensure_ascii=False))
