"""Approximate 95% intervals for composites from respondent-level scores (SE = sd/√n)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.indices.frames import require
from survey.indices.intervals import Z95, mean_se

SUMS_COLUMNS = ("cell", "component", "n", "sum", "sumsq")


def composite_intervals(values: pd.DataFrame, sums: pd.DataFrame, z: float = Z95) -> pd.DataFrame:
    """Attach n, se and an interval to composite values.

    Input `values`: [cell, component, pct] (rows for OVERALL carry the overall index).
    Input `sums`: [cell, component, n, sum, sumsq]: per cell and component, n respondents with at least one valid
    item in the component and the sum and sum of squares of their scores (score = share of their valid items in
    the component answered in the top box, 0–1).
    Output: [cell, component, n, pct, se, ci_low, ci_high] in the rows of `values`; n is 0 where `sums` has no row;
    se = 100·sd/√n of the scores; the interval is pct ± z·se clipped to 0–100. The point value stays the
    mean-of-items figure, so the interval is an approximation that borrows the spread of respondent scores.
    """
    require(values, ("cell", "component", "pct"), "composite values")
    require(sums, SUMS_COLUMNS, "respondent-score sums")
    out = values[["cell", "component", "pct"]].merge(
        sums[list(SUMS_COLUMNS)], on=["cell", "component"], how="left", validate="one_to_one")
    n = out["n"].fillna(0).to_numpy()
    _, se = mean_se(n, out["sum"].fillna(0), out["sumsq"].fillna(0))
    se = se * 100
    pct = out["pct"].to_numpy(dtype=float)
    out["n"] = n.astype(np.int64)
    out["se"] = np.where(np.isnan(pct), np.nan, se)
    out["ci_low"] = np.clip(pct - z * out["se"], 0, 100)
    out["ci_high"] = np.clip(pct + z * out["se"], 0, 100)
    return out[["cell", "component", "n", "pct", "se", "ci_low", "ci_high"]]
