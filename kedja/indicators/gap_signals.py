"""What goals, indicators and the transitions view tell the gap ranking (docs/gap-analysis.md): registered
with initiatives.gap_evidence when the app is ready, so the lower app never imports this one.

- An indicator **off track** (status.status_for, on the total values) on a goal of the municipality touches the gap cells
  the goal names (Goal.gaps) and every cell of the framework areas of the items it names (Goal.items).
- The **largest drop** between consecutive steps of the transitions view (transitions.chain_report, total
  for both genders) touches every cell at the stages of its two steps (STEP_STAGES).
"""

from datetime import date

from kedja.frameworks.chain import Stage
from kedja.initiatives.gaps import LARGEST_DROP, OFF_TRACK, Signal

from .models import Indicator
from .status import Status, indicator_status
from .transitions import chain_report

# the stage of the chain each step of the default transitions chain measures (data/transitions_default.yaml)
STEP_STAGES = {
    "year9_maths": Stage.Y7_9,
    "eligible_na_te": Stage.Y7_9,
    "programme_choice": Stage.UPPER_SECONDARY,
    "completion": Stage.UPPER_SECONDARY,
    "adult_education": Stage.ADULT,
}


def off_track_signals(municipality, framework, today: date) -> list[Signal]:
    out = []
    versions = set(framework.versions.values_list("pk", flat=True))
    indicators = (
        Indicator.objects.filter(organisation=municipality, goal__isnull=False)
        .select_related("goal")
        .prefetch_related("values", "goal__items")
        .order_by("name", "pk")
    )
    for indicator in indicators:
        values = {v.period: v.value for v in indicator.values.all() if v.gender == "total"}
        status = indicator_status(indicator, totals=values, today_year=today.year)
        if status != Status.OFF_TRACK:
            continue
        goal = indicator.goal
        for cell in goal.gaps or []:
            if cell.get("area"):
                out.append(Signal(OFF_TRACK, indicator.name, area=str(cell["area"]), stage=cell.get("stage")))
            elif cell.get("target_group"):
                out.append(
                    Signal(OFF_TRACK, indicator.name, group=cell["target_group"], stage=cell.get("stage"))
                )
        areas = {
            node.code.split(".")[0] for node in goal.items.all() if node.framework_version_id in versions
        }
        out += [Signal(OFF_TRACK, indicator.name, area=area) for area in sorted(areas)]
    return out


def largest_drop_signals(municipality, framework, today: date) -> list[Signal]:
    report = chain_report(municipality)
    total = report.genders.get("T")
    if total is None:
        return []
    out = []
    for transition in total.largest:
        label = f"{transition.earlier.label_text} → {transition.later.label_text}"
        stages = {STEP_STAGES.get(transition.earlier.key), STEP_STAGES.get(transition.later.key)} - {None}
        out += [Signal(LARGEST_DROP, label, stage=str(stage)) for stage in sorted(stages)]
    return out


def gap_signals(municipality, framework, today: date) -> list[Signal]:
    return off_track_signals(municipality, framework, today) + largest_drop_signals(
        municipality, framework, today
    )
