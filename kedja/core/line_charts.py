"""Line charts: values over the years, several series (an indicator's own values, the region's mean, Sweden;
women and men), with an optional target line. The rules every chart follows are in charts.py; this module
draws the lines as markup itself (render_line_chart), because a template loop over every point was the page's
main cost.
"""

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.utils.safestring import SafeString, mark_safe

from .charts import GRID_COLOUR, MARKER_COLOUR, MUTED_TEXT, SERIES_COLOURS, TEXT_COLOUR, format_value, shorten

LINE_WIDTH = 300
LINE_LEFT = 34  # room for the value axis
LINE_RIGHT = 78  # room for the direct labels at the end of each line
LINE_TOP = 18  # room for the target's label
LINE_PLOT_HEIGHT = 150
LINE_YEAR_GAP = 44  # between two year labels: a four-digit year at LINE_FONT is ~31 wide, so they never run together; the data table has every year
LINE_FONT = 12
LINE_LEGEND_LINE = 20
LINE_LABEL_CHARS = 12
LINE_LEGEND_LEFT = 4
LINE_LEGEND_CHARS = 42
# Each series differs by line pattern and marker shape as well as by colour (WCAG 1.4.1).
LINE_DASHES = ("", "7 4", "2 3", "10 3 2 3")
LINE_MARKERS = ("circle", "square", "triangle", "diamond")
TARGET_DASH = "12 4"


@dataclass(frozen=True)
class LineSeriesData:
    """The input for one line: its legend label, a short label written at the line's end, and {year: value}
    (years without a value are left out; the line joins the years it has)."""

    label: str
    short_label: str
    values: dict[int, float]


@dataclass(frozen=True)
class LinePoint:
    x: float
    y: float
    year: int


@dataclass(frozen=True)
class Line:
    label: str
    short_label: str
    colour: str
    dash: str
    marker: str
    points: list[LinePoint]
    label_y: float  # the direct label, nudged so labels of lines ending close together do not overlap

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:g},{p.y:g}" for p in self.points)

    @property
    def markers(self) -> str:
        """Every point's marker as one path (one element per line keeps the page small and fast)."""
        return "".join(marker_path(self.marker, p.x, p.y) for p in self.points)


@dataclass(frozen=True)
class LineTarget:
    y: float
    x: float | None  # the target year's position, None when the year is not given
    label: str
    label_y: float
    marker: str  # an open ring at (target year, target)


@dataclass(frozen=True)
class LineLegendItem:
    label: str
    colour: str
    dash: str
    marker: str  # a marker path, empty for the target
    x: float
    y: float

    @property
    def x2(self) -> float:
        return self.x + 26

    @property
    def text_x(self) -> float:
        return self.x + 32

    @property
    def text_y(self) -> float:
        return self.y + LINE_FONT * 0.35


@dataclass(frozen=True)
class YearTick:
    x: float
    label: str


@dataclass(frozen=True)
class ValueTick:
    y: float
    label: str


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    described_by: str
    width: int
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    year_label_y: float
    label_x: float
    lines: list[Line]
    years: list[YearTick]
    ticks: list[ValueTick]
    legend: list[LineLegendItem]
    target: LineTarget | None = None
    text_colour: str = TEXT_COLOUR
    muted_colour: str = MUTED_TEXT
    grid_colour: str = GRID_COLOUR
    target_colour: str = MARKER_COLOUR
    font_size: int = LINE_FONT

    @property
    def svg(self) -> SafeString:
        """The chart as inline SVG markup (render_line_chart)."""
        return render_line_chart(self)


def marker_path(shape: str, x: float, y: float, size: float = 4.0) -> str:
    """An SVG path for a point marker of `shape` centred on (x, y)."""
    r = size
    if shape == "square":
        return f"M{x - r:g},{y - r:g}h{2 * r:g}v{2 * r:g}h{-2 * r:g}z"
    if shape == "triangle":
        return f"M{x:g},{y - r - 1:g}L{x + r + 1:g},{y + r:g}L{x - r - 1:g},{y + r:g}z"
    if shape == "diamond":
        return f"M{x:g},{y - r - 1:g}L{x + r + 1:g},{y:g}L{x:g},{y + r + 1:g}L{x - r - 1:g},{y:g}z"
    return f"M{x - r:g},{y:g}a{r:g},{r:g} 0 1,0 {2 * r:g},0a{r:g},{r:g} 0 1,0 {-2 * r:g},0z"


def _spread(positions: list[float], gap: float, low: float, high: float) -> list[float]:
    """Move label positions apart (keeping their order) so that no two are closer than `gap`."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [0.0] * len(positions)
    last = None
    for i in order:
        y = max(positions[i], low) if last is None else max(positions[i], last + gap)
        placed[i] = y
        last = y
    overflow = (last or 0) - high
    if overflow > 0:
        placed = [max(y - overflow, low) for y in placed]
    return placed


def line_chart(
    series: Sequence[LineSeriesData],
    *,
    chart_id: str,
    title: str,
    described_by: str,
    target: float | None = None,
    target_year: int | None = None,
    target_label: str = "",
    extra_years: Sequence[int | None] = (),
    scale_max: float | None = None,
    colours: Sequence[str] = SERIES_COLOURS,
) -> LineChart | None:
    """A line chart of values over the years: one line per series (colour, line pattern and marker shape
    differ), each named at its end and in the legend; the target, when given, as a dark dashed line with
    an open ring at the target year and its label. The value axis starts at 0 (or below, for negative
    values) and reaches `scale_max` when the values fit under it (e.g. 100 for percent). None without any
    value."""
    all_values = [v for s in series for v in s.values.values()]
    if not all_values:
        return None
    years = sorted({y for s in series for y in s.values} | {y for y in extra_years if y})
    if target_year:
        years = sorted({*years, target_year})
    first_year, last_year = years[0], years[-1]
    scale_values = [*all_values, *([target] if target is not None else [])]
    low = min(0.0, *scale_values)
    high = max(scale_values) or 1.0
    if scale_max is not None and high <= scale_max:
        high = float(scale_max)
    if high == low:
        high = low + 1
    left, right = LINE_LEFT, LINE_WIDTH - LINE_RIGHT
    top, bottom = LINE_TOP, LINE_TOP + LINE_PLOT_HEIGHT
    span = last_year - first_year

    def x(year: int) -> float:
        return round(left + (right - left) * ((year - first_year) / span if span else 0.5), 1)

    def y(value: float) -> float:
        return round(bottom - (bottom - top) * (value - low) / (high - low), 1)

    lines = []
    ends = []
    for index, s in enumerate(series):
        points = [LinePoint(x(yr), y(s.values[yr]), yr) for yr in sorted(s.values)]
        if points:
            ends.append((len(lines), points[-1].y + LINE_FONT * 0.35))
        lines.append(
            Line(
                label=s.label,
                short_label=shorten(s.short_label, LINE_LABEL_CHARS),
                colour=colours[index % len(colours)],
                dash=LINE_DASHES[index % len(LINE_DASHES)],
                marker=LINE_MARKERS[index % len(LINE_MARKERS)],
                points=points,
                label_y=0.0,
            )
        )
    placed = _spread([pos for _i, pos in ends], LINE_FONT + 1, top, bottom + LINE_FONT)
    for (i, _pos), label_y in zip(ends, placed, strict=True):
        lines[i] = replace(lines[i], label_y=round(label_y, 1))

    step = 1
    if span:
        per_year = (right - left) / span
        while step * per_year < LINE_YEAR_GAP:
            step += 1
    shown = [yr for yr in range(first_year, last_year + 1) if (yr - first_year) % step == 0]
    if shown[-1] != last_year:
        if len(shown) > 1 and (last_year - shown[-1]) * (right - left) / max(span, 1) < LINE_YEAR_GAP:
            shown.pop()
        shown.append(last_year)
    year_ticks = [YearTick(x(yr), str(yr)) for yr in shown]
    ticks = [ValueTick(y(v), format_value(v)) for v in (low, (low + high) / 2, high)]

    line_target = None
    if target is not None:
        ty = y(target)
        tx = x(target_year) if target_year else None
        line_target = LineTarget(
            y=ty,
            x=tx,
            label=target_label,
            label_y=max(ty - 5, LINE_FONT - 2),
            marker=marker_path("circle", tx, ty, 5) if tx is not None else "",
        )

    legend = []
    legend_y = bottom + 24 + LINE_LEGEND_LINE / 2
    for line in lines:
        if not line.points:
            continue
        legend.append(
            LineLegendItem(
                shorten(line.label, LINE_LEGEND_CHARS),
                line.colour,
                line.dash,
                marker_path(line.marker, LINE_LEGEND_LEFT + 13, legend_y),
                LINE_LEGEND_LEFT,
                legend_y,
            )
        )
        legend_y += LINE_LEGEND_LINE
    if line_target is not None and target_label:
        legend.append(
            LineLegendItem(
                shorten(target_label, LINE_LEGEND_CHARS),
                MARKER_COLOUR,
                TARGET_DASH,
                "",
                LINE_LEGEND_LEFT,
                legend_y,
            )
        )
        legend_y += LINE_LEGEND_LINE
    return LineChart(
        id=chart_id,
        title=title,
        described_by=described_by,
        width=LINE_WIDTH,
        height=round(legend_y - LINE_LEGEND_LINE / 2 + 6, 1),
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        year_label_y=bottom + 16,
        label_x=right + 6,
        lines=lines,
        years=year_ticks,
        ticks=ticks,
        legend=legend,
        target=line_target,
    )


def markup_text(value) -> str:
    """`value` escaped for HTML/SVG text or an attribute (as django.utils.html.conditional_escape, with the
    same entities, but cheaper: charts and tables write hundreds of values): markup marked safe stays as it
    is, numbers are written unlocalised."""
    if isinstance(value, (int, float)):
        return str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value), quote=True)


def render_line_chart(chart: LineChart) -> SafeString:
    """The line chart as inline SVG markup, built here rather than in a template: a page with three charts
    of three twelve-year lines would otherwise render hundreds of template nodes per chart. Every text and
    attribute value goes through markup_text (escaped); numbers are written unlocalised (SVG wants a
    decimal point)."""
    e = markup_text
    c = chart
    cid = e(c.id)
    left, right, muted = e(c.plot_left), e(c.plot_right), e(c.muted_colour)
    described = f' aria-describedby="{e(c.described_by)}"' if c.described_by else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="kedja-chart" role="img" viewBox="0 0 {e(c.width)} '
        f'{e(c.height)}" width="100%" preserveAspectRatio="xMinYMin meet" id="{cid}" '
        f'aria-labelledby="{cid}-title"{described} font-family="system-ui, -apple-system, \'Segoe UI\', '
        f'Roboto, \'DejaVu Sans\', Arial, sans-serif" font-size="{e(c.font_size)}">\n'
        f'<title id="{cid}-title">{e(c.title)}</title>\n'
    ]
    for t in c.ticks:
        ty = e(t.y)
        parts.append(
            f'<line x1="{left}" y1="{ty}" x2="{right}" y2="{ty}" stroke="{e(c.grid_colour)}" stroke-width="1"/>\n'
            f'<text x="{e(c.plot_left - 4)}" y="{ty}" dy="4" fill="{muted}" text-anchor="end">{e(t.label)}</text>\n'
        )
    for yr in c.years:
        parts.append(
            f'<text x="{e(yr.x)}" y="{e(c.year_label_y)}" fill="{muted}" text-anchor="middle">{e(yr.label)}'
            "</text>\n"
        )
    if c.target:
        ty, colour = e(c.target.y), e(c.target_colour)
        marker = (
            f'<path d="{e(c.target.marker)}" fill="none" stroke="{colour}" stroke-width="2"/>'
            if c.target.marker
            else ""
        )
        parts.append(
            f'<g><line x1="{left}" y1="{ty}" x2="{right}" y2="{ty}" stroke="{colour}" stroke-width="1.5" '
            f'stroke-dasharray="{TARGET_DASH}"/>\n{marker}</g>\n'
        )
    for line in c.lines:
        if not line.points:
            continue
        colour = e(line.colour)
        dash = f' stroke-dasharray="{e(line.dash)}"' if line.dash else ""
        parts.append(
            f'<g>\n<polyline points="{e(line.polyline)}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>\n'
            f'<path d="{e(line.markers)}" fill="{colour}"/>\n'
            f'<text x="{e(c.label_x)}" y="{e(line.label_y)}" fill="{e(c.text_colour)}" font-weight="bold">'
            f"{e(line.short_label)}</text>\n</g>\n"
        )
    for item in c.legend:
        colour = e(item.colour)
        dash = f' stroke-dasharray="{e(item.dash)}"' if item.dash else ""
        marker = f'<path d="{e(item.marker)}" fill="{colour}"/>' if item.marker else ""
        parts.append(
            f'<g>\n<line x1="{e(item.x)}" y1="{e(item.y)}" x2="{e(item.x2)}" y2="{e(item.y)}" stroke="{colour}" '
            f'stroke-width="2.5"{dash}/>\n{marker}\n'
            f'<text x="{e(item.text_x)}" y="{e(item.text_y)}" dy="1" fill="{e(c.text_colour)}">{e(item.label)}'
            "</text>\n</g>\n"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped by markup_text
