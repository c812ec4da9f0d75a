"""A round's result as people take it away: what the result page and the PDF report show (`result_report`),
the PDF (`report_pdf`) and the answers as an Excel workbook (`answers_workbook`). Plain functions over a
round — no request — so the page, the files and the tests read the same figures.

Privacy (docs/privacy.md, docs/architecture.md): the region's figures come from `results.round_result`, which
suppresses them below the threshold and never names another municipality; nothing here reads other
municipalities' rounds.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from kedja.core.charts import SERIES_COLOURS, BarChart, BarGroupData, bar_chart, format_value
from kedja.core.pdf import html_to_pdf
from kedja.core.spreadsheets import (
    Column,
    Sheet,
    cell_text,  # also imported from here by older code and tests
    workbook_bytes,
)
from kedja.core.texts import pick

from .models import Priority, Round
from .results import AreaResult, RoundResult, round_result

SUPPRESSED = ".."  # Skolverket's and Kolada's mark for a withheld figure (docs/privacy.md)


@dataclass
class AreaRow:
    """One line of the area profile table (the data behind the area chart)."""

    area: AreaResult
    level_text: str
    region_text: str  # the region's median, ".." when suppressed, "–" without a region
    region_suppressed: bool


@dataclass
class ProgressRow:
    area: AreaResult
    cells: list[str]  # one level text per round, oldest first


@dataclass
class ResultReport:
    round: Round
    result: RoundResult
    priorities: list[Priority]
    area_rows: list[AreaRow]
    area_chart: BarChart
    progress_rounds: list[tuple[Round, str]]  # (round, its label), oldest first; the last is this round
    progress_rows: list[ProgressRow]
    progress_chart: BarChart | None
    threshold: int
    suppressed_text: str
    has_region: bool
    region_shown: bool  # at least one area's distribution may be shown

    @property
    def areas(self) -> list[AreaResult]:
        return self.result.areas


def area_label(node) -> str:
    return f"{node.code} {pick(node.title)}".strip()


def round_labels(rounds: list[Round], current: Round) -> list[str]:
    """How rounds are named in the progress chart: their titles, with the date where two share a title."""
    titles = [r.title for r in rounds]
    labels = []
    for r in rounds:
        label = r.title
        if titles.count(r.title) > 1:
            label = f"{r.title} ({timezone.localdate(r.opened_at).isoformat()})"
        if r.pk == current.pk:
            label = _("%(round)s (this round)") % {"round": label}
        labels.append(label)
    return labels


def result_report(round_: Round, *, result: RoundResult | None = None) -> ResultReport:
    """Everything a round's result page and report show. Each item result gets a `priority` attribute
    (the Priority or None), so templates need no lookups."""
    result = result or round_result(round_)
    threshold = settings.KEDJA_SUPPRESSION_THRESHOLD
    priorities = list(round_.priorities.select_related("node", "created_by"))
    by_node = {p.node_id: p for p in priorities}
    for item in result.items():
        item.priority = by_node.get(item.node.pk)
    suppressed_text = ngettext(
        "fewer than %(n)s municipality shared", "fewer than %(n)s municipalities shared", threshold
    ) % {"n": threshold}

    area_rows = []
    for area in result.areas:
        region = area.region
        if region is None:
            region_text, suppressed = "–", False
        elif region.suppressed:
            region_text, suppressed = SUPPRESSED, True
        else:
            region_text, suppressed = format_value(region.median), False
        area_rows.append(AreaRow(area, format_value(area.level), region_text, suppressed))
    region_shown = any(a.region is not None and not a.region.suppressed for a in result.areas)
    area_chart = bar_chart(
        [
            BarGroupData(
                area_label(a.node),
                [a.level],
                marker=a.region.median if a.region is not None and not a.region.suppressed else None,
            )
            for a in result.areas
        ],
        chart_id="area-profile-chart",
        title=_("Area profile: the level of each area on the scale 0–4"),
        description=_("The same figures are in the table below the chart."),
        described_by="area-profile-table",
        series=[round_.title] if region_shown else [],
        marker_label=_("The region's median"),
    )

    rounds = [*result.previous_rounds, round_]
    labels = round_labels(rounds, round_)
    progress_rows = [
        ProgressRow(area, [format_value(level) for _r, level in result.progress.get(area.node.code, [])])
        for area in result.areas
    ]
    progress_chart = None
    if result.previous_rounds:
        progress_chart = bar_chart(
            [
                BarGroupData(
                    area_label(a.node), [level for _r, level in result.progress.get(a.node.code, [])]
                )
                for a in result.areas
            ],
            chart_id="progress-chart",
            title=_("Progress: the level of each area in this and earlier rounds"),
            description=_("The same figures are in the table below the chart."),
            described_by="progress-table",
            series=labels,
            # The current round keeps the first (strongest) colour; earlier rounds take the others.
            colours=_progress_colours(len(rounds)),
        )
    return ResultReport(
        round=round_,
        result=result,
        priorities=priorities,
        area_rows=area_rows,
        area_chart=area_chart,
        progress_rounds=list(zip(rounds, labels, strict=True)),
        progress_rows=progress_rows,
        progress_chart=progress_chart,
        threshold=threshold,
        suppressed_text=suppressed_text,
        has_region=any(a.region is not None for a in result.areas),
        region_shown=region_shown,
    )


def _progress_colours(count: int) -> list[str]:
    earlier = list(SERIES_COLOURS[1:])
    return [earlier[i % len(earlier)] for i in range(count - 1)] + [SERIES_COLOURS[0]]


def export_filename(round_: Round, extension: str, *, today: date | None = None) -> str:
    """A safe ASCII file name: sjalvskattning-<municipality>-<date>.<extension>."""
    today = today or timezone.localdate()
    municipality = slugify(round_.municipality.name) or "kommun"
    return f"sjalvskattning-{municipality}-{today.isoformat()}.{extension}"


# --- PDF ---------------------------------------------------------------------------------------------


def report_pdf(report: ResultReport) -> bytes:
    """The assessment report as an A4 PDF (WeasyPrint, fonts from the system: DejaVu Sans covers åäö)."""
    html = render_to_string(
        "assessments/report.html", {"report": report, "round": report.round, "generated_at": timezone.now()}
    )
    return html_to_pdf(html)


# --- Excel -------------------------------------------------------------------------------------------


def _local_naive(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _columns(
    headers: list[str], widths: list[int], number_formats: dict[int, str] | None = None
) -> list[Column]:
    number_formats = number_formats or {}
    return [
        Column(header, width, number_formats.get(index))
        for index, (header, width) in enumerate(zip(headers, widths, strict=True))
    ]


def answers_workbook(report: ResultReport) -> bytes:
    """Sheet "Svar": one row per item and respondent; sheet "Sammanställning": one row per item."""
    dont_know = _("Don't know")
    respondents = list(report.round.respondents.select_related("user").order_by("group", "user__full_name"))
    answer_rows = []
    for area in report.areas:
        area_title = pick(area.node.title)
        for item in area.items:
            by_respondent = {a.respondent_id: a for a in item.answers}
            for respondent in respondents:
                answer = by_respondent.get(respondent.pk)
                level = None
                if answer is not None:
                    level = dont_know if answer.dont_know else answer.level
                answer_rows.append(
                    [
                        area.node.code,
                        area_title,
                        item.node.code,
                        pick(item.node.title),
                        respondent.user.full_name or respondent.user.email,
                        respondent.get_group_display(),
                        level,
                        answer.evidence if answer else "",
                        answer.links if answer else "",
                        ", ".join(f.name for f in answer.files.all()) if answer else "",
                        answer.responsible_function if answer else "",
                        answer.next_step if answer else "",
                        _local_naive(answer.updated_at) if answer else None,
                    ]
                )
    answers = Sheet(
        "Svar",
        _columns(
            [
                _("Area code"),
                _("Area"),
                _("Item code"),
                _("Item"),
                _("Respondent"),
                _("Group"),
                _("Level"),
                _("Evidence"),
                _("Links"),
                _("Files"),
                _("Responsible function"),
                _("Next step"),
                _("Updated"),
            ],
            [10, 30, 10, 40, 24, 22, 12, 60, 40, 30, 28, 50, 18],
            {12: "yyyy-mm-dd hh:mm"},
        ),
        answer_rows,
        guard=cell_text,
    )

    yes, no = _("yes"), _("no")
    summary_rows = []
    for area in report.areas:
        for item in area.items:
            stat, priority = item.stat, getattr(item, "priority", None)
            summary_rows.append(
                [
                    area.node.code,
                    pick(area.node.title),
                    item.node.code,
                    pick(item.node.title),
                    stat.median,
                    stat.low,
                    stat.high,
                    stat.spread,
                    stat.n,
                    stat.dont_know,
                    yes if stat.disagreement else no,
                    yes if priority else no,
                    priority.note if priority else "",
                ]
            )
    summary = Sheet(
        "Sammanställning",
        _columns(
            [
                _("Area code"),
                _("Area"),
                _("Item code"),
                _("Item"),
                _("Median"),
                _("Lowest"),
                _("Highest"),
                _("Spread"),
                _("Respondents with a level"),
                _("Don't know"),
                _("Disagreement"),
                _("Priority"),
                _("Why it is a priority"),
            ],
            [10, 30, 10, 40, 10, 10, 10, 10, 14, 12, 14, 10, 50],
        ),
        summary_rows,
        guard=cell_text,
    )
    return workbook_bytes([answers, summary])


# --- the region's overview as Excel -------------------------------------------------------------------

REGION_SHEET = "Självskattning"
REGION_MEDIAN_ROW = "Regionens median"
NO_ROUND_TEXT = "Ingen omgång"


def region_overview_columns(overview) -> list[Column]:
    """The region page's columns: the municipality, its round (status and dates), whether it shared a
    closed round, then each area's level (one decimal)."""
    with override("sv"):
        areas = [
            Column(cell_text(f"{code} {pick(title)}".strip()), 14, "0.0") for code, title in overview.columns
        ]
    return [
        Column("Kommun", 28),
        Column("Omgång", 14),
        Column("Öppnad", 12, "yyyy-mm-dd"),
        Column("Stängd", 12, "yyyy-mm-dd"),
        Column("Resultat delat med regionen", 16),
        *areas,
    ]


def region_overview_rows(overview) -> list[list]:
    """One row per municipality, as `views_region.region_overview_for` gathered it (`overview`): levels
    only from the latest closed round a municipality shared; a last row with the region's median per area
    (".." where too few municipalities shared)."""
    rows = []
    with override("sv"):
        for (municipality, status), heat in zip(overview.statuses, overview.rows, strict=True):
            latest = status.latest
            rows.append(
                [
                    municipality.name,
                    str(Round.Status(status.status).label) if latest else NO_ROUND_TEXT,
                    timezone.localdate(latest.opened_at) if latest else None,
                    timezone.localdate(latest.closed_at) if latest and latest.closed_at else None,
                    "Ja" if heat.shared else "Nej",
                    *[cell.level for cell in heat.cells],
                ]
            )
        medians = [SUPPRESSED if d.suppressed else d.median for _code, d in overview.medians]
        rows.append([REGION_MEDIAN_ROW, None, None, None, None, *medians])
    return rows


def sheet_title(*parts: str) -> str:
    """A sheet title Excel accepts: the parts joined by ", ", without []:*?/\\, at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", "", ", ".join(p for p in parts if p))[:31]


def region_overview_workbook(framework, overview) -> bytes:
    """The region's page for one framework as an .xlsx file (core.spreadsheets: number and date formats,
    formula-injection guard). The sheet is named after the framework."""
    with override("sv"):
        title = sheet_title(REGION_SHEET, pick(framework.title))
    return workbook_bytes([(title, region_overview_columns(overview), region_overview_rows(overview))])


def region_filename(region, what: str, *, today: date) -> str:
    """A safe ASCII file name: region-<name without "Region">-<what>-<date>.xlsx."""
    name = slugify(region.name).removeprefix("region-") or "region"
    return f"region-{name}-{what}-{today.isoformat()}.xlsx"


def region_overview_filename(region, *, today: date) -> str:
    return region_filename(region, "sjalvskattning", today=today)
