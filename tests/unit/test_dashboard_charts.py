"""Dashboard SVG charts: well-formed, accessible (title/desc), figures as text, flags not by colour alone, CSP-safe."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from survey.dashboard.svg_charts import Bar, Point, Stack, bar_chart, distribution_chart, plain, ticks, trend_chart

NS = {"s": "http://www.w3.org/2000/svg"}


def vi(value: float | None, decimals: int = 1) -> str:
    """Vietnamese-style numbers, as the `num` filter prints them."""
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


RANKING = [
    Bar("Phường Hạ Long", 88.24, 85.1, 91.0, "above"),
    Bar("Xã Quảng Hà", 79.5, 75.0, 83.0, "same"),
    Bar("Đặc khu Vân Đồn", 70.1, 64.0, 76.0, "below"),
    Bar("Xã Tiên Yên", None, note="ít hơn 30 phiếu"),
]


def test_bar_chart_is_an_accessible_image_named_by_title_and_desc():
    root = parse(bar_chart(RANKING, chart_id="rank", title="Xếp hạng các xã", desc="Chỉ số của 4 xã"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "rank-title rank-desc"
    assert root.find("s:title", NS).text == "Xếp hạng các xã"
    assert root.find("s:title", NS).get("id") == "rank-title"
    assert root.find("s:desc", NS).text == "Chỉ số của 4 xã"


def test_bar_chart_prints_each_figure_in_the_readers_format_with_flag_glyphs():
    words = texts(parse(bar_chart(RANKING, chart_id="r", title="t", desc="d", fmt=vi)))
    assert "88,2 ▲" in words
    assert "79,5" in words
    assert "70,1 ▼" in words
    assert "— ít hơn 30 phiếu" in words
    assert {"0", "20", "40", "60", "80", "100"} <= set(words)


def test_below_bars_are_hatched_and_suppressed_bars_dotted_not_told_by_colour_alone():
    root = parse(bar_chart(RANKING, chart_id="r", title="t", desc="d"))
    bars = root.findall("s:g[@class='bar']", NS)
    fills = [g.find("s:rect", NS).get("fill") for g in bars]
    assert fills[2] == "url(#r-below)"
    assert fills[3] == "url(#r-none)"
    assert fills[0] != fills[1]  # above is darker, and carries ▲ too
    assert {p.get("id") for p in root.iter("{http://www.w3.org/2000/svg}pattern")} == {"r-below", "r-none"}


def test_bar_lengths_and_intervals_follow_the_figures():
    root = parse(bar_chart([Bar("a", 50.0, 40.0, 60.0), Bar("b", 100.0)], chart_id="r", title="t", desc="d"))
    a, b = (g.find("s:rect", NS) for g in root.findall("s:g[@class='bar']", NS))
    assert float(b.get("width")) == pytest.approx(2 * float(a.get("width")), rel=0.01)
    assert root.find(".//s:path[@class='interval']", NS) is not None


def test_each_bar_carries_its_full_label_in_a_tooltip_even_when_shortened():
    long = "Sở Tài nguyên và Môi trường tỉnh Quảng Ninh và các đơn vị trực thuộc"
    root = parse(bar_chart([Bar(long, 81.0)], chart_id="r", title="t", desc="d"))
    group = root.find("s:g[@class='bar']", NS)
    assert group.find("s:title", NS).text == long
    shown = group.find("s:text", NS).text
    assert shown.endswith("…") and len(shown) < len(long)


def test_reference_line_is_labelled_with_its_figure():
    words = texts(parse(bar_chart(RANKING, chart_id="r", title="t", desc="d", fmt=vi, reference=("Tỉnh", 80.25))))
    assert "Tỉnh: 80,2" in words or "Tỉnh: 80,3" in words


def test_count_chart_scales_to_the_data_and_prints_whole_numbers():
    root = parse(bar_chart([Bar("Thời gian chờ", 1200), Bar("Thái độ", 43)], chart_id="c", title="t", desc="d",
                           fmt=vi, scale_max=None, decimals=0))
    words = texts(root)
    assert "1.200" in words and "43" in words
    assert words[-1] != "100"  # the axis goes past the largest count, not to 100


def test_text_is_escaped():
    root = parse(bar_chart([Bar("<script>alert(1)</script> & co", 50.0)], chart_id="x", title="a<b",
                           desc="\"d\""))
    assert root.find("s:title", NS).text == "a<b"
    assert "<script>" not in str(bar_chart([Bar("<script>", 1.0)], chart_id="x", title="t", desc="d"))


@pytest.mark.parametrize("chart", [
    lambda: bar_chart(RANKING, chart_id="a", title="t", desc="d"),
    lambda: trend_chart([Point("Q1", 80.0, 78, 82), Point("Q2", None), Point("Q3", 82.0)], chart_id="b",
                        title="t", desc="d"),
    lambda: distribution_chart([Stack("A", [5, 5, 10, 40, 40]), Stack("B", None, "n<30")], chart_id="c",
                               title="t", desc="d", categories=["1", "2", "3", "4", "5"]),
])
def test_charts_use_no_style_attributes_or_scripts(chart):
    svg = str(chart())
    assert "style=" not in svg and "<script" not in svg and "on" + "load" not in svg
    parse(svg)  # well-formed


def test_trend_prints_every_known_figure_and_breaks_the_line_at_gaps():
    points = [Point("Q1/2025", 78.0, 75, 81), Point("Q2/2025", 80.5, 78, 83), Point("Q3/2025", None),
              Point("Q4/2025", 82.4, 80, 84.5), Point("Q1/2026", 83.0, 81, 85)]
    root = parse(trend_chart(points, chart_id="t", title="Xu hướng", desc="d", fmt=vi))
    words = texts(root)
    assert {"78,0", "80,5", "82,4", "83,0", "—", "Q3/2025"} <= set(words)
    assert len(root.findall(".//s:polyline", NS)) == 2
    assert len(root.findall(".//s:polygon[@class='band']", NS)) == 2


def test_distribution_has_a_legend_and_hatches_the_dissatisfied_answers():
    categories = ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"]
    root = parse(distribution_chart([Stack("A2.1.1", [10, 20, 20, 30, 20]), Stack("A2.1.2", None, "ít hơn 30")],
                                    chart_id="d", title="t", desc="d", categories=categories, fmt=vi))
    words = texts(root)
    assert set(categories) <= set(words)
    assert {"10", "20", "30"} <= set(words)
    assert "— ít hơn 30" in words
    first = root.find("s:g[@class='stack']", NS).findall("s:rect[@class='segment']", NS)
    assert first[0].get("fill") == "url(#d-c1)" and first[1].get("fill") == "url(#d-c2)"


@pytest.mark.parametrize(("top", "expected"), [(100, [0, 20, 40, 60, 80, 100]), (43, [0, 10, 20, 30, 40, 50]),
                                               (3, [0, 1, 2, 3]), (0, [0, 1])])
def test_ticks_are_round_and_cover_the_top(top, expected):
    assert ticks(top) == pytest.approx(expected)


def test_plain_format():
    assert plain(None) == "—" and plain(84.46) == "84.5" and plain(1234, 0) == "1,234"


def test_a_per_bar_reference_is_a_thin_bar_beneath_and_the_figure_follows_its_own_bar():
    root = parse(bar_chart([Bar("A2.1", 50.0, mark=90.0)], chart_id="m", title="t", desc="d"))
    group = root.find("s:g[@class='bar']", NS)
    main, reference = group.findall("s:rect", NS)
    assert reference.get("class") == "mark"
    assert float(reference.get("width")) == pytest.approx(1.8 * float(main.get("width")), rel=0.01)
    assert float(reference.get("y")) > float(main.get("y")) + float(main.get("height"))  # beneath, not over
    figure = [t for t in group.findall("s:text", NS) if t.text == "50.0"][0]
    main_end = float(main.get("x")) + float(main.get("width"))
    assert main_end < float(figure.get("x")) < main_end + 10


def test_a_gap_row_stands_for_left_out_bars():
    bars = [Bar("a", 90.0), Bar("", None, note="34 more in the table", gap=True), Bar("z", 20.0)]
    root = parse(bar_chart(bars, chart_id="g", title="t", desc="d"))
    groups = root.findall("s:g[@class='bar']", NS)
    assert groups[1].find("s:rect", NS) is None
    assert "⋯ 34 more in the table ⋯" in texts(root)


def test_count_axes_step_by_whole_numbers():
    assert ticks(1.0, whole=True) == [0.0, 1.0]
    assert ticks(3, whole=True) == [0.0, 1.0, 2.0, 3.0]
    words = texts(parse(bar_chart([Bar("a", 1.0), Bar("b", 0.0)], chart_id="c", title="t", desc="d",
                                  scale_max=None, decimals=0)))
    assert words.count("0") == 2  # the axis' 0 and bar b's figure; no repeated rounded ticks
