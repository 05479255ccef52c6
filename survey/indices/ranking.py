"""Rankings of cells by a figure: rank, figure, interval and significance flag; suppressed cells are not ranked."""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.indices.frames import require

RANK_DECIMALS = 2  # figures are published with 2 decimals, so ties are judged on what readers see


def rank_cells(rows: pd.DataFrame, value: str = "index", exclude_incomplete: bool = False) -> pd.DataFrame:
    """Rank cells, best first.

    Input `rows`: [cell, <value>, ci_low, ci_high, suppressed] and optionally [incomplete, flag]. Output: the same
    columns plus `rank` (1 = highest; equal rounded values share the lower rank, as 1, 2, 2, 4), sorted by rank;
    suppressed rows, rows without a value and (if asked) incomplete rows get rank null and come last.
    """
    require(rows, ("cell", value, "ci_low", "ci_high", "suppressed"), "rows to rank")
    out = rows.copy()
    figure = out[value].astype(float)
    eligible = ~out["suppressed"].astype(bool) & figure.notna()
    if exclude_incomplete and "incomplete" in out:
        eligible &= ~out["incomplete"].fillna(True).astype(bool)
    ranks = figure.round(RANK_DECIMALS).where(eligible).rank(method="min", ascending=False)
    out["rank"] = ranks.astype("Int64")
    order = np.lexsort((np.arange(len(out)), -figure.fillna(-np.inf).to_numpy(), ~eligible.to_numpy()))
    first = ["rank", "cell", value, "ci_low", "ci_high"] + [c for c in ("flag", "incomplete", "suppressed") if c in out]
    columns = first + [c for c in out.columns if c not in first]
    return out.iloc[order][columns].reset_index(drop=True)


def rank_among(ranking: pd.DataFrame, keep: set[str] | frozenset[str] | None = None,
               value: str = "index") -> pd.DataFrame:
    """Rank cells among their peers only: the rows of `ranking` whose cell is in `keep` (all when None), re-ranked
    1, 2, … among themselves. Departments are ranked among departments, communes among communes; a rank taken
    from a wider table (all agencies, commune committees included) would skip numbers."""
    rows = ranking if keep is None else ranking[ranking["cell"].isin(keep)]
    return rank_cells(rows.drop(columns=["rank"], errors="ignore"), value)
