"""Distribution of answer codes per item, one column per code."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from survey.indices.frames import require


def distribution(counts: pd.DataFrame, codes: Sequence[int]) -> pd.DataFrame:
    """Answer counts per code, wide.

    Input `counts`: [cell, item, code, count]. Output: [cell, item, n_<code> for each of `codes`], one row per
    cell × item seen, zeros where a code was not given; codes outside `codes` are left out.
    """
    require(counts, ("cell", "item", "code", "count"), "item counts")
    code = pd.to_numeric(counts["code"], errors="coerce")
    keep = code.isin(list(codes))
    cells = counts[["cell", "item"]].drop_duplicates()
    wide = (counts[keep].assign(code=code[keep].astype(int))
            .pivot_table(index=["cell", "item"], columns="code", values="count", aggfunc="sum", fill_value=0,
                         sort=False)
            .reindex(columns=list(codes), fill_value=0))
    wide.columns = [f"n_{c}" for c in codes]
    out = cells.merge(wide.reset_index(), on=["cell", "item"], how="left")
    columns = [f"n_{c}" for c in codes]
    out[columns] = out[columns].fillna(0).astype(counts["count"].dtype)
    return out.reset_index(drop=True)
