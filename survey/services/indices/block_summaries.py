"""A columnar block's summary: its code counts per (unit, item) and score sums per (unit, component), made once
when the block is sealed. Tables by province, district or commune over whole months add these up instead of
counting every response's columns again.

A summary keeps only what is not zero, as flat positions into [unit, item slot, code] and [unit, component]:
a dense one was larger than the block itself (most units answer a few codes of each item)."""
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
    flat_codes, flat_sums = codes.reshape(-1), sums.reshape(-1, 3)
    at = np.flatnonzero(flat_codes)
    scored = np.flatnonzero(flat_sums[:, 0])
    return blocks.dumps({"unit": np.asarray(keys, dtype=np.int32), "at": _small(at), "count": _small(flat_codes[at]),
                         "scored": _small(scored), "sums": np.ascontiguousarray(flat_sums[scored]).reshape(-1)})


def _small(values: np.ndarray) -> np.ndarray:
    """Non-negative integers in two bytes when they fit, else four."""
    return values.astype(np.uint16 if not len(values) or values.max() < 1 << 16 else np.uint32)


class Summaries:
    """Summaries added up: every block's entries gathered, then counted into a ColumnCounts in one pass."""

    def __init__(self, counts: ColumnCounts, units: np.ndarray | None, key_of: np.ndarray | None) -> None:
        self.counts, self.units, self.key_of = counts, units, key_of
        self._codes: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (unit, slot × code, count)
        self._sums: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (unit, component, [n, Σ, Σ²])

    def add(self, blob: bytes) -> None:
        summary = blocks.loads(blob)
        unit = summary["unit"].astype(np.int64)
        per_unit = len(self.counts.layout) * CODE_BITS
        at, scored = summary["at"].astype(np.int64), summary["scored"].astype(np.int64)
        components = max(len(self.counts.components), 1)
        self._codes.append((unit[at // per_unit], at % per_unit, summary["count"]))
        self._sums.append((unit[scored // components], scored % components, summary["sums"].reshape(-1, 3)))

    def finish(self) -> None:
        """Add the gathered counts to `counts`: the units kept (all when None), each under key_of[unit] (several
        units may share a key: the communes of a province) or its own id."""
        if not self._codes:
            return
        unit, cell, count = (np.concatenate(part) for part in zip(*self._codes))
        s_unit, comp, sums = (np.concatenate(part) for part in zip(*self._sums))
        if self.units is not None:
            keep, s_keep = np.isin(unit, self.units), np.isin(s_unit, self.units)
            unit, cell, count = unit[keep], cell[keep], count[keep]
            s_unit, comp, sums = s_unit[s_keep], comp[s_keep], sums[s_keep]
        if self.key_of is not None:
            unit, s_unit = self.key_of[unit], self.key_of[s_unit]
        keys, inverse = _factorised(np.concatenate([unit, s_unit]))
        row, s_row = inverse[:len(unit)], inverse[len(unit):]
        per_unit, components = len(self.counts.layout) * CODE_BITS, len(self.counts.components)
        codes = np.bincount(row * per_unit + cell, weights=count, minlength=len(keys) * per_unit)
        totals = np.zeros((len(keys) * components, 3))
        for j in range(3):
            totals[:, j] = np.bincount(s_row * components + comp, weights=sums[:, j], minlength=len(totals))
        self.counts.add_totals(keys.tolist(), np.rint(codes).astype(np.int64).reshape(len(keys), -1, CODE_BITS),
                               totals.reshape(len(keys), components, 3))
        self._codes, self._sums = [], []


def _factorised(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct ids, each id's position among them) without a sort: ids are unit ids, a few thousand at most,
    and a national year has millions of entries (np.unique's argsort took over a second)."""
    if not len(ids):
        return ids, ids
    present = np.zeros(int(ids.max()) + 1, dtype=bool)
    present[ids] = True
    return np.flatnonzero(present), (np.cumsum(present) - 1)[ids]
