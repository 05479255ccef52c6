"""Improvement-priority index (SIPAS-1001 P.k): share answering Nhiều or Rất nhiều, ranked within each cell."""
from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from survey.indices.intervals import Z95
from survey.indices.items import item_stats
from survey.indices.ranking import RANK_DECIMALS

PRIO3_VALID = (1, 2, 3)  # 1 Ít · 2 Nhiều · 3 Rất nhiều; 9 is no answer
PRIO_HIGH = (2, 3)


def priority_index(counts: pd.DataFrame, items: Collection[str] | None = None, z: float = Z95) -> pd.DataFrame:
    """Priority figures per cell and item.

    Input `counts`: [cell, item, code, count] for the prio3 items (restricted to `items` when given).
    Output: [cell, item, n_responses, n_valid, pct, ci_low, ci_high, rank]: pct = 100·(n2 + n3)/n_valid with its
    Wilson interval; rank 1 = the most pressing item of the cell (ties on the 2-decimal figure share a rank),
    null where n_valid = 0; rows sorted by cell (first appearance) and rank.
    """
    chosen = counts if items is None else counts[counts["item"].isin(list(items))]
    out = item_stats(chosen, valid_codes=PRIO3_VALID, top_codes=PRIO_HIGH, z=z)
    out["rank"] = (out["pct"].round(RANK_DECIMALS).groupby(out["cell"], sort=False)
                   .rank(method="min", ascending=False)
                   .where(out["pct"].notna())).astype("Int64")
    # Keep each cell's rows together, in the cells' order of first appearance.
    out["_cell"] = pd.factorize(out["cell"])[0]
    out = out.sort_values(["_cell", "rank"], na_position="last", kind="stable")
    return out[["cell", "item", "n_responses", "n_valid", "pct", "ci_low", "ci_high", "rank"]].reset_index(drop=True)
