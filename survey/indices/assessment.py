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
    chosen = counts[counts["item"].isin(list(levels))]
    # Dictionaries, not three-key merges: a table has ~100 cells × a few dozen levels, and pandas' fixed cost per
    # merge on object keys was most of the document's build time.
    counted: dict[tuple, float] = {}
    for key, count in zip(zip(chosen["cell"].tolist(), chosen["item"].tolist(), chosen["code"].tolist()),
                          chosen["count"].tolist()):
        counted[key] = counted.get(key, 0) + count
    base = answered if answered is not None else pd.DataFrame(columns=["cell", "item", "n"])
    answers = dict(zip(zip(base["cell"].tolist(), base["item"].tolist()), base["n"].tolist()))
    rows = []
    for cell in cells:
        for item, codes in levels.items():
            found = [counted.get((cell, item, code), 0) for code in codes]
            n_valid = answers.get((cell, item), 0) if item in multi else sum(found)
            rows.extend((cell, item, code, count, n_valid) for code, count in zip(codes, found))
    out = pd.DataFrame(rows, columns=SHARE_COLUMNS[:-1]).astype({"cell": object, "item": object, "code": np.int64,
                                                                  "count": float, "n_valid": float})
    n_valid = out["n_valid"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = np.where(n_valid > 0, 100 * out["count"].to_numpy(dtype=float) / n_valid, np.nan)
    return out[SHARE_COLUMNS]
