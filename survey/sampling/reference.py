"""One estimand of one cell, computed literally from methodology §7's formulas: the check and the naive baseline."""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.indices.structure import Structure
from survey.sampling.linear import coefficients, estimands_of


def estimate_cell(codes: np.ndarray, structure: Structure, code: str, stratum: np.ndarray, psu: np.ndarray,
                  weight: np.ndarray, in_cell: np.ndarray) -> tuple[float, float]:
    """(estimate, se) in percent of estimand `code` for the respondents `in_cell`, with the whole design."""
    est = estimands_of(structure)
    codes = np.asarray(codes)
    inside = np.asarray(in_cell, bool)
    x = ((codes >= 1) & (codes <= 5)) & inside[:, None]
    y = ((codes >= 4) & (codes <= 5)) & inside[:, None]
    w = np.asarray(weight, float)
    x_hat = (w[:, None] * x).sum(axis=0)
    y_hat = (w[:, None] * y).sum(axis=0)
    p_hat = np.divide(y_hat, x_hat, out=np.zeros_like(y_hat), where=x_hat > 0)
    a = coefficients(structure, est, (x_hat > 0)[None, :])[0, est.codes.index(code)]
    if not a.any():
        return float("nan"), float("nan")
    estimate = 100.0 * float(a @ p_hat)
    contrib = np.divide(a, x_hat, out=np.zeros_like(a), where=x_hat > 0)
    u = 100.0 * w * ((y - p_hat * x) @ contrib)  # z_hv = Σ_{k∈v} u_k
    frame = pd.DataFrame({"h": stratum, "v": psu, "u": u})
    totals = frame.groupby(["h", "v"])["u"].sum()
    grand = totals.mean()
    var = 0.0
    for _, z_h in totals.groupby(level="h"):
        n_h = len(z_h)
        if n_h == 1:
            var += float((z_h.iloc[0] - grand) ** 2)
        else:
            var += n_h / (n_h - 1) * float(((z_h - z_h.mean()) ** 2).sum())
    return estimate, var ** 0.5
