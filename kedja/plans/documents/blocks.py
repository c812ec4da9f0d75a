"""The pieces a document is made of, as plain values that pdf.py and docx.py lay out: lines for indicators
and actions, goal sections, tables (with the column widths both formats use), chart blocks, the logo, the
changes since the adopted plan, and the document itself. content.py gathers them from the database.
"""

import base64
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _
from PIL import Image

from kedja.assessments.exports import ResultReport
from kedja.assessments.models import Round
from kedja.core.charts import BarChart, format_value
from kedja.indicators.models import Goal, Indicator
from kedja.indicators.status import Status
from kedja.initiatives.gap_report import GapReport
from kedja.organisations.models import Organisation

from ..models import Action, ActionStatus, PlanVersion


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
