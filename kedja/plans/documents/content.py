"""What a document says, gathered once from the database into plain values (no request, no access checks:
the view checked who may see the plan before the task was queued). pdf.py and docx.py only lay it out.

- `strategy_content(organisation)`: current state (the latest assessment round's area profile and
  priorities, the map of initiatives and the ranked gaps), the goals with their indicators and targets,
  the actions by goal, the responsibilities by function and the follow-up plan.
- `follow_up_content(organisation, period_start, period_end)`: the actions' progress, the indicators'
  status with the values of the period, and the changes since the adopted plan.

Call them inside `translation.override("sv")`: labels and numbers are written in the active language.
"""

import base64
import io
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from PIL import Image

from kedja.assessments.exports import ResultReport, result_report
from kedja.assessments.models import Round
from kedja.core.charts import BarChart, BarGroupData, bar_chart, format_value
from kedja.core.texts import pick
from kedja.frameworks.chain import WHOLE_LABEL
from kedja.frameworks.models import Framework
from kedja.frameworks.selectors import default_framework
from kedja.indicators.models import Goal, Indicator, IndicatorValue
from kedja.indicators.series import counted_totals
from kedja.indicators.status import Status, indicator_status
from kedja.indicators.tree import goal_tree
from kedja.initiatives.gap_report import GapReport, municipality_report
from kedja.initiatives.models import Initiative
from kedja.organisations.models import Organisation

from ..models import Action, ActionStatus, PlanVersion
from ..rules import is_overdue, plan_changes

TOP_GAPS = 15
STATUS_ORDER = [Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA]


@dataclass
class IndicatorLine:
    indicator: Indicator
    status: Status
    baseline: str
    latest: str
    latest_year: int | None
    target: str
    values: dict[int, float]  # total values by year

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def unit_label(self) -> str:
        return self.indicator.get_unit_display()

    def values_in(self, start: int, end: int) -> list[tuple[int, str]]:
        return [(y, format_value(v)) for y, v in sorted(self.values.items()) if start <= y <= end]


@dataclass
class ActionLine:
    action: Action
    status_label: str
    goal_title: str
    overdue: bool

    @property
    def due_text(self) -> str:
        return self.action.due.isoformat() if self.action.due else "–"

    @property
    def starts_text(self) -> str:
        return self.action.starts.isoformat() if self.action.starts else "–"


@dataclass
class GoalSection:
    goal: Goal | None  # None: the actions tied to no goal
    depth: int
    title: str
    indicators: list[IndicatorLine] = field(default_factory=list)
    actions: list[ActionLine] = field(default_factory=list)
    main: "GoalSection | None" = None  # the main goal this goal belongs under (itself for a main goal)


def mean_progress(actions: list[ActionLine]) -> float | None:
    """The actions' mean progress in whole per cent; cancelled actions do not count."""
    counted = [a.action.progress for a in actions if a.action.status != ActionStatus.CANCELLED]
    return round(sum(counted) / len(counted)) if counted else None


@dataclass
class Table:
    """A chart's data (or any table) as the documents print it: caption, header row, body rows."""

    id: str
    caption: str
    headers: list[str]
    rows: list[list[str]]

    @property
    def column_widths(self) -> list[int]:
        """Per-cent widths for the PDF's fixed table layout, at the small table font (8 pt)."""
        return column_widths(self.headers, self.rows, font_pt=8)

    @property
    def column_widths_normal(self) -> list[int]:
        return column_widths(self.headers, self.rows, font_pt=9.5, padding_mm=3)


# A4 less the report's side margins (core/kedja.css); DejaVu Sans' mean advance is about 0.6 em.
TABLE_WIDTH_MM = 178.0
CHAR_EM = 0.62
PT_MM = 0.3528


def column_widths(
    headers: list[str],
    rows: list[list[str]],
    *,
    font_pt: float,
    padding_mm: float = 2.0,
    width_mm: float = TABLE_WIDTH_MM,
) -> list[int]:
    """Each column's share of a full-width table in per cent, from the text it holds.

    The PDF lays its tables out with fixed widths: measuring every cell, as automatic table layout does,
    took most of a long document's rendering time. A column never gets less than its longest word needs
    (a word cannot wrap; header words and the first column's are bold, so a little wider), and the room
    left is shared by how much more a typical cell (the 75th percentile: one long cell may wrap) would
    like. The result adds up to 100."""
    char_mm = font_pt * CHAR_EM * PT_MM
    budget = (width_mm - len(headers) * padding_mm) / char_mm  # characters across the table
    minimum, wanted = [], []
    for index, header in enumerate(headers):
        cells = [str(row[index]) for row in rows if index < len(row)]
        bold = 1.1 if index == 0 else 1.0
        longest = max(
            [len(w) * 1.1 for w in str(header).split()] + [len(w) * bold for c in cells for w in c.split()],
            default=1,
        )
        lengths = sorted(len(c) * bold for c in cells)
        typical = lengths[len(lengths) * 3 // 4] if lengths else 0
        minimum.append(longest + 0.5)
        wanted.append(max(longest + 0.5, min(typical, 60)))
    if sum(wanted) <= budget or sum(minimum) >= budget:
        chars = wanted if sum(wanted) <= budget else minimum
    else:
        spare = budget - sum(minimum)
        more = [w - m for w, m in zip(wanted, minimum, strict=True)]
        chars = [m + spare * x / sum(more) for m, x in zip(minimum, more, strict=True)]
    millimetres = [c * char_mm + padding_mm for c in chars]
    widths = [max(1, round(100 * mm / sum(millimetres))) for mm in millimetres]
    widths[widths.index(max(widths))] -= sum(widths) - 100
    return widths


@dataclass
class ChartBlock:
    chart: BarChart
    table: Table


@dataclass
class Logo:
    """The organisation's logo as bytes: the PDF embeds it as a data: URI (WeasyPrint fetches no file),
    Word takes the bytes directly."""

    data: bytes
    mime: str

    @property
    def data_uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


LOGO_MIME = {"PNG": "image/png", "JPEG": "image/jpeg"}


def organisation_logo(organisation: Organisation) -> Logo | None:
    """The stored logo, or None when there is none or the file is missing or not a PNG/JPEG image."""
    if not organisation.logo:
        return None
    try:
        with organisation.logo.open("rb") as stored:
            data = stored.read()
        with Image.open(io.BytesIO(data)) as image:
            mime = LOGO_MIME.get(image.format or "")
    except (OSError, ValueError):
        return None
    return Logo(data, mime) if mime else None


@dataclass
class Change:
    action: str
    what: str
    before: str
    after: str


@dataclass
class DocumentContent:
    kind: str
    organisation: Organisation
    title: str
    subtitle: str
    generated_at: datetime
    today: date
    version: PlanVersion | None
    sections: list[tuple[str, str]]  # (anchor, heading) for the table of contents
    goals: list[GoalSection]
    actions: list[ActionLine]
    indicators: list[IndicatorLine]
    charts: list[ChartBlock] = field(default_factory=list)
    logo: Logo | None = None
    # strategy
    round: Round | None = None
    assessment: ResultReport | None = None
    gaps: GapReport | None = None
    top_gaps: list = field(default_factory=list)
    initiatives: int = 0
    map_table: Table | None = None
    gaps_table: Table | None = None
    responsibilities: Table | None = None
    resources: Table | None = None
    follow_up_plan: Table | None = None
    # follow-up
    period_start: date | None = None
    period_end: date | None = None
    status_counts: Table | None = None
    action_summary: Table | None = None
    changes: list[Change] = field(default_factory=list)
    changes_note: str = ""
    period_lines: list[tuple[IndicatorLine, list[tuple[int, str]]]] = field(default_factory=list)

    @property
    def action_column_widths(self) -> list[int]:
        """The PDF's actions table (grouped by goal) gets the widths the same table would as a Table."""
        return actions_table("", self.actions).column_widths

    @property
    def main_goals(self) -> list[tuple[GoalSection, list[GoalSection]]]:
        """Each main goal with the goals under it (itself first, then its sub-goals in tree order)."""
        out: dict[int, tuple[GoalSection, list[GoalSection]]] = {}
        for section in self.goals:
            if section.goal is not None:
                main = section.main or section
                out.setdefault(id(main), (main, []))[1].append(section)
        return list(out.values())


def actions_table(caption: str, actions: list[ActionLine]) -> Table:
    overdue = _("overdue")
    return Table(
        "",
        caption,
        [_("Action"), _("Responsible"), _("Starts"), _("Due"), _("Status"), _("Progress (%)")],
        [
            [
                line.action.title,
                line.action.responsible_function or "–",
                line.starts_text,
                f"{line.due_text} ({overdue})" if line.overdue else line.due_text,
                line.status_label,
                str(line.action.progress),
            ]
            for line in actions
        ],
    )


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
