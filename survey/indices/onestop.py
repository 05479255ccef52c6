"""ONESTOP-61 figures: mean total points per dossier evaluation and the points given on each indicator."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from survey.indices.distribution import distribution
from survey.indices.frames import require
from survey.indices.intervals import Z95, mean_se

PTS2_CODES = (0, 1, 2)


def onestop_indicators(counts: pd.DataFrame) -> pd.DataFrame:
    """Points per indicator.

    Input `counts`: [cell, item, code, count] for I1–I9 (codes 0, 1, 2). Output: [cell, item, n_valid, mean, n_0,
    n_1, n_2] with mean points 0–2 (NaN when nothing was scored).
    """
    out = distribution(counts, PTS2_CODES)
    n = out[["n_0", "n_1", "n_2"]].sum(axis=1)
    out.insert(2, "n_valid", n)
    with np.errstate(divide="ignore", invalid="ignore"):
        out.insert(3, "mean", np.where(n > 0, (out["n_1"] + 2 * out["n_2"]) / n.where(n > 0, 1), np.nan))
    return out


def onestop_totals(sums: pd.DataFrame, z: float = Z95) -> pd.DataFrame:
    """Mean total points (0–18) per cell.

    Input `sums`: [cell, n, sum, sumsq] over evaluations (total = points summed over the scored indicators).
    Output: [cell, n, mean_total, se, ci_low, ci_high] with se = sd/√n and the normal 95% interval.
    """
    require(sums, ("cell", "n", "sum", "sumsq"), "one-stop totals")
    mean, se = mean_se(sums["n"], sums["sum"], sums["sumsq"])
    return pd.DataFrame({"cell": sums["cell"].to_numpy(), "n": sums["n"].to_numpy(), "mean_total": mean, "se": se,
                         "ci_low": mean - z * se, "ci_high": mean + z * se})


def onestop_bands(totals: pd.DataFrame, bands: Mapping[str, tuple[float, float]]) -> pd.DataFrame:
    """Evaluations per classification band; the bands are configuration (no national default is shipped).

    Input `totals`: [cell, total, count]; `bands`: label → (lowest, highest) total, inclusive. Output:
    [cell, band, count, share] with share = 100·count / evaluations of the cell, bands in the given order.
    """
    require(totals, ("cell", "total", "count"), "one-stop total counts")
    cells = pd.unique(totals["cell"].astype(object))
    everyone = totals.groupby("cell", sort=False)["count"].sum()
    rows = []
    for label, (low, high) in bands.items():
        inside = totals[(totals["total"] >= low) & (totals["total"] <= high)].groupby("cell", sort=False)["count"].sum()
        rows.append(pd.DataFrame({"cell": cells, "band": label,
                                  "count": [int(inside.get(c, 0)) for c in cells]}))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["cell", "band", "count"])
    out["share"] = 100 * out["count"] / out["cell"].map(lambda c: everyone[c])
    out["_cell"] = pd.factorize(out["cell"])[0]
    return out.sort_values("_cell", kind="stable").drop(columns="_cell").reset_index(drop=True)
