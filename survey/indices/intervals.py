"""95% intervals: Wilson for a proportion, normal approximation for a mean of respondent scores."""
from __future__ import annotations

import numpy as np
import numpy.typing as npt

Z95 = 1.96
FloatArray = npt.NDArray[np.float64]


def wilson(successes: npt.ArrayLike, n: npt.ArrayLike, z: float = Z95) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval of successes/n as percentages (low, high); NaN where n is 0.

    low, high = 100 × (p + z²/2n ∓ z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), with p = successes/n.
    Accepts non-integer n (a Kish effective size for weighted figures).
    """
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / m
        z2 = z * z
        denom = 1 + z2 / m
        centre = (p + z2 / (2 * m)) / denom
        half = z * np.sqrt(np.clip(p * (1 - p) / m + z2 / (4 * m * m), 0, None)) / denom
    empty = ~(m > 0)
    low = np.where(empty, np.nan, np.clip(centre - half, 0, 1) * 100)
    high = np.where(empty, np.nan, np.clip(centre + half, 0, 1) * 100)
    return low, high


def mean_se(n: npt.ArrayLike, total: npt.ArrayLike, total_sq: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Mean and its standard error sd/√n from n, Σx and Σx²; the sd is the sample sd (n − 1); SE is NaN for n < 2."""
    m = np.asarray(n, dtype=float)
    s = np.asarray(total, dtype=float)
    ss = np.asarray(total_sq, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(m > 0, s / m, np.nan)
        # Rounding in Σx² − (Σx)²/n can dip just below zero for constant scores.
        var = np.clip((ss - s * s / m) / (m - 1), 0, None)
        se = np.where(m >= 2, np.sqrt(var / m), np.nan)
    return mean, se
