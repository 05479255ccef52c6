"""Assessment shares (SIPAS-1001 v2 block I): the share of respondents at each level of an item, as the Ministry
reports interest, harassment, informal payments, channels and willingness to comment."""
from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from survey.indices.frames import require

SHARE_COLUMNS = ["cell", "item", "code", "count", "n_valid", "share"]


def assessment_shares(counts: pd.DataFrame, levels: Mapping[str, Collection[int]],
                      answered: pd.DataFrame | None = None, multi: Collection[str] = ()) -> pd.DataFrame:
    """Shares per cell, item and level.

    Input `counts`: [cell, item, code, count]; `levels`: item → its level codes (9, no answer, left out);
    `multi`: the multi-select items among them; `answered`: [cell, item, n] respondents who answered each multi
    item. Output: [cell, item, code, count, n_valid, share], one row per cell seen × item × level (zeros kept):
    a one-code item's n_valid is its answers at a level and the shares add up to 100; a multi-select item's
    n_valid is the respondents who answered it and share = 100·count/n_valid (they may add up to more than 100).
    share is NaN where n_valid is 0.
    """
    require(counts, ("cell", "item", "code", "count"), "item counts")
    cells = list(pd.unique(counts["cell"].astype(object)))
    grid = pd.DataFrame([(c, item, code) for c in cells for item, codes in levels.items() for code in codes],
                        columns=["cell", "item", "code"])
    grid = grid.astype({"cell": object, "item": object, "code": np.int64})
    chosen = counts[counts["item"].isin(list(levels))][["cell", "item", "code", "count"]]
    chosen = chosen.astype({"cell": object, "item": object, "code": np.int64})
    out = grid.merge(chosen.groupby(["cell", "item", "code"], sort=False)["count"].sum().reset_index(),
                     on=["cell", "item", "code"], how="left")
    out["count"] = out["count"].fillna(0)
    out["n_valid"] = out.groupby(["cell", "item"], sort=False)["count"].transform("sum")
    many = out["item"].isin(list(multi))
    if many.any():
        base = (answered if answered is not None else pd.DataFrame(columns=["cell", "item", "n"]))
        base = base[["cell", "item", "n"]].astype({"cell": object, "item": object})
        n = out[["cell", "item"]].merge(base, on=["cell", "item"], how="left")["n"].fillna(0).to_numpy()
        out.loc[many, "n_valid"] = n[many.to_numpy()]
    n_valid = out["n_valid"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = np.where(n_valid > 0, 100 * out["count"].to_numpy(dtype=float) / n_valid, np.nan)
    return out[SHARE_COLUMNS]
