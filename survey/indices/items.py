"""Per-item figures of a cell: n_responses, n_valid, mean, top-box percentage with its Wilson interval."""
from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from survey.indices.frames import require
from survey.indices.intervals import Z95, wilson

SAT5_VALID = (1, 2, 3, 4, 5)  # 9 (no answer / not applicable) counts in n_responses only
TOP2_BOX = (4, 5)
ITEM_COLUMNS = ["cell", "item", "n_responses", "n_valid", "n_top", "mean", "pct", "se", "ci_low", "ci_high"]


def item_stats(counts: pd.DataFrame, valid_codes: Collection[int] = SAT5_VALID,
               top_codes: Collection[int] = TOP2_BOX, z: float = Z95) -> pd.DataFrame:
    """Item figures from answer counts.

    Input `counts`: [cell, item, code, count], one row per answered code (items routed out are simply absent).
    Output: [cell, item, n_responses, n_valid, n_top, mean, pct, se, ci_low, ci_high], one row per cell × item seen:
    n_responses counts every code, n_valid only `valid_codes`; mean is over valid codes; pct = 100·n_top/n_valid
    with n_top the answers in `top_codes`; se = 100·√(p(1−p)/n_valid); ci_low/ci_high the Wilson 95% interval.
    Figures are NaN when n_valid is 0. Counts may be fractional (weighted); integer counts stay integers.
    """
    require(counts, ("cell", "item", "code", "count"), "item counts")
    code = pd.to_numeric(counts["code"], errors="coerce")
    count = counts["count"]
    valid = code.isin(list(valid_codes))
    parts = pd.DataFrame({
        "cell": counts["cell"].to_numpy(), "item": counts["item"].to_numpy(),
        "n_responses": count.to_numpy(),
        "n_valid": count.where(valid, 0).to_numpy(),
        "n_top": count.where(code.isin(list(top_codes)), 0).to_numpy(),
        "score": (code * count).where(valid, 0).to_numpy(dtype=float),
    })
    out = parts.groupby(["cell", "item"], sort=False, dropna=False).sum().reset_index()
    n_valid = out["n_valid"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n_valid > 0, out["n_top"].to_numpy(dtype=float) / n_valid, np.nan)
        out["mean"] = np.where(n_valid > 0, out["score"].to_numpy() / n_valid, np.nan)
        out["se"] = 100 * np.sqrt(p * (1 - p) / n_valid)
    out["pct"] = 100 * p
    out["ci_low"], out["ci_high"] = wilson(out["n_top"], n_valid, z)
    return out[ITEM_COLUMNS]
