"""Each response's answer codes packed into one short blob (`responses.answer_codes`), for the breakdowns the
monthly roll-ups cannot answer (sex, age band, field, procedure, filters, periods that are not whole months).

Counting those from the answers table joins about 23 answer rows per SIPAS response and sorts them all: 60–80 s
for a province-year of 1,000,000 responses on SQLite. One short row per response, counted with numpy, takes a
second or two on either database.

Layout, fixed for an instrument version: one little-endian uint16 per item of the version, in item-id order
(`layout`); bit c is set when code c (0–9, the codes the roll-ups count) was answered, several bits for a
multi-select item, none when the item was not answered. The answers table stays the record; this is its index.
"""
from __future__ import annotations

import logging
import sys
from array import array
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from sqlalchemy import text

from survey.extensions import db
from survey.indices import ONESTOP_TOTAL, Scorer

log = logging.getLogger(__name__)
CODE_BITS = 10  # codes 0–9: the columns c0…c9 of the roll-ups
_LAYOUT = text("SELECT id FROM instrument_items WHERE version_id = :version ORDER BY id")
_PATTERNS = 1 << CODE_BITS  # the possible values of one slot
_POPCOUNT = np.array([bin(v).count("1") for v in range(_PATTERNS)], dtype=np.uint8)
_ANSWERED = 0b111110  # codes 1–5 of a satisfaction scale
_SATISFIED = 0b110000  # codes 4 and 5


def layout(version_id: int) -> tuple[int, ...]:
    """The item ids of a version in blob order (every item, so the layout never depends on item types)."""
    return tuple(db.session.scalars(_LAYOUT, {"version": version_id}))


def pack(positions: dict[int, int], answers: Iterable[tuple[int, int]]) -> bytes:
    """The blob of one response: `positions` maps item id → slot (see `layout`); answers are (item id, code)."""
    slots = array("H", bytes(2 * len(positions)))
    for item_id, code in answers:
        if 0 <= code < CODE_BITS:
            slots[positions[item_id]] |= 1 << code
    if sys.byteorder == "big":
        slots.byteswap()  # stored little-endian whatever the machine
    return slots.tobytes()


def unpack(blobs: Sequence[bytes | None], width: int) -> np.ndarray:
    """(responses × slots) uint16 code bits; a missing blob reads as no answers (and is logged: every writer packs,
    so one can only come from a process older than migration 0006 writing after it ran)."""
    empty = bytes(2 * width)
    missing = sum(b is None for b in blobs)
    if missing:
        log.warning("%d responses have no packed answers and count as unanswered; run migration 0006's "
                    "backfill again (survey db downgrade 0005 && survey db upgrade)", missing)
    joined = b"".join(empty if b is None else bytes(b) for b in blobs)
    if len(joined) != 2 * width * len(blobs):
        raise ValueError("a stored answer blob does not match its version's layout")
    return np.frombuffer(joined, dtype="<u2").reshape(len(blobs), width)


@dataclass
class PackedCounts:
    """Code counts per (key, item) and respondent-score sums per (key, component), accumulated chunk by chunk so
    a province-year never sits in memory as Python objects."""

    layout: tuple[int, ...]
    scorer: Scorer | None  # None: code counts only

    def __post_init__(self) -> None:
        self._keys: dict[Hashable, int] = {}
        self._codes = np.zeros((0, len(self.layout), CODE_BITS), dtype=np.int64)
        self._sums = np.zeros((0, len(self.components), 3), dtype=np.float64)

    def add(self, keys: Sequence[Hashable], blobs: Sequence[bytes | None]) -> None:
        """Count one chunk of responses: their breakdown keys and blobs."""
        if not len(keys):
            return
        index = np.fromiter((self._keys.setdefault(k, len(self._keys)) for k in keys), dtype=np.int64,
                            count=len(keys))
        self._grow()
        bits = unpack(blobs, len(self.layout)) & (_PATTERNS - 1)
        n_keys = len(self._keys)
        for slot in range(bits.shape[1]):
            column = bits[:, slot]
            if not column.any():
                continue  # an item nobody in this chunk answered (or one never packed: text, profile)
            for code in np.flatnonzero(np.bitwise_or.reduce(column) >> np.arange(CODE_BITS) & 1):
                # One bincount per code that occurs: the cost does not grow with the number of keys.
                self._codes[:, slot, code] += np.bincount(index[(column >> code) & 1 == 1], minlength=n_keys)
        for slot, (_, members, kind) in enumerate(self.components):
            self._score(slot, kind, bits[:, members], index)

    @cached_property
    def components(self) -> list[tuple[str, list[int], str]]:
        """(component code, slots of its items, "share" or "points") in the scorer's order."""
        if self.scorer is None:
            return []
        slot_of = {item_id: slot for slot, item_id in enumerate(self.layout)}
        members: dict[int, list[int]] = {}
        for item_id, positions in self.scorer.membership.items():
            for pos in positions:
                members.setdefault(pos, []).append(slot_of[item_id])
        comps = [(self.scorer.components[pos], sorted(slots), "share") for pos, slots in sorted(members.items())]
        if self.scorer.points_items:
            comps.append((ONESTOP_TOTAL, sorted(slot_of[i] for i in self.scorer.points_items), "points"))
        comps += [(comp, [slot_of[item_id]], "answered") for item_id, comp in self.scorer.answered.items()]
        return comps

    def _grow(self) -> None:
        missing = len(self._keys) - self._codes.shape[0]
        if missing > 0:
            self._codes = np.concatenate([self._codes, np.zeros((missing, *self._codes.shape[1:]), np.int64)])
            self._sums = np.concatenate([self._sums, np.zeros((missing, *self._sums.shape[1:]), np.float64)])

    def _score(self, slot: int, kind: str, bits: np.ndarray, index: np.ndarray) -> None:
        """The respondent score of one component (same rule as the roll-ups), summed with its square per key."""
        if kind == "share":  # share of the answered items (codes 1–5) answered 4 or 5
            answered = _POPCOUNT[bits & _ANSWERED].sum(axis=1, dtype=np.int64)
            satisfied = _POPCOUNT[bits & _SATISFIED].sum(axis=1, dtype=np.int64)
            keep = answered > 0
            score = satisfied[keep] / answered[keep]
        elif kind == "answered":  # a multi-select item with any box ticked: the respondent counts once
            keep = bits[:, 0] != 0
            score = np.ones(int(keep.sum()))
        else:  # one-stop points: the sum of codes 0–2 over the points items answered
            answered = _POPCOUNT[bits & 0b111].sum(axis=1, dtype=np.int64)
            points = (((bits >> 1) & 1) + 2 * ((bits >> 2) & 1)).sum(axis=1, dtype=np.int64)
            keep = answered > 0
            score = points[keep].astype(np.float64)
        kept = index[keep]
        n_keys = len(self._keys)
        self._sums[:, slot, 0] += np.bincount(kept, minlength=n_keys)
        self._sums[:, slot, 1] += np.bincount(kept, weights=score, minlength=n_keys)
        self._sums[:, slot, 2] += np.bincount(kept, weights=score * score, minlength=n_keys)

    def items(self, split: list[str] | None = None) -> pd.DataFrame:
        """[key, item_id, code, count] for every non-zero count (the roll-ups' long shape); with `split`, tuple
        keys come as one column per part, named by `split`, instead of `key`."""
        k, slot, code = np.nonzero(self._codes)
        return pd.DataFrame({**self._key_columns(k, split), "item_id": np.asarray(self.layout, dtype=np.int64)[slot],
                             "code": code.astype(np.int64), "count": self._codes[k, slot, code]})

    def _key_columns(self, index: np.ndarray, split: list[str] | None) -> dict[str, pd.Series]:
        """The keys of rows `index` as {"key": …}, or one column per tuple part when `split` names them."""
        keys = list(self._keys)
        if split is None:
            # Keys go through pandas' own inference, as rows read from the database would (None beside ints → NaN).
            return {"key": pd.Series([keys[i] for i in index.tolist()])}
        parts = [np.array([key[j] for key in keys], dtype=object) for j in range(len(split))]
        return {name: pd.Series(part[index], dtype=object) for name, part in zip(split, parts)}

    def sums(self) -> pd.DataFrame:
        """[key, component, n, sum, sumsq] for every key and component with at least one respondent score."""
        keys, comps = list(self._keys), self.components
        k, slot = np.nonzero(self._sums[:, :, 0])
        return pd.DataFrame({"key": pd.Series([keys[i] for i in k.tolist()]),
                             "component": pd.Series([comps[s][0] for s in slot.tolist()], dtype=object),
                             "n": self._sums[k, slot, 0].astype(np.int64), "sum": self._sums[k, slot, 1],
                             "sumsq": self._sums[k, slot, 2]})
