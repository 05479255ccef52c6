"""A columnar block's summary: its code counts per (unit, item) and score sums per (unit, component), made once
when the block is sealed. Tables by province, district or commune over whole months add these up (a few hundred
KB a province-month) instead of counting every response's columns again."""
from __future__ import annotations

import numpy as np

from survey.indices import Scorer
from survey.services.indices import blocks
from survey.services.indices.block_counts import ColumnCounts
from survey.services.indices.packed_answers import CODE_BITS


def summarise(columns: dict[str, np.ndarray], layout: tuple[int, ...], scorer: Scorer) -> bytes:
    """The summary blob of a block's columns, keyed by unit id."""
    counts = ColumnCounts(layout, scorer)
    units = columns["unit_id"]
    if len(units):
        keys, inverse = np.unique(units, return_inverse=True)
        counts.add_block(keys.tolist(), inverse.reshape(-1), columns, None, len(units))
    keys, codes, sums = counts.totals()
    return blocks.dumps({"unit": np.asarray(keys, dtype=np.int32), "codes": codes.astype(np.int32).reshape(-1),
                         "sums": sums.reshape(-1)})


def add_summary(counts: ColumnCounts, blob: bytes, units: np.ndarray | None, key_of: np.ndarray | None) -> None:
    """Add a summary to `counts`: only the units in `units` (all when None), each under key_of[unit] (a lookup
    by unit id: several units may share a key) or its own id."""
    summary = blocks.loads(blob)
    unit = summary["unit"].astype(np.int64)
    codes = summary["codes"].reshape(len(unit), len(counts.layout), CODE_BITS)
    sums = summary["sums"].reshape(len(unit), len(counts.components), 3)
    if units is not None:
        keep = np.isin(unit, units)
        unit, codes, sums = unit[keep], codes[keep], sums[keep]
    if not len(unit):
        return
    keys = unit if key_of is None else key_of[unit]
    distinct, inverse = np.unique(keys, return_inverse=True)
    if len(distinct) < len(keys):  # units under one key (communes of a province): summed first, one row a key
        codes = _sum_rows(codes, inverse, len(distinct))
        sums = _sum_rows(sums, inverse, len(distinct))
    counts.add_totals(distinct.tolist(), codes, sums)


def _sum_rows(values: np.ndarray, group: np.ndarray, groups: int) -> np.ndarray:
    out = np.zeros((groups, *values.shape[1:]), dtype=np.int64 if values.dtype.kind in "iu" else np.float64)
    np.add.at(out, group, values)
    return out
