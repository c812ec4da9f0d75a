"""What a document says, gathered once from the database into plain values (no request, no access checks:
the view checked who may see the plan before the task was queued). pdf.py and docx.py only lay it out.

- `strategy_content(organisation)`: current state (the latest assessment round's area profile and
  priorities, the map of initiatives and the ranked gaps), the goals with their indicators and targets,
  the actions by goal, the responsibilities by function and the follow-up plan.
- `follow_up_content(organisation, period_start, period_end)`: the actions' progress, the indicators'
  status with the values of the period, and the changes since the adopted plan.

Call them inside `translation.override("sv")`: labels and numbers are written in the active language.
"""

from collections import defaultdict
from dataclasses import replace
from datetime import date

from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kedja.assessments.exports import ResultReport, result_report
from kedja.assessments.models import Round
from kedja.core.charts import BarGroupData, bar_chart, format_value
from kedja.core.texts import pick
from kedja.frameworks.chain import WHOLE_LABEL
from kedja.frameworks.models import Framework
from kedja.frameworks.selectors import default_framework
from kedja.indicators.models import Indicator, IndicatorValue
from kedja.indicators.series import counted_totals
from kedja.indicators.status import Status, indicator_status
from kedja.indicators.tree import goal_tree
from kedja.initiatives.gap_report import GapReport, municipality_report
from kedja.initiatives.models import Initiative
from kedja.organisations.models import Organisation

from ..models import Action, ActionStatus, PlanVersion
from ..rules import is_overdue, plan_changes
from .blocks import (
    ActionLine,
    Change,
    ChartBlock,
    DocumentContent,
    GoalSection,
    IndicatorLine,
    Table,
    mean_progress,
    organisation_logo,
)

TOP_GAPS = 15
STATUS_ORDER = [Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA]


# --- gathering ---------------------------------------------------------------------------------------


def _indicator_line(indicator: Indicator, today_year: int) -> IndicatorLine:
    totals = counted_totals(indicator)
    status = indicator_status(indicator, totals=totals, today_year=today_year)
    latest_year = max(totals) if totals else None
    baseline = format_value(indicator.baseline_value)
    if indicator.baseline_value is not None and indicator.baseline_year:
        baseline = f"{baseline} ({indicator.baseline_year})"
    target = format_value(indicator.target_value)
    if indicator.target_value is not None and indicator.target_year:
        target = f"{target} ({indicator.target_year})"
    return IndicatorLine(
        indicator,
        status,
        baseline,
        format_value(totals[latest_year]) if latest_year else "–",
        latest_year,
        target,
        totals,
    )


def _goal_sections(organisation: Organisation, today: date):
    """The goal tree in order (depth first) with each goal's indicators and actions, then a section for
    the actions tied to no goal. Returns (sections, all actions, all indicators) in a fixed number of
    queries."""
    today_year = today.year
    values = Prefetch("values", queryset=IndicatorValue.objects.order_by("period"))
    actions = list(
        Action.objects.filter(organisation=organisation)
        .select_related("goal")
        .prefetch_related("responsible_people")
        .order_by("position", "pk")
    )
    status_labels = dict(ActionStatus.choices)
    lines = [
        ActionLine(a, str(status_labels[a.status]), a.goal.title if a.goal else "", is_overdue(a, today))
        for a in actions
    ]
    by_goal: dict[int | None, list[ActionLine]] = defaultdict(list)
    for line in lines:
        by_goal[line.action.goal_id].append(line)
    sections: list[GoalSection] = []
    indicators: list[IndicatorLine] = []
    main = None
    for goal, depth in goal_tree(organisation, indicators=True):
        own = [_indicator_line(i, today_year) for i in goal.indicators.all()]
        indicators.extend(own)
        section = GoalSection(goal, depth, goal.title, own, by_goal.get(goal.pk, []))
        main = section if depth == 0 else main
        section.main = main
        sections.append(section)
    if by_goal.get(None):
        sections.append(GoalSection(None, 0, _("Actions not tied to a goal"), [], by_goal[None]))
    loose = Indicator.objects.filter(organisation=organisation, goal=None).order_by("name")
    indicators.extend(_indicator_line(i, today_year) for i in loose.prefetch_related(values))
    return sections, lines, indicators


def _latest_version(organisation: Organisation) -> PlanVersion | None:
    return PlanVersion.objects.filter(organisation=organisation).order_by("-number").first()


def _latest_round(organisation: Organisation, framework: Framework | None) -> Round | None:
    rounds = Round.objects.filter(municipality=organisation)
    if framework is not None:
        rounds = rounds.filter(framework_version__framework=framework)
    closed = rounds.filter(status=Round.Status.CLOSED).order_by("-closed_at", "-opened_at").first()
    return closed or rounds.order_by("-opened_at").first()


def _framework(organisation: Organisation) -> Framework | None:
    framework = default_framework()
    if framework is None:
        latest = Round.objects.filter(municipality=organisation).order_by("-opened_at").first()
        framework = latest.framework_version.framework if latest else None
    return framework


def progress_chart(sections: list[GoalSection], *, chart_id: str = "action-progress-chart") -> ChartBlock:
    """The actions' mean progress per main goal (its sub-goals' actions included), 0–100 %, with its data
    table. One bar per main goal keeps the chart readable however deep the tree is."""
    groups: dict[int, tuple[str, list[ActionLine]]] = {}
    for section in sections:
        main = section.main or section
        groups.setdefault(id(main), (main.title, []))[1].extend(section.actions)
    shown = [(title, actions) for title, actions in groups.values() if actions]
    table_id = f"{chart_id}-table"
    chart = bar_chart(
        [BarGroupData(title, [mean_progress(actions)]) for title, actions in shown],
        chart_id=chart_id,
        title=_("Progress of the actions per main goal (mean, per cent)"),
        description=_("The same figures are in the table next to the chart."),
        described_by=table_id,
        scale_max=100,
        no_value=_("no actions"),
    )
    # bar_chart draws a grid line per unit of the scale: on 0–100 keep every 25th, as a 0–4 scale has.
    chart = replace(chart, ticks=[tick for tick in chart.ticks if tick.value % 25 == 0])
    rows = [
        [
            title,
            str(len(actions)),
            str(sum(1 for a in actions if a.action.status == ActionStatus.DONE)),
            format_value(mean_progress(actions)),
        ]
        for title, actions in shown
    ]
    table = Table(
        table_id,
        _("Progress of the actions per main goal"),
        [_("Main goal"), _("Actions"), _("Done"), _("Mean progress (%)")],
        rows,
    )
    return ChartBlock(chart, table)


def _area_chart_block(assessment: ResultReport) -> ChartBlock:
    """The area profile's data table; when the chart marks the region's median, the table has it too."""
    region = any(row.area.region is not None for row in assessment.area_rows)
    headers = [
        _("Area"),
        _("Level"),
        *([_("The region's median")] if region else []),
        _("Items with disagreement"),
    ]
    table = Table(
        assessment.area_chart.described_by,
        _("Area profile as a table"),
        headers,
        [
            [
                f"{row.area.node.code} {pick(row.area.node.title)}",
                row.level_text,
                *([row.region_text] if region else []),
                str(row.area.disagreements),
            ]
            for row in assessment.area_rows
        ],
    )
    return ChartBlock(assessment.area_chart, table)


def _map_table(report: GapReport) -> Table:
    """The map of initiatives: a row per stage, a column per framework area, each cell its state in words
    and its number of active initiatives (robust ones in brackets)."""
    areas = report.area_view.rows
    headers = [_("Stage")] + [row.code for row in areas]
    rows = []
    if any(row.whole for row in areas):  # municipality-wide areas: one cell, on a row of their own
        rows.append(
            [str(WHOLE_LABEL)]
            + [f"{row.cells[0].state_label} {row.cells[0].count_text}" if row.whole else "–" for row in areas]
        )
    for index, (_code, stage_label) in enumerate(report.area_view.stages):
        cells = [stage_label]
        for row in areas:
            cell = None if row.whole else row.cells[index]
            cells.append(f"{cell.state_label} {cell.count_text}" if cell is not None and cell.exists else "–")
        rows.append(cells)
    return Table("initiative-map", _("Map of initiatives: state and number of initiatives"), headers, rows)


def _gaps_table(gaps: list) -> Table:
    return Table(
        "ranked-gaps",
        _("The gaps ranked, most important first"),
        ["#", _("Stage"), _("Area or target group"), _("State"), _("Initiatives"), _("Why it ranks here")],
        [
            [str(g.rank), g.stage_label, g.column_label, g.state_label, g.count_text, g.reason_text]
            for g in gaps
        ],
    )


def _follow_up_plan(indicators: list[IndicatorLine], version: PlanVersion | None) -> Table:
    rows = []
    if version is not None:
        review = version.adopted_on.replace(year=version.adopted_on.year + 1)
        rows.append(
            [
                review.isoformat(),
                _("Yearly follow-up of the adopted plan (version %(number)s)") % {"number": version.number},
                version.adopted_by_body,
            ]
        )
    for line in sorted(
        (i for i in indicators if i.indicator.target_year),
        key=lambda i: (i.indicator.target_year, i.indicator.name),
    ):
        rows.append(
            [
                str(line.indicator.target_year),
                _("Target for %(indicator)s: %(target)s")
                % {"indicator": line.indicator.name, "target": line.target},
                line.indicator.goal.owner_function if line.indicator.goal_id else "",
            ]
        )
    return Table(
        "follow-up-plan", _("When the plan is followed up"), [_("When"), _("What"), _("Responsible")], rows
    )


def _hours(value) -> str:
    return formats.number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def _resources(actions: list[ActionLine]) -> Table:
    """Who is responsible for each action (function and named people) and what it may use: time in hours,
    money in kronor and other resources, with the totals in the last row."""
    rows = []
    hours = money = 0
    for line in actions:
        a = line.action
        people = ", ".join(p.full_name or p.email for p in a.responsible_people.all())
        hours += a.resource_hours or 0
        money += a.resource_money or 0
        rows.append(
            [
                a.title,
                a.responsible_function or "–",
                people or "–",
                _hours(a.resource_hours) if a.resource_hours is not None else "–",
                _hours(a.resource_money) if a.resource_money is not None else "–",
                a.resource_note or "–",
            ]
        )
    if rows:
        rows.append([_("Total"), "", "", _hours(hours), _hours(money), ""])
    return Table(
        "resources-table",
        _("Resources and responsible people of each action"),
        [_("Action"), _("Responsible function"), _("Responsible people"), _("Time (hours)"), _("Money (SEK)"),
         _("Other resources")],
        rows,
    )  # fmt: skip


def _action_summary(actions: list[ActionLine], changes: list["Change"]) -> Table:
    """The actions at a glance for the follow-up: done, in progress, not started, overdue and changed since
    the adopted version, of all."""
    count = defaultdict(int)
    for line in actions:
        count[line.action.status] += 1
    rows = [[str(label), str(count[status])] for status, label in ActionStatus.choices]
    rows += [
        [_("Overdue (due date passed, not done)"), str(sum(1 for a in actions if a.overdue))],
        [_("Added, removed or changed since the adopted plan"), str(len({c.action for c in changes}))],
        [_("All actions"), str(len(actions))],
    ]
    return Table("action-summary", _("The actions in the period's plan"), [_("Actions"), _("Number")], rows)


def _responsibilities(actions: list[ActionLine]) -> Table:
    """Per responsible function: its actions, how many are done and overdue, and their mean progress (the
    actions themselves are listed, with their function, in the actions chapter)."""
    groups: dict[str, list[ActionLine]] = defaultdict(list)
    for line in actions:
        groups[line.action.responsible_function.strip() or _("No responsible function given")].append(line)
    rows = [
        [
            function,
            str(len(lines)),
            str(sum(1 for a in lines if a.action.status == ActionStatus.DONE)),
            str(sum(1 for a in lines if a.overdue)),
            format_value(mean_progress(lines)),
            ", ".join(sorted({a.goal_title for a in lines if a.goal_title})) or "–",
        ]
        for function, lines in sorted(groups.items(), key=lambda item: item[0].casefold())
    ]
    return Table(
        "responsibilities-table",
        _("Responsibilities: the actions of each responsible function"),
        [
            _("Responsible function"),
            _("Actions"),
            _("Done"),
            _("Overdue"),
            _("Mean progress (%)"),
            _("Goals"),
        ],
        rows,
    )


def strategy_content(organisation: Organisation, *, today: date | None = None) -> DocumentContent:
    today = today or timezone.localdate()
    framework = _framework(organisation)
    round_ = _latest_round(organisation, framework)
    assessment = result_report(round_) if round_ is not None else None
    gaps = municipality_report(organisation, framework, today=today) if framework is not None else None
    sections, actions, indicators = _goal_sections(organisation, today)
    version = _latest_version(organisation)
    content = DocumentContent(
        kind="strategy",
        organisation=organisation,
        logo=organisation_logo(organisation),
        title=_("STEAM strategy and action plan"),
        subtitle=organisation.name,
        generated_at=timezone.now(),
        today=today,
        version=version,
        sections=[
            ("current-state", _("Current state")),
            ("direction", _("Direction and goals")),
            ("actions", _("Actions")),
            ("responsibilities", _("Responsibilities")),
            ("follow-up", _("Follow-up plan")),
        ],
        goals=sections,
        actions=actions,
        indicators=indicators,
        round=round_,
        assessment=assessment,
        gaps=gaps,
        top_gaps=gaps.gaps[:TOP_GAPS] if gaps else [],
        initiatives=Initiative.objects.filter(municipality=organisation).count(),
    )
    if assessment is not None:
        content.charts.append(_area_chart_block(assessment))
    content.charts.append(progress_chart(sections))
    if gaps is not None:
        content.map_table = _map_table(gaps)
        content.gaps_table = _gaps_table(content.top_gaps)
    content.responsibilities = _responsibilities(actions)
    content.resources = _resources(actions)
    content.follow_up_plan = _follow_up_plan(indicators, version)
    return content


# --- follow-up ---------------------------------------------------------------------------------------


def _changes(organisation: Organisation, version: PlanVersion | None) -> list[Change]:
    """What changed in the actions since the adopted version (rules.plan_changes), one line per action."""
    if version is None:
        return []
    return [
        Change(
            change.title,
            change.kind_label,
            "; ".join(f"{f.label}: {f.before or '–'}" for f in change.fields),
            "; ".join(f"{f.label}: {f.after or '–'}" for f in change.fields),
        )
        for change in plan_changes(organisation, version)
    ]


def follow_up_content(
    organisation: Organisation, period_start: date, period_end: date, *, today: date | None = None
) -> DocumentContent:
    today = today or timezone.localdate()
    sections, actions, indicators = _goal_sections(organisation, today)
    version = _latest_version(organisation)
    counts = defaultdict(int)
    for line in indicators:
        counts[line.status] += 1
    content = DocumentContent(
        kind="follow_up",
        organisation=organisation,
        logo=organisation_logo(organisation),
        title=_("Follow-up report"),
        subtitle=_("%(organisation)s, %(start)s – %(end)s")
        % {
            "organisation": organisation.name,
            "start": period_start.isoformat(),
            "end": period_end.isoformat(),
        },
        generated_at=timezone.now(),
        today=today,
        version=version,
        sections=[
            ("summary", _("Summary")),
            ("actions", _("Progress of the actions")),
            ("indicators", _("Indicators")),
            ("changes", _("Changes since the adopted plan")),
        ],
        goals=sections,
        actions=actions,
        indicators=indicators,
        period_start=period_start,
        period_end=period_end,
        status_counts=Table(
            "indicator-status",
            _("Indicators by status"),
            [_("Status"), _("Indicators")],
            [[str(s.label), str(counts[s])] for s in STATUS_ORDER],
        ),
    )
    content.period_lines = [(line, line.values_in(period_start.year, period_end.year)) for line in indicators]
    content.charts.append(progress_chart(sections))
    if version is None:
        content.changes_note = _(
            "No version of the plan has been adopted yet, so there is nothing to compare with."
        )
    else:
        content.changes = _changes(organisation, version)
        if not content.changes:
            content.changes_note = _("No action has changed since the adopted version.")
    content.action_summary = _action_summary(actions, content.changes)
    content.resources = _resources(actions)
    return content
