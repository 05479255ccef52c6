"""A small SVG of monthly figures with the target and the projected year-end (classes only, no inline style)."""
from __future__ import annotations

from markupsafe import Markup, escape

from survey.indices.projection import Projection

WIDTH, HEIGHT, LEFT, TOP, BOTTOM = 360, 160, 34, 10, 24


def _x(month: float) -> float:
    return LEFT + (month - 1) * (WIDTH - LEFT - 10) / 11


def _y(value: float) -> float:
    return TOP + (100 - value) * (HEIGHT - TOP - BOTTOM) / 100


def trend_svg(monthly: list[tuple[int, float]], target: float | None, trend: Projection | None,
              label: str = "") -> Markup:
    """The chart as SVG markup; every value is a number or escaped text."""
    parts = [f'<svg class="trend-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">']
    for tick in (0, 50, 100):
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - 10}" y1="{_y(tick):.1f}" y2="{_y(tick):.1f}"/>'
                     f'<text class="axis" x="2" y="{_y(tick) + 4:.1f}">{tick}</text>')
    for month in (1, 6, 12):
        parts.append(f'<text class="axis" x="{_x(month) - 4:.1f}" y="{HEIGHT - 6}">{month}</text>')
    if target is not None:
        parts.append(f'<line class="target" x1="{LEFT}" x2="{WIDTH - 10}" y1="{_y(target):.1f}" '
                     f'y2="{_y(target):.1f}"/>')
    if trend is not None:
        parts.append(f'<line class="interval" x1="{_x(12):.1f}" x2="{_x(12):.1f}" y1="{_y(trend.low):.1f}" '
                     f'y2="{_y(trend.high):.1f}"/><circle class="projected" cx="{_x(12):.1f}" '
                     f'cy="{_y(trend.value):.1f}" r="4"/>')
    if monthly:
        points = " ".join(f"{_x(m):.1f},{_y(v):.1f}" for m, v in monthly)
        parts.append(f'<polyline class="figure" points="{points}"/>')
        parts += [f'<circle class="point" cx="{_x(m):.1f}" cy="{_y(v):.1f}" r="3"/>' for m, v in monthly]
    parts.append("</svg>")
    return Markup("".join(parts))


def importance_svg(points: list[tuple[str, float, float]], y_label: str, x_label: str) -> Markup:
    """Importance–performance chart: (item, performance 0–100, importance ≥ 0) as labelled dots, quadrants split
    at the means (classes only)."""
    width, height, left, bottom = 420, 300, 40, 30
    top_value = max([imp for _, _, imp in points] + [1e-9])

    def px(perf: float) -> float:
        return left + perf * (width - left - 10) / 100

    def py(imp: float) -> float:
        return 10 + (1 - imp / top_value) * (height - 10 - bottom)

    parts = [f'<svg class="ip-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(y_label)} / {escape(x_label)}">',
             f'<line class="axis-line" x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}"/>',
             f'<line class="axis-line" x1="{left}" y1="10" x2="{left}" y2="{height - bottom}"/>',
             f'<text class="axis" x="{left}" y="{height - 8}">{escape(x_label)} (0–100)</text>',
             f'<text class="axis" x="2" y="10">{escape(y_label)}</text>']
    if points:
        mean_x = sum(p for _, p, _ in points) / len(points)
        mean_y = sum(i for _, _, i in points) / len(points)
        parts.append(f'<line class="quadrant" x1="{px(mean_x):.1f}" y1="10" x2="{px(mean_x):.1f}" '
                     f'y2="{height - bottom}"/><line class="quadrant" x1="{left}" y1="{py(mean_y):.1f}" '
                     f'x2="{width - 10}" y2="{py(mean_y):.1f}"/>')
    for item, perf, imp in points:
        parts.append(f'<circle class="point" cx="{px(perf):.1f}" cy="{py(imp):.1f}" r="4"/>'
                     f'<text class="label" x="{px(perf) + 6:.1f}" y="{py(imp) + 4:.1f}">{escape(item)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
