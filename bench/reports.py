"""`reports.strategy_pdf_s` and `reports.strategy_docx_s`: the STEAM strategy and action plan
(kedja/plans/documents) for a municipality with 100 initiatives, 40 goals each with an indicator of five
years of values, and 60 actions — gathered and written as PDF (WeasyPrint) and as Word (python-docx).
Targets: under 5 s and 2 s. `make_plan_data` is also the tests' builder (kedja/plans/tests)."""

import random
import time
from datetime import date, timedelta

STATUSES = ["draft", "planned", "in_progress", "in_progress", "done", "paused"]
FUNCTIONS = ["Utbildningsförvaltningen", "Näringslivsenheten", "Rektorsgruppen", "Kultur och fritid"]


def make_plan_data(
    municipality, *, initiatives: int, goals: int, actions: int, seed: int = 8, framework=None
):
    """A framework (the shipped STEAM one if loaded), a self-assessment round with answers, initiatives,
    goals (main goals with sub-goals) each followed by one indicator with values, and actions tied to the
    goals. Returns the framework version used."""
    from kedja.assessments.factories import add_respondent, answer_all, make_round
    from kedja.frameworks.factories import make_framework_version
    from kedja.frameworks.selectors import DEFAULT_FRAMEWORK_KEY, default_framework
    from kedja.indicators.factories import make_goal, make_indicator
    from kedja.initiatives.factories import make_initiative
    from kedja.initiatives.models import Stage
    from kedja.organisations.factories import make_user
    from kedja.plans.models import Action

    rng = random.Random(seed)
    framework = framework or default_framework()
    version = (
        framework.latest_published()
        if framework
        else make_framework_version(key=DEFAULT_FRAMEWORK_KEY, areas=4, items=3)
    )
    items = list(version.items())
    round_ = make_round(municipality, version, title="Självskattning våren 2026")
    for n in range(3):
        respondent = add_respondent(round_, make_user(full_name=f"Svarande {n}"))
        answer_all(respondent, [rng.randint(0, 4) for _ in range(5)])
    stages = list(Stage.values)
    for n in range(initiatives):
        make_initiative(
            municipality,
            items=rng.sample(items, k=min(2, len(items))),
            name=f"Insats {n + 1}: Teknikdagar för årskurs {n % 9 + 1}",
            stages=[rng.choice(stages)],
        )
    goal_list = []
    for n in range(goals):
        parent = goal_list[(n - 1) // 4 * 4] if n % 4 else None
        goal = make_goal(
            municipality,
            parent=parent,
            title=f"Mål {n + 1}: Fler flickor väljer teknik och naturvetenskap i åk {n % 9 + 1}",
            owner_function=FUNCTIONS[n % len(FUNCTIONS)],
        )
        goal_list.append(goal)
        make_indicator(
            municipality,
            goal=goal,
            name=f"Andel elever med behörighet, mått {n + 1}",
            baseline_value=40.0,
            baseline_year=2021,
            target_value=60.0,
            target_year=2028 + n % 3,
            values={year: round(40 + rng.uniform(-3, 6) * (year - 2021), 1) for year in range(2021, 2026)},
        )
    start = date(2026, 1, 1)
    for n in range(actions):
        status = STATUSES[n % len(STATUSES)]
        Action.objects.create(
            organisation=municipality,
            goal=goal_list[n % len(goal_list)] if goal_list else None,
            title=f"Åtgärd {n + 1}: Lärarfortbildning i programmering",
            responsible_function=FUNCTIONS[n % len(FUNCTIONS)],
            starts=start + timedelta(days=10 * n),
            due=start + timedelta(days=10 * n + 120),
            status=status,
            progress={"done": 100, "draft": 0, "planned": 0}.get(status, (n * 7) % 95),
            position=n,
        )
    return version


def bench_reports(results: dict) -> None:
    from django.utils import translation

    from kedja.organisations.factories import make_municipality, make_region
    from kedja.plans.documents import docx, pdf
    from kedja.plans.documents.content import strategy_content

    region = make_region(name="Region Rapportbänk", code="")
    municipality = make_municipality(region, name="Rapportköping", code="")
    make_plan_data(municipality, initiatives=100, goals=40, actions=60)

    def timed(fn, runs: int = 3) -> tuple[float, float]:
        """(median wall seconds, median CPU seconds of this process): the CPU figure shows what a busy
        machine adds to the wall time."""
        samples = []
        for _ in range(runs):
            wall, cpu = time.perf_counter(), time.process_time()
            with translation.override("sv"):
                fn(strategy_content(municipality))
            samples.append((time.perf_counter() - wall, time.process_time() - cpu))
        middle = len(samples) // 2
        return (
            round(sorted(s[0] for s in samples)[middle], 2),
            round(sorted(s[1] for s in samples)[middle], 2),
        )

    detail = (
        "strategy document, 100 initiatives, 40 goals/indicators, 60 actions; gather + write, median of 3"
    )
    for key, render in (
        ("reports.strategy_pdf_s", pdf.render_pdf),
        ("reports.strategy_docx_s", docx.render_docx),
    ):
        wall, cpu = timed(render)
        results[key] = {"value": wall, "unit": "s", "detail": f"{detail} (CPU {cpu} s)"}
