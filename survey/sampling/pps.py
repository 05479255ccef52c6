"""Systematic PPS selection of villages within a stratum, with certainty villages (methodology §7, design)."""
from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np


def inclusion_probabilities(sizes: Sequence[int] | np.ndarray, n: int) -> np.ndarray:
    """π_v = n·N_v / ΣN, where any village with π_v ≥ 1 is taken with certainty (π_v = 1) and the rest recomputed.

    The recomputation repeats until no remaining village reaches 1: removing a large village can push another
    over. When n ≥ the number of villages every village is certain.
    """
    sizes = np.asarray(sizes, dtype=float)
    if n < 0 or (sizes <= 0).any():
        raise ValueError("n must be ≥ 0 and every size ≥ 1")
    pi = np.zeros(len(sizes))
    certain = np.zeros(len(sizes), dtype=bool)
    if n >= len(sizes):
        return np.ones(len(sizes))
    while True:
        left = n - int(certain.sum())
        rest = ~certain
        pi[rest] = left * sizes[rest] / sizes[rest].sum() if left > 0 else 0.0
        over = rest & (pi >= 1.0)
        if not over.any():
            break
        certain |= over
        pi[certain] = 1.0
    return pi


def stratum_rng(seed: int, stratum: str) -> np.random.Generator:
    """A generator for one stratum: the draw of a commune depends on the seed and its code, not on the others."""
    return np.random.default_rng([int(seed), zlib.crc32(stratum.encode("utf-8"))])


def systematic_pps(sizes: Sequence[int] | np.ndarray, n: int, rng: np.random.Generator
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Select n villages (in the given order, i.e. sorted by code) by systematic PPS; return (selected mask, π).

    Certainty villages are taken first; the others are selected where the points u, u+1, …, u+n′−1 (u uniform
    in [0, 1) from `rng`) fall into their cumulative-π intervals (C_{v−1}, C_v]. Each π < 1, so no village is hit
    twice, and the selection probability of each village is exactly its π.
    """
    pi = inclusion_probabilities(sizes, n)
    selected = pi >= 1.0
    rest = np.flatnonzero(~selected)
    left = n - int(selected.sum())
    if left > 0 and len(rest):
        cum = np.cumsum(pi[rest])
        points = rng.random() + np.arange(left)
        # The interval (C_{v−1}, C_v] containing each point; side="left" puts a point equal to C_v in v.
        hits = np.searchsorted(cum, points, side="left")
        selected[rest[np.minimum(hits, len(rest) - 1)]] = True
    return selected, pi


def person_probability(m: int, population: int) -> float:
    """π_{k|v} = m / N_v (capped at 1: a village smaller than m is taken whole)."""
    return min(1.0, m / population)
