"""Counting a columnar block: code counts per (key, item) and respondent-score histograms per (key, component),
all integers, so blocks and the tail add up exactly in any order (score sums come from the histograms at the end).

The cost is a few passes over each block's bytes, as few bincounts as possible: items are counted two or three
at a time (a code + 1 fits four bits) with the row's key in the same uint16 when the keys are few; a component's
respondent score is the pair (answered items A, satisfied items or points V) of small integers, counted by one
bincount over (key, A, V); a component made of smaller ones (OVERALL of A1 and A2) adds their A and V.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.services.indices.packed_answers import _ANSWERED, _POPCOUNT, _SATISFIED, CODE_BITS, PackedCounts

STORED = CODE_BITS + 1  # values of a single-code column: code + 1, 0 = unanswered
_MASK = (1 << CODE_BITS) - 1
_SINGLE_BITS = np.array([0] + [1 << c for c in range(CODE_BITS)] + [0] * (255 - CODE_BITS), dtype=np.int64)
_PATTERNS = np.arange(1 << CODE_BITS)
# (answered, value) of each code-bit pattern per component kind: the rules of PackedCounts._score.
_RULES = {kind: (answered.astype(np.uint8), value.astype(np.uint8)) for kind, (answered, value) in {
    "share": (_POPCOUNT[_PATTERNS & _ANSWERED], _POPCOUNT[_PATTERNS & _SATISFIED]),
    "points": (_POPCOUNT[_PATTERNS & 0b111], ((_PATTERNS >> 1) & 1) + 2 * ((_PATTERNS >> 2) & 1)),
    "answered": (_PATTERNS != 0, _PATTERNS != 0)}.items()}


def _bits(columns: dict, slot: int, n: int) -> np.ndarray:
    """The code bits of one item per row (zeros when nobody in the block answered it)."""
    if f"m{slot}" in columns:
        return columns[f"m{slot}"] & _MASK
    if f"s{slot}" in columns:
        return _SINGLE_BITS[columns[f"s{slot}"]]
    return np.zeros(n, dtype=np.int64)


def _top(kind: str, members: int) -> tuple[int, int]:
    """The largest A and V of a component of single-code items."""
    return {"share": (members, members), "points": (members, 2 * members), "answered": (1, 1)}[kind]


class ColumnCounts(PackedCounts):
    """PackedCounts fed with blocks' columns; exact integer counts, score sums derived from histograms."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._shape = [tuple(t + 1 for t in _top(kind, len(members))) for _, members, kind in self.components]
        self._hist = [np.zeros((0, a * v), dtype=np.int64) for a, v in self._shape]
        # float sums counted outside the histograms: components with a multi-code item, blocks' summaries
        self._extra = np.zeros((0, len(self.components), 3))
        self._rows = np.zeros(0, dtype=np.int64)  # responses per key, answered or not (weighting's strata)
        self._sign = 1

    def _grow(self) -> None:
        super()._grow()
        keys = len(self._keys)
        if keys > len(self._extra):
            self._extra = np.concatenate([self._extra, np.zeros((keys - len(self._extra), *self._extra.shape[1:]))])
        self._hist = [np.concatenate([h, np.zeros((keys - len(h), h.shape[1]), np.int64)]) if keys > len(h) else h
                      for h in self._hist]
        if keys > len(self._rows):
            self._rows = np.concatenate([self._rows, np.zeros(keys - len(self._rows), np.int64)])

    def add_block(self, keys: list, inverse: np.ndarray, columns: dict[str, np.ndarray], keep: np.ndarray | None,
                  n: int, sign: int = 1) -> None:
        """Count the block's n rows (those in `keep`, all when None); kept row i under key keys[inverse[i]]. With
        sign -1 the rows are taken away again (flagged responses, out of the clean view)."""
        if not len(inverse):
            return
        slots = np.array([self._keys.setdefault(k, len(self._keys)) for k in keys], dtype=np.int64)
        self._grow()
        n_keys = len(self._keys)
        if keep is None:
            index = slots[inverse]
        else:  # rows left out count under one more key, dropped at the end: no copy of every column
            index = np.full(n, n_keys, dtype=np.int64)
            index[keep] = slots[inverse]
        self._sign = sign
        bins = n_keys + 1
        self._rows += sign * np.bincount(index, minlength=bins)[:-1]
        self._count_items(columns, index, bins)
        self._count_scores(columns, index, bins)

    def _count_items(self, columns: dict, index: np.ndarray, bins: int) -> None:
        singles = [slot for slot in range(len(self.layout)) if f"s{slot}" in columns]
        key_bits = max(int(bins - 1).bit_length(), 1)
        size = 3 if key_bits <= 4 else 2 if key_bits <= 8 else 1
        small = key_bits + 4 * size <= 16  # key and codes in one uint16: no int64 pass at all
        keyed = {w: (index.astype(np.uint16) << np.uint16(4 * w)) if small else index << (4 * w)
                 for w in {size, len(singles) % size} if w}
        for at in range(0, len(singles), size):
            group = singles[at:at + size]
            width = len(group)
            code = keyed[width].copy()
            for j, slot in enumerate(group):
                part = columns[f"s{slot}"].astype(code.dtype)
                part <<= 4 * (width - 1 - j)
                code |= part  # code + 1 ≤ 10: four bits each
            seen = np.bincount(code, minlength=bins << (4 * width)).reshape((bins,) + (16,) * width)[:-1]
            for j, slot in enumerate(group):
                other = tuple(1 + a for a in range(width) if a != j)
                self._codes[:, slot, :] += self._sign * (seen.sum(axis=other) if other else seen)[:, 1:STORED]
        for slot in range(len(self.layout)):
            column = columns.get(f"m{slot}")
            if column is None:
                continue
            for code in np.flatnonzero(np.bitwise_or.reduce(column) >> np.arange(CODE_BITS) & 1):
                self._codes[:, slot, code] += self._sign * np.bincount(index[(column >> code) & 1 == 1],
                                                                       minlength=bins)[:-1]

    def _count_scores(self, columns: dict, index: np.ndarray, bins: int) -> None:
        done: list[tuple[frozenset, np.ndarray, np.ndarray]] = []  # (items, A, V) of share components counted
        order = sorted(range(len(self.components)), key=lambda c: len(self.components[c][1]))
        for c in order:
            _, members, kind = self.components[c]
            if (kind != "answered" and any(f"m{slot}" in columns for slot in members)) or len(members) > 127:
                # an item with two codes ticked (or A beyond uint8): counted as the raw path does
                self._float_score(c, columns, index, bins)  # an item with two codes ticked: counted the raw way
                continue
            answered, value = self._row_scores(columns, members, kind, done)
            if answered is None:
                continue
            if kind == "share":
                done.append((frozenset(members), answered, value))
            tops = self._shape[c]
            cells = tops[0] * tops[1]
            if bins * cells < 1 << 16:
                code = index.astype(np.uint16) * np.uint16(cells)
                code += answered.astype(np.uint16) * np.uint16(tops[1])
            else:
                code = index * cells + answered.astype(np.int64) * tops[1]
            code += value
            self._hist[c] += self._sign * np.bincount(code, minlength=bins * cells).reshape(bins, cells)[:-1]

    def _row_scores(self, columns: dict, members: list[int], kind: str, done: list):
        """(A, V) per row as uint8 (None, None when nobody in the block answered an item of the component)."""
        left, answered, value = set(members), None, None
        if kind == "share":
            for items, a, v in reversed(done):  # largest first: OVERALL reuses A1 and A2
                if items <= left:
                    answered, value = (a.copy(), v.copy()) if answered is None else (answered + a, value + v)
                    left -= items
        for slot in sorted(left):
            stored = columns.get(f"s{slot}")
            if stored is None and f"m{slot}" not in columns:
                continue  # nobody in the block answered it
            if stored is None:  # code bits (a multi-select item of an "answered" component)
                bits = columns[f"m{slot}"] & _MASK
                a, v = _RULES[kind][0][bits], _RULES[kind][1][bits]
            elif kind == "share":  # codes 1–5 (stored 2–6) answered, 4–5 (stored 5–6) satisfied
                shifted = stored - np.uint8(2)
                a, v = shifted <= 4, (shifted - np.uint8(3)) <= 1
            else:
                bits = _SINGLE_BITS[stored]
                a, v = _RULES[kind][0][bits], _RULES[kind][1][bits]
            if answered is None:
                answered, value = a.astype(np.uint8), v.astype(np.uint8)
            else:
                answered += a
                value += v
        return answered, value

    def _float_score(self, c: int, columns: dict, index: np.ndarray, bins: int) -> None:
        """A component with a multi-code item, counted as the raw path does (float sums beside the histograms)."""
        _, members, kind = self.components[c]
        bits = np.stack([_bits(columns, slot, len(index)) for slot in members], axis=1)
        answered = _RULES[kind][0][bits].sum(axis=1, dtype=np.int64)
        value = _RULES[kind][1][bits].sum(axis=1, dtype=np.int64)
        kept = answered > 0
        score = value[kept] / answered[kept] if kind == "share" else value[kept].astype(np.float64)
        rows = index[kept]
        self._extra[:, c, 0] += self._sign * np.bincount(rows, minlength=bins)[:-1]
        self._extra[:, c, 1] += self._sign * np.bincount(rows, weights=score, minlength=bins)[:-1]
        self._extra[:, c, 2] += self._sign * np.bincount(rows, weights=score * score, minlength=bins)[:-1]

    def add_totals(self, keys: list, codes: np.ndarray, sums: np.ndarray) -> None:
        """Add counts made before (a block's summary): codes [key, slot, code], sums [key, component, (n, Σ, Σ²)]
        of distinct keys. Their score sums join the float sums beside the histograms."""
        if not len(keys):
            return
        slots = np.array([self._keys.setdefault(k, len(self._keys)) for k in keys], dtype=np.int64)
        self._grow()
        self._codes[slots] += codes
        self._extra[slots] += sums

    def totals(self) -> tuple[list, np.ndarray, np.ndarray]:
        """(keys, codes [key, slot, code], sums [key, component, (n, Σ, Σ²)]): what `add_totals` takes back."""
        self._settle()
        return list(self._keys), self._codes, self._sums

    def respondents(self, split: list[str] | None = None) -> pd.DataFrame:
        """[key, n]: the responses counted under each key, whatever they answered (`split` as in items)."""
        found = np.flatnonzero(self._rows)
        return pd.DataFrame({**self._key_columns(found, split), "n": self._rows[found]})

    def sums(self) -> pd.DataFrame:
        """[key, component, n, sum, sumsq] from the histograms: respondents with A > 0 score V / A (share), V
        (points) or 1 (answered)."""
        self._settle()
        return super().sums()

    def _settle(self) -> None:
        """The score sums from the histograms, plus the float sums kept beside them (set anew on every call)."""
        for c, (_, _, kind) in enumerate(self.components):
            answered, value = np.divmod(np.arange(self._hist[c].shape[1]), self._shape[c][1])
            scored = answered > 0
            score = value[scored] / answered[scored] if kind == "share" else \
                value[scored].astype(np.float64) if kind == "points" else np.ones(int(scored.sum()))
            hist = self._hist[c][:, scored]
            self._sums[:, c, 0] = hist.sum(axis=1)
            self._sums[:, c, 1] = hist @ score
            self._sums[:, c, 2] = hist @ (score * score)
        self._sums += self._extra
