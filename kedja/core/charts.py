"""Server-side SVG charts: plain functions that turn values into geometry, and one template per chart kind
that draws it (core/chart_*.html).

Why server-side: the CSP allows no inline script or style, the charts must work without JavaScript, print
in PDF reports (WeasyPrint draws the same SVG) and stay readable at 320 px. Every chart therefore:
- is an inline <svg role="img"> with a <title>, labelled by it and described by the data table that must
  follow it on the page (`described_by`), so the figures are never only in a picture;
- scales with its container (viewBox, width 100%); the viewBox is narrow so text stays legible on a phone;
- uses only SVG presentation attributes (fill, stroke), never style attributes;
- uses colours with at least 3:1 contrast against white (WCAG 1.4.11) and a legend, so no meaning depends
  on telling two colours apart: every bar also carries its value as text.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _

# Designsystemet-like colours, each ≥ 3:1 against white; the first is the "current" series.
SERIES_COLOURS = ("#1E5AA8", "#A04800", "#1B7A3A", "#6B3FA0", "#00707A", "#A3195B", "#5C5C5C")
MARKER_COLOUR = "#1A1A1A"
TEXT_COLOUR = "#1E2B3C"
MUTED_TEXT = "#4B5563"
GRID_COLOUR = "#C9CED6"

WIDTH = 280  # viewBox units: ~1 px per unit on a 320 px screen, so the text is as large as it says
PAD_LEFT = 8
PAD_RIGHT = 40  # room for the value written after the longest bar
AXIS_HEIGHT = 28
LABEL_LINE = 19  # a row's label takes one or two lines of this height
BAR_HEIGHT = 18
MULTI_BAR_HEIGHT = 14
BAR_GAP = 3
GROUP_GAP = 12
LEGEND_LINE = 22
FONT_SIZE = 15
SMALL_FONT = 14
SWATCH = 14
# A label wraps onto as many lines as it needs and is never shortened (a document's reader must be able to
# read it, and the PDF's text holds it whole). 27 characters of the 15-unit bold label fit the 280-unit width
# even in a wide fallback font (DejaVu Sans Bold, which CairoSVG and WeasyPrint use on a server).
CHARS_PER_LINE = 27
LABEL_LINES = None


def format_value(value: float | None, *, empty: str = "–") -> str:
    """A level for people: 2 → "2", 2.5 → "2,5" (in Swedish), 2.25 → "2,25", None → "–"."""
    if value is None:
        return empty
    rounded = round(float(value), 2)
    if rounded == int(rounded):
        return formats.number_format(int(rounded))
    decimals = 1 if round(rounded, 1) == rounded else 2
    return formats.number_format(rounded, decimal_pos=decimals)


def shorten(text: str, limit: int = CHARS_PER_LINE) -> str:
    """At most `limit` characters, cut at a space where one is near the end, with "…"."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–-") + "…"


def wrap(text: str, limit: int = CHARS_PER_LINE, max_lines: int | None = LABEL_LINES) -> list[str]:
    """Break a label at spaces into lines of about `limit` characters (SVG text does not wrap by itself);
    with `max_lines`, the last line is shortened with "…" if the text does not fit."""
    words = " ".join(str(text).split()).split(" ")
    lines: list[str] = []
    current = ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if len(candidate) <= limit or not current:
            current = candidate
            continue
        if max_lines is not None and len(lines) == max_lines - 1:
            return [*lines, shorten(" ".join([current, *words[index:]]), limit)]
        lines.append(current)
        current = word
    lines.append(current)
    return [shorten(line, limit) for line in lines if line] or [""]


@dataclass(frozen=True)
class BarGroupData:
    """The input for one row of a bar chart: a label, one value per series (None = no value) and an
    optional reference marker (e.g. the region's median)."""

    label: str
    values: Sequence[float | None]
    marker: float | None = None


@dataclass(frozen=True)
class Bar:
    series: int
    value: float | None
    x: float
    y: float
    width: float
    height: float
    colour: str
    value_text: str
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Marker:
    value: float
    x: float
    y1: float
    y2: float
    value_text: str

    @property
    def points(self) -> str:
        """A small downward triangle above the line, so the marker is a shape, not only a colour."""
        return f"{self.x - 4:g},{self.y1 - 5:g} {self.x + 4:g},{self.y1 - 5:g} {self.x:g},{self.y1:g}"


@dataclass(frozen=True)
class LabelLine:
    text: str
    y: float


@dataclass(frozen=True)
class BarGroup:
    label: str
    label_lines: list[LabelLine]
    bars: list[Bar]
    marker: Marker | None = None

    @property
    def short_label(self) -> str:
        return " ".join(line.text for line in self.label_lines)


@dataclass(frozen=True)
class Tick:
    value: int
    x: float
    label: str


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str
    kind: str  # "bar" or "marker"
    x: float
    y: float

    @property
    def line_x(self) -> float:
        return self.x + SWATCH / 2

    @property
    def line_y2(self) -> float:
        return self.y + SWATCH + 2

    @property
    def text_x(self) -> float:
        return self.x + SWATCH + 8

    @property
    def text_y(self) -> float:
        return self.y + SWATCH - 1


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    described_by: str
    width: int
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    scale_max: int
    ticks: list[Tick]
    groups: list[BarGroup]
    legend: list[LegendItem] = field(default_factory=list)
    # Colours for the template (presentation attributes only).
    text_colour: str = TEXT_COLOUR
    muted_colour: str = MUTED_TEXT
    grid_colour: str = GRID_COLOUR
    marker_colour: str = MARKER_COLOUR
    font_size: int = FONT_SIZE
    small_font_size: int = SMALL_FONT
    tick_label_y: int = SMALL_FONT + 2
    swatch: int = SWATCH


def scale_x(value: float, scale_max: int, left: float, right: float) -> float:
    value = min(max(float(value), 0.0), float(scale_max))
    return round(left + (right - left) * value / scale_max, 2)


def bar_chart(
    groups: Sequence[BarGroupData],
    *,
    chart_id: str,
    title: str,
    series: Sequence[str] = (),
    described_by: str = "",
    description: str = "",
    marker_label: str = "",
    scale_max: int = 4,
    colours: Sequence[str] = SERIES_COLOURS,
    no_value: str | None = None,
) -> BarChart:
    """A horizontal bar chart on a fixed scale 0..scale_max (the maturity levels 0–4 by default).

    Each group is one row: its label on a line of its own (so long titles fit a phone's width), then one bar
    per series, each followed by its value as text; a missing value is written out (`no_value`) instead of
    a bar. A group's marker is drawn as a dark vertical line with a triangle on top."""
    no_value = _("no level") if no_value is None else no_value
    series = list(series) or [""]
    bar_h = BAR_HEIGHT if len(series) == 1 else MULTI_BAR_HEIGHT
    left, right = PAD_LEFT, WIDTH - PAD_RIGHT
    ticks = [
        Tick(v, scale_x(v, scale_max, left, right), formats.number_format(v)) for v in range(scale_max + 1)
    ]
    y = AXIS_HEIGHT
    out_groups = []
    for group in groups:
        label_lines = []
        for line in wrap(group.label):
            label_lines.append(LabelLine(line, y + FONT_SIZE - 1))
            y += LABEL_LINE
        y += 6
        bars_top = y
        bars = []
        for index in range(len(series)):
            value = group.values[index] if index < len(group.values) else None
            if value is None:
                width = 0.0
                text, text_x = no_value, left
            else:
                width = round(scale_x(value, scale_max, left, right) - left, 2)
                text, text_x = format_value(value), left + width + 4
            bars.append(
                Bar(
                    series=index,
                    value=value,
                    x=left,
                    y=y,
                    width=width,
                    height=bar_h,
                    colour=colours[index % len(colours)],
                    value_text=text,
                    text_x=text_x,
                    text_y=round(y + bar_h / 2 + SMALL_FONT * 0.35, 2),
                )
            )
            y += bar_h + BAR_GAP
        marker = None
        if group.marker is not None:
            marker = Marker(
                value=group.marker,
                x=scale_x(group.marker, scale_max, left, right),
                y1=bars_top - 2,
                y2=y - BAR_GAP + 2,
                value_text=format_value(group.marker),
            )
        out_groups.append(BarGroup(label=group.label, label_lines=label_lines, bars=bars, marker=marker))
        y += GROUP_GAP
    plot_bottom = y - GROUP_GAP + 4
    legend = []
    y = plot_bottom + 10
    if len(series) > 1 or series[0]:
        for index, name in enumerate(series):
            legend.append(LegendItem(name, colours[index % len(colours)], "bar", left, y))
            y += LEGEND_LINE
    if marker_label and any(g.marker for g in out_groups):
        legend.append(LegendItem(marker_label, MARKER_COLOUR, "marker", left, y))
        y += LEGEND_LINE
    return BarChart(
        id=chart_id,
        title=title,
        description=description,
        described_by=described_by,
        width=WIDTH,
        height=round(y + 4, 2),
        plot_left=left,
        plot_right=right,
        plot_top=AXIS_HEIGHT - 6,
        plot_bottom=plot_bottom,
        scale_max=scale_max,
        ticks=ticks,
        groups=out_groups,
        legend=legend,
    )


def render_chart(chart: BarChart) -> str:
    """The chart as inline SVG markup (for places that cannot {% include "core/chart_bars.html" %})."""
    return render_to_string("core/chart_bars.html", {"chart": chart})


def chart_png(chart: BarChart, *, pixels_wide: int = 1120) -> bytes:
    """The same SVG as on screen drawn as a PNG picture, for formats that cannot hold SVG (Word).

    CairoSVG draws it (libcairo2 must be installed); the chart uses presentation attributes only, so the
    picture has the colours, labels and values of the screen version. `pixels_wide` is large enough to
    stay sharp when printed at the width of an A4 text column."""
    import cairosvg  # imported here: only the Word export needs cairo

    svg = render_chart(chart).encode()
    return cairosvg.svg2png(bytestring=svg, output_width=pixels_wide, background_color="#FFFFFF")
