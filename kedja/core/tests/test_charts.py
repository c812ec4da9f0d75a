import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from kedja.core.charts import (
    CHARS_PER_LINE,
    PAD_LEFT,
    PAD_RIGHT,
    SERIES_COLOURS,
    WIDTH,
    BarGroupData,
    bar_chart,
    chart_png,
    format_value,
    render_chart,
    shorten,
    wrap,
)

SVG = "{http://www.w3.org/2000/svg}"
PLOT = WIDTH - PAD_RIGHT - PAD_LEFT


def levels_chart(values, **kwargs):
    groups = [BarGroupData(f"Area {i}", [v]) for i, v in enumerate(values)]
    return bar_chart(groups, chart_id="c", title="Levels", described_by="c-table", **kwargs)


def test_bars_are_proportional_to_levels_0_to_4():
    chart = levels_chart([0, 1, 2, 3, 4])
    widths = [g.bars[0].width for g in chart.groups]
    assert widths == [0, PLOT / 4, PLOT / 2, PLOT * 3 / 4, PLOT]
    assert all(g.bars[0].x == PAD_LEFT for g in chart.groups)
    # Every bar's value is written right after it, so nothing depends on reading the bar's length.
    assert [g.bars[0].value_text for g in chart.groups] == ["0", "1", "2", "3", "4"]
    assert [g.bars[0].text_x for g in chart.groups] == [PAD_LEFT + w + 4 for w in widths]
    assert [t.x for t in chart.ticks] == [PAD_LEFT + PLOT * i / 4 for i in range(5)]
    # Rows do not overlap and the chart is tall enough for all of them.
    tops = [g.bars[0].y for g in chart.groups]
    assert tops == sorted(tops) and len(set(tops)) == 5
    assert chart.height > tops[-1] + chart.groups[-1].bars[0].height


def test_values_outside_the_scale_are_clamped_and_halves_are_kept():
    chart = levels_chart([2.5, 7, -1])
    assert chart.groups[0].bars[0].width == round(PLOT * 2.5 / 4, 2)
    assert chart.groups[1].bars[0].width == PLOT
    assert chart.groups[2].bars[0].width == 0


def test_missing_values_are_said_in_words_not_drawn():
    chart = levels_chart([None, 3], no_value="no level")
    missing = chart.groups[0].bars[0]
    assert missing.value is None and missing.width == 0 and missing.value_text == "no level"
    svg = render_chart(chart)
    assert svg.count("<rect") == 1  # only the bar with a value
    assert "no level" in svg


def test_an_empty_chart_still_renders_valid_svg():
    chart = levels_chart([])
    assert chart.groups == [] and chart.height > 0
    root = ET.fromstring(render_chart(chart))
    assert root.tag == f"{SVG}svg"


def test_series_markers_and_legend():
    chart = bar_chart(
        [BarGroupData("1 Strategi", [1, 3], marker=2), BarGroupData("2 Skola", [None, 2])],
        chart_id="p",
        title="Progress",
        series=["2025", "2026"],
        marker_label="Regionens median",
    )
    first = chart.groups[0]
    assert [b.colour for b in first.bars] == list(SERIES_COLOURS[:2])
    assert first.bars[1].y > first.bars[0].y
    assert first.marker.x == PAD_LEFT + PLOT / 2
    assert first.marker.y1 < first.bars[0].y and first.marker.y2 > first.bars[1].y
    assert chart.groups[1].marker is None
    assert [(i.label, i.kind) for i in chart.legend] == [
        ("2025", "bar"),
        ("2026", "bar"),
        ("Regionens median", "marker"),
    ]
    assert chart.height > chart.legend[-1].y


def test_svg_is_accessible_and_has_no_style_attributes():
    chart = levels_chart([1, 2], description="The table below has the same figures.")
    svg = render_chart(chart)
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("viewBox") == f"0 0 {WIDTH} {chart.height}"
    assert root.get("width") == "100%"
    assert root.get("aria-labelledby") == "c-title" and root.get("aria-describedby") == "c-table"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Levels" and title.get("id") == "c-title"
    assert root.find(f"{SVG}desc").text == "The table below has the same figures."
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    for element in root.iter():
        assert "style" not in element.attrib


def test_text_is_escaped():
    chart = bar_chart([BarGroupData('<script>alert("x")</script>', [1])], chart_id="x", title="<b>T</b>")
    svg = render_chart(chart)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;T&lt;/b&gt;" in svg
    ET.fromstring(svg)


def test_coordinates_use_dots_whatever_the_language():
    with translation.override("sv"):
        svg = render_chart(levels_chart([2.5, 1.25]))
    numbers = [n for n in re.findall(r' (?:x|y|width|height|x1|x2|y1|y2)="([^"]*)"', svg) if n != "100%"]
    assert numbers and all(re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", n) for n in numbers), numbers
    assert ">2,5<" in svg  # the value people read is in their own format


@pytest.mark.parametrize(
    ("value", "sv", "en"),
    [(None, "–", "–"), (2, "2", "2"), (2.0, "2", "2"), (2.5, "2,5", "2.5"), (2.25, "2,25", "2.25")],
)
def test_format_value(value, sv, en):
    with translation.override("sv"):
        assert format_value(value) == sv
    with translation.override("en"):
        assert format_value(value) == en


def test_long_labels_wrap_onto_as_many_lines_as_they_need_and_are_never_shortened():
    label = "6 Jämställdhet, inkludering och breddad rekrytering – med en mycket lång titel"
    chart = bar_chart([BarGroupData(label, [2]), BarGroupData("1 Kort", [1])], chart_id="l", title="t")
    long, short = chart.groups
    assert long.label == label  # the data table shows it whole
    assert [line.text for line in long.label_lines] == [
        "6 Jämställdhet, inkludering",
        "och breddad rekrytering –",
        "med en mycket lång titel",
    ]
    assert " ".join(line.text for line in long.label_lines) == label  # nothing cut
    assert all(len(line.text) <= CHARS_PER_LINE for line in long.label_lines)
    assert long.label_lines[1].y > long.label_lines[0].y
    # The three-line label pushes its bar down; the next row starts below it.
    assert long.bars[0].y > long.label_lines[2].y and short.label_lines[0].y > long.bars[0].y
    assert [line.text for line in short.label_lines] == ["1 Kort"]


def test_wrap_and_shorten():
    assert wrap("kort") == ["kort"]
    assert wrap("") == [""]
    assert wrap("ett två tre fyra", limit=8) == ["ett två", "tre fyra"]
    assert wrap("ett två tre fyra fem", limit=8) == ["ett två", "tre fyra", "fem"]
    assert wrap("ett två tre fyra fem", limit=8, max_lines=2) == ["ett två", "tre fyr…"]
    assert wrap("Ettmycketlångtordutanmellanrum", limit=10) == ["Ettmycket…"]
    assert shorten("kort") == "kort" and shorten("abcdefghij", 5) == "abcd…"


def test_the_png_is_the_same_chart_drawn_bars_in_proportion_and_colour():
    import io

    from PIL import Image

    chart = levels_chart([2, 4])
    image = Image.open(io.BytesIO(chart_png(chart, pixels_wide=560))).convert("RGB")
    assert image.width == 560 and round(image.height / image.width, 2) == round(chart.height / chart.width, 2)
    blue = tuple(int(SERIES_COLOURS[0][i : i + 2], 16) for i in (1, 3, 5))
    rows = {}  # each bar row: how many pixels of it are the series colour
    for y in range(image.height):
        count = sum(1 for x in range(image.width) if image.getpixel((x, y)) == blue)
        if count:
            rows.setdefault(count // 10, []).append(count)
    lengths = sorted(max(counts) for counts in rows.values() if len(counts) > 5)  # bars, not the legend
    assert len(lengths) == 2
    assert lengths[1] / lengths[0] == pytest.approx(2, rel=0.03)  # 4 is twice as long as 2
    assert lengths[1] == pytest.approx(560 * PLOT / WIDTH, rel=0.03)  # the full scale is the plot's width


def test_year_labels_never_run_together_however_many_years():
    from kedja.core.line_charts import LINE_FONT, LineSeriesData, line_chart

    values = {year: float(year - 2000) for year in range(2004, 2027)}  # 23 years
    chart = line_chart(
        [LineSeriesData("Örebro kommun", "Örebro", values)], chart_id="c", title="t", described_by="d"
    )
    xs = [tick.x for tick in chart.years]
    label_width = 4 * LINE_FONT * 0.65  # four digits, generously wide
    assert all(b - a >= label_width + 8 for a, b in zip(xs, xs[1:], strict=False))
    assert chart.years[0].label == "2004" and chart.years[-1].label == "2026"
