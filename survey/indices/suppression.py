"""Minimum-n suppression: cells with fewer respondents than min_n lose every figure but n."""
from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from survey.indices.frames import positions, require

DEFAULT_MIN_N = 30


def _nullable(column: pd.Series) -> str | object:
    """A dtype of the same kind that can hold a null."""
    if pd.api.types.is_bool_dtype(column):
        return "boolean"
    if pd.api.types.is_integer_dtype(column):
        return "Int64"
    if pd.api.types.is_float_dtype(column):
        return column.dtype
    return object


def suppress(frame: pd.DataFrame, cell_n: pd.DataFrame, min_n: int = DEFAULT_MIN_N,
             keep: Collection[str] = ("cell",)) -> pd.DataFrame:
    """Null the figures of small cells.

    Input `frame`: any frame with a `cell` column; `cell_n`: [cell, n] (n = respondents with at least one valid
    answer in the cell; a cell missing here has n = 0). Output: `frame` plus a bool column `suppressed`
    (n < min_n) with every column not in `keep` set to null (NaN/None) on suppressed rows.
    """
    require(frame, ("cell",), "frame to suppress")
    require(cell_n, ("cell", "n"), "cell respondent counts")
    cells = cell_n["cell"].tolist()
    at = positions(frame["cell"], cells)
    n = cell_n["n"].to_numpy()[at.clip(0)] if len(cells) else at * 0
    small = (at < 0) | (n < min_n)
    out = frame.copy()
    hide = [c for c in out.columns if c not in keep]
    if small.any() and hide:
        # Integer/bool columns cannot hold NaN: widen them before blanking.
        for col in hide:
            out[col] = out[col].astype(_nullable(out[col]))
        out.loc[small, hide] = None
    out["suppressed"] = small
    return out
