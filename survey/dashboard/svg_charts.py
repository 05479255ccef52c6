"""Accessible, printable inline-SVG charts for the dashboards: bars with intervals, trends, answer distributions.

Every chart is an <svg role="img"> named by <title> and described by <desc>, prints its figures as text next to
the marks, and tells flags apart by glyph and pattern as well as by colour. Charts take numbers already computed
and words already translated; `fmt` formats a figure for the reader's language (None → "—").
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from survey.numbers import number

from survey.dashboard.svg import INK, MUTED, RULE, document, dots, element, fit, hatch, text

Formatter = Callable[[float | None, int], str]  # (figure, decimals) → text, e.g. the `num` filter
BAR_FILL, ABOVE_FILL, BELOW_LINE, REFERENCE = "#2f6ea5", "#1c4872", "#9a4a00", "#a50e0e"
SHADES = ("#8c1c13", "#d9822b", "#c7ccd3", "#6fa8dc", "#1c4872")  # codes 1–5: dissatisfied → very satisfied
GLYPHS = {"above": " ▲", "below": " ▼"}
WIDTH, ROW, TOP = 720.0, 28.0, 30.0
# A white outline under figures keeps them legible where a gridline or the reference line crosses them.
HALO = {"stroke": "#fff", "stroke_width": 3, "paint_order": "stroke", "stroke_linejoin": "round"}


def plain(value: float | None, decimals: int = 1) -> str:
    """Default formatter: the one number format (survey.numbers) in English; pages pass the reader's `num`."""
    return number(value, "en", decimals)


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: a figure (None = suppressed or missing), its 95% interval and a flag above/below/same."""

    label: str
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    flag: str | None = None
    note: str = ""  # shown instead of the figure when value is None, e.g. "fewer than 30 responses"
    mark: float | None = None  # a reference figure for this bar alone (the province's), a thin bar beneath
    gap: bool = False  # an empty row standing for bars left out (its note says how many)


@dataclass(frozen=True)
class Point:
    """One period of a trend."""

    label: str
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass(frozen=True)
class Stack:
    """Answer distribution of one item: shares (percent) of each answer category, or None when suppressed."""

    label: str
    shares: Sequence[float] | None
    note: str = ""


def ticks(top: float, whole: bool = False) -> list[float]:
    """Round gridline values from 0 to at least `top` (0, 20 … 100 for percentages); `whole` keeps steps ≥ 1."""
    if top <= 0:
        return [0.0, 1.0]
    raw = max(top / 5, 1.0) if whole else top / 5
    step = next(m * 10 ** math.floor(math.log10(raw)) for m in (1, 2, 5, 10)
                if m * 10 ** math.floor(math.log10(raw)) >= raw)
    return [step * i for i in range(int(math.ceil(top / step - 1e-9)) + 1)]


def bar_chart(bars: Sequence[Bar], *, chart_id: str, title: str, desc: str, fmt: Formatter = plain,
              scale_max: float | None = 100.0, decimals: int = 1, reference: tuple[str, float] | None = None,
              label_width: float = 270.0, width: float = WIDTH) -> Markup:
    """Horizontal bars, one row each, with interval whiskers, the figure printed after the bar, and an optional
    dashed reference line (e.g. the province index). Below-flagged bars are hatched and marked ▼, above ▲.
    `scale_max` None scales to the data (counts; print them with decimals=0)."""
    top = scale_max or max([b.ci_high or b.value or 0 for b in bars] + [1.0])
    grid = ticks(top, whole=decimals == 0)
    top = grid[-1]
    x0, plot = label_width, width - label_width - 90
    height = TOP + ROW * max(len(bars), 1) + 34
    x = lambda v: x0 + plot * max(min(v, top), 0) / top  # noqa: E731 - a scale is clearest as a lambda
    defs = [hatch(f"{chart_id}-below", BELOW_LINE), dots(f"{chart_id}-none", MUTED)]
    body = _grid(grid, x, TOP - 6, height - 28, fmt)
    for i, bar in enumerate(bars):
        y = TOP + ROW * i
        label = text(x0 - 8, y + 18, fit(bar.label, x0 - 12), anchor="end")
        parts = [element("title", _escaped(bar.label)), label]
        if bar.gap:
            parts = [text(x0 + plot / 2, y + 18, f"⋯ {bar.note} ⋯", anchor="middle", fill=MUTED, size=12)]
        elif bar.value is None:
            parts.append(element("rect", x=x0, y=y + 5, width=plot * 0.12, height=ROW - 10,
                                 fill=f"url(#{chart_id}-none)", stroke=MUTED))
            parts.append(text(x0 + plot * 0.12 + 6, y + 18, f"— {bar.note}".rstrip(), fill=MUTED, size=12))
        else:
            fill = {"above": ABOVE_FILL, "below": f"url(#{chart_id}-below)"}.get(bar.flag or "", BAR_FILL)
            # With a reference figure the row holds two bars: this one, and a thin one underneath for the reference.
            bar_y, bar_h = (y + 3, ROW - 13) if bar.mark is not None else (y + 5, ROW - 10)
            parts.append(element("rect", x=x0, y=bar_y, width=max(x(bar.value) - x0, 1), height=bar_h,
                                 fill=fill, stroke=BELOW_LINE if bar.flag == "below" else None))
            if bar.mark is not None:
                parts.append(element("rect", x=x0, y=y + ROW - 9, width=max(x(bar.mark) - x0, 1), height=5,
                                     fill=REFERENCE, class_="mark"))
            if bar.ci_low is not None and bar.ci_high is not None:
                parts.append(_whisker(x(bar.ci_low), x(bar.ci_high), bar_y + bar_h / 2))
            end = max(x(bar.value), x(bar.ci_high) if bar.ci_high is not None else 0)
            value_text = fmt(bar.value, decimals) + GLYPHS.get(bar.flag or "", "")
            parts.append(text(end + 6, bar_y + bar_h / 2 + 5, value_text, weight="600", **HALO))
        body.append(element("g", "".join(parts), class_="bar", data_label=bar.label))
    if reference is not None:
        body.append(_reference(reference, x(reference[1]), TOP - 8, height - 30, fmt))
    return document(chart_id, width, height, title, desc, defs, body)


def trend_chart(points: Sequence[Point], *, chart_id: str, title: str, desc: str, fmt: Formatter = plain,
                floor: float | None = None) -> Markup:
    """A line over periods with a shaded 95% band, each figure printed above its marker; gaps stay gaps."""
    height, left, right, top, bottom = 240.0, 48.0, 24.0, 26.0, 200.0
    pad = 44.0  # first and last period labels stay inside the drawing
    known = [v for p in points for v in (p.value, p.ci_low) if v is not None]
    low = floor if floor is not None else max(math.floor((min(known, default=100) - 5) / 10) * 10, 0)
    low = min(low, 90)
    y = lambda v: bottom - (bottom - top) * (min(max(v, low), 100) - low) / (100 - low)  # noqa: E731
    step = (WIDTH - left - right - 2 * pad) / max(len(points) - 1, 1)
    xs = [left + pad + step * i if len(points) > 1 else (WIDTH / 2) for i in range(len(points))]
    body = []
    for tick in range(int(low), 101, 10 if 100 - low > 30 else 5):
        body.append(element("line", x1=left, x2=WIDTH - right, y1=y(tick), y2=y(tick), stroke=RULE))
        body.append(text(left - 6, y(tick) + 4, fmt(float(tick), 0), size=11, anchor="end", fill=MUTED))
    highs = _runs([(xs[i], p.ci_high if p.ci_low is not None else None) for i, p in enumerate(points)])
    lows = _runs([(xs[i], p.ci_low if p.ci_high is not None else None) for i, p in enumerate(points)])
    for high, low_run in zip(highs, lows, strict=True):
        if len(high) > 1:
            outline = [f"{bx:.1f},{y(v):.1f}" for bx, v in high + low_run[::-1]]
            body.append(element("polygon", points=" ".join(outline), fill="#dbe7f3", class_="band"))
    for run in _runs([(xs[i], p.value) for i, p in enumerate(points)]):
        if len(run) > 1:
            body.append(element("polyline", points=" ".join(f"{px:.1f},{y(v):.1f}" for px, v in run),
                                fill="none", stroke=ABOVE_FILL, stroke_width=2.5))
    for px, point in zip(xs, points, strict=True):
        mark = [element("title", _escaped(f"{point.label}: {fmt(point.value, 1)}"))]
        if point.value is None:
            mark.append(text(px, bottom - 8, "—", anchor="middle", fill=MUTED))
        else:
            mark.append(element("circle", cx=px, cy=y(point.value), r=4.5, fill=ABOVE_FILL, stroke="#fff"))
            mark.append(text(px, y(point.value) - 10, fmt(point.value, 1), anchor="middle", weight="600", size=12,
                             **HALO))
        mark.append(text(px, bottom + 20, point.label, anchor="middle", size=12, fill=MUTED))
        body.append(element("g", "".join(mark), class_="point"))
    return document(chart_id, WIDTH, height + 4, title, desc, [], body)


def distribution_chart(stacks: Sequence[Stack], *, chart_id: str, title: str, desc: str,
                       categories: Sequence[str], fmt: Formatter = plain, label_width: float = 200.0) -> Markup:
    """100% stacked bars of answer categories (codes 1–5), shares printed inside wide-enough segments; a legend
    with the category names on top; the dissatisfied segments are hatched so they read without colour."""
    x0, plot = label_width, WIDTH - label_width - 12
    legend_h, height = 30.0, 30.0 + ROW * max(len(stacks), 1) + 8
    defs = [hatch(f"{chart_id}-c{i + 1}", SHADES[i], angle=45 if i == 0 else -45) for i in range(2)]
    fills = [f"url(#{chart_id}-c1)", f"url(#{chart_id}-c2)", *SHADES[2:]]
    body, lx = [], x0
    for i, name in enumerate(categories[:5]):
        body.append(element("rect", x=lx, y=6, width=14, height=14, fill=fills[i], stroke=SHADES[i]))
        body.append(text(lx + 18, 18, name, size=11))
        lx += 26 + len(name) * 11 * 0.56
    for row, stack in enumerate(stacks):
        y = legend_h + ROW * row
        parts = [element("title", _escaped(stack.label)), text(x0 - 8, y + 18, fit(stack.label, x0 - 12),
                                                               anchor="end")]
        if stack.shares is None:
            parts.append(text(x0, y + 18, f"— {stack.note}".rstrip(), fill=MUTED, size=12))
        else:
            at = x0
            for i, share in enumerate(stack.shares[:5]):
                w = plot * max(share, 0) / 100
                parts.append(element("rect", x=at, y=y + 4, width=w, height=ROW - 8, fill=fills[i],
                                     stroke="#fff" if i > 1 else SHADES[i], class_="segment"))
                if w >= 34:  # a share is printed where it fits; the table beside the chart has them all
                    if i < 2:  # hatched: a white patch keeps the figure readable
                        parts.append(element("rect", x=at + w / 2 - 15, y=y + 8, width=30, height=ROW - 16,
                                             fill="#fff"))
                    parts.append(text(at + w / 2, y + 18, fmt(share, 0), anchor="middle", size=11,
                                      fill="#fff" if i == 4 else INK))
                at += w
        body.append(element("g", "".join(parts), class_="stack"))
    return document(chart_id, WIDTH, height, title, desc, defs, body)


def _escaped(words: str) -> str:
    """Text for an element body."""
    return str(escape(words))


def _grid(grid: list[float], x: Callable[[float], float], top: float, bottom: float, fmt: Formatter) -> list[str]:
    """Vertical gridlines with their values under the plot."""
    out = []
    for tick in grid:
        out.append(element("line", x1=x(tick), x2=x(tick), y1=top, y2=bottom, stroke=RULE))
        out.append(text(x(tick), bottom + 16, fmt(tick, 0), size=11, anchor="middle", fill=MUTED))
    return out


def _whisker(left: float, right: float, mid: float) -> str:
    """The 95% interval as a thin capped line, on a white underlay so it shows on dark bars too."""
    d = f"M{left:.1f} {mid - 5:.1f}v10M{left:.1f} {mid:.1f}H{right:.1f}M{right:.1f} {mid - 5:.1f}v10"
    return (element("path", d=d, stroke="#fff", stroke_width=4, fill="none")
            + element("path", d=d, stroke=INK, stroke_width=1.5, fill="none", class_="interval"))


def _reference(reference: tuple[str, float], at: float, top: float, bottom: float, fmt: Formatter) -> str:
    """A dashed vertical line with its label and figure on top (e.g. the province index)."""
    name, value = reference
    return element("g", element("line", x1=at, x2=at, y1=top, y2=bottom, stroke=REFERENCE, stroke_width=2,
                                stroke_dasharray="6 4")
                   + text(at, top - 6, f"{name}: {fmt(value, 1)}", anchor="middle", size=12, fill=REFERENCE,
                          weight="600"), class_="reference")


def _runs(points: list[tuple[float, float | None]]) -> list[list[tuple[float, float]]]:
    """Consecutive known points: a missing period breaks the line instead of being drawn through."""
    runs: list[list[tuple[float, float]]] = [[]]
    for px, value in points:
        if value is None:
            runs.append([])
        else:
            runs[-1].append((px, value))
    return [r for r in runs if r]
