"""Progress against a target (issue 23): the projected year-end figure with its interval, pure Python.

Two documented projections:
- `ytd`: the year-to-date figure and its 95% interval stand for the year-end figure (the year's responses so far
  are a sample of the year's). The primary projection: stable, and exactly the published interval.
- `trend`: an ordinary least-squares line through the monthly figures (month 1–12, unweighted), read at month
  12, with the 95% interval of the line's value there (t quantile with n − 2 degrees of freedom); needs three
  months or more. Secondary: it shows the direction, and its interval is wide with few months.
Figures are percentages; projections and bounds are clipped to 0–100.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# t(0.975, df) for df = 1…30; beyond, the normal 1.96.
T975 = (12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
        2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
        2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272)
ON_TRACK, UNCERTAIN, OFF_TRACK = "on_track", "uncertain", "off_track"


@dataclass(frozen=True)
class Projection:
    """A projected year-end figure with its 95% interval and the method that gave it."""

    method: str
    value: float
    low: float
    high: float


def _clip(value: float) -> float:
    return min(100.0, max(0.0, value))


def t975(df: int) -> float:
    """The 97.5% quantile of Student's t with `df` degrees of freedom."""
    return T975[df - 1] if 1 <= df <= len(T975) else 1.96


def ytd_projection(value: float | None, low: float | None, high: float | None) -> Projection | None:
    """The year-to-date figure as the year-end projection (None without a figure)."""
    if value is None or low is None or high is None:
        return None
    return Projection("ytd", _clip(value), _clip(low), _clip(high))


def trend_projection(points: Sequence[tuple[int, float]], at: int = 12) -> Projection | None:
    """OLS through (month, figure) points, read at month `at`; None with fewer than 3 distinct months."""
    if len(points) < 3 or len({x for x, _ in points}) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    intercept = mean_y - slope * mean_x
    sse = sum((y - intercept - slope * x) ** 2 for x, y in points)
    s = math.sqrt(sse / (n - 2))
    value = intercept + slope * at
    half = t975(n - 2) * s * math.sqrt(1 / n + (at - mean_x) ** 2 / sxx)
    return Projection("trend", _clip(value), _clip(value - half), _clip(value + half))


def status(projection: Projection | None, target: float | None) -> str | None:
    """on_track when the whole interval reaches the target, off_track when none of it does, else uncertain."""
    if projection is None or target is None:
        return None
    if projection.low >= target:
        return ON_TRACK
    if projection.high < target:
        return OFF_TRACK
    return UNCERTAIN
