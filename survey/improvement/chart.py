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
