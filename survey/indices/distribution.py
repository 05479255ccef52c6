"""Distribution of answer codes per item, one column per code."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from survey.indices.frames import require


def distribution(counts: pd.DataFrame, codes: Sequence[int]) -> pd.DataFrame:
    """Answer counts per code, wide.

    Input `counts`: [cell, item, code, count]. Output: [cell, item, n_<code> for each of `codes`], one row per
    cell × item seen (in order of first appearance), zeros where a code was not given; other codes are left out.
    """
    require(counts, ("cell", "item", "code", "count"), "item counts")
    group = counts.groupby(["cell", "item"], sort=False, dropna=False).ngroup().to_numpy()
    out = counts[["cell", "item"]].drop_duplicates().reset_index(drop=True)
    column = pd.Index(list(codes)).get_indexer(pd.to_numeric(counts["code"], errors="coerce"))
    keep = column >= 0
    count = counts["count"].to_numpy()
    matrix = np.zeros((len(out), len(codes)), dtype=count.dtype if len(count) else np.int64)
    np.add.at(matrix, (group[keep], column[keep]), count[keep])
    for j, code in enumerate(codes):
        out[f"n_{code}"] = matrix[:, j]
    return out
