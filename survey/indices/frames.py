"""Checks and small helpers shared by the core's operations on count frames."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from survey.errors import DomainError


def require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """Raise `indices_frame_invalid` when `frame` lacks any of `columns`."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DomainError("indices_frame_invalid", "A frame lacks required columns", frame=what, missing=missing)


def cell_order(*frames: pd.DataFrame) -> list[object]:
    """Every cell seen in the frames, in order of first appearance (the first frame sets the order)."""
    cells = pd.concat([frame["cell"].astype(object) for frame in frames], ignore_index=True)
    return list(pd.unique(cells))


def nan_to_none(frame: pd.DataFrame) -> pd.DataFrame:
    """Object-typed copy with NaN/NA replaced by None, for JSON-ready records."""
    return frame.astype(object).where(frame.notna(), None)


def positions(values: pd.Series, keys: list[object]) -> np.ndarray:
    """Position of each value in `keys` (−1 when absent); tuple keys stay plain keys, never a MultiIndex."""
    return pd.Index(keys, dtype=object, tupleize_cols=False).get_indexer(values.astype(object))
