"""Estimands as linear combinations of item percentages, with each cell's own coefficients (methodology §3, §7)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from survey.indices.structure import OVERALL, Structure


@dataclass(frozen=True)
class Estimands:
    """The figures of a table: every index item, every measured component, then the overall index."""

    items: tuple[str, ...]  # index items, the columns of the answer matrix
    codes: tuple[str, ...]  # estimand codes: items, measured components, OVERALL
    kinds: tuple[str, ...]  # "item" | "component" | "index"


def estimands_of(structure: Structure) -> Estimands:
    """The estimands of an instrument's structure, in definition order."""
    items = tuple(structure.item_weights)
    measured = tuple(c for c in structure.components if c in set(structure.measured))
    codes = items + measured + (OVERALL,)
    kinds = ("item",) * len(items) + ("component",) * len(measured) + ("index",)
    return Estimands(items, codes, kinds)


def coefficients(structure: Structure, est: Estimands, have: np.ndarray) -> np.ndarray:
    """a[g, e, i]: the weight of item i's percentage in estimand e for a cell with items `have[g, i]` (X̂ > 0).

    Exactly §3's nested weighted means, which skip parts without data: a factor is the weighted mean of its
    items and sub-factors that have data, an aspect of its factors, the index of the measured top components.
    A row of zeros means the estimand has no data in that cell.
    """
    n_cells, n_items = have.shape
    col = {code: j for j, code in enumerate(est.items)}
    coef: dict[str, np.ndarray] = {}
    for code in est.items:
        unit = np.zeros((n_cells, n_items))
        unit[:, col[code]] = have[:, col[code]]
        coef[code] = unit

    def mean_of(parts: list[str], weights: list[float]) -> np.ndarray:
        if not parts:
            return np.zeros((n_cells, n_items))
        stacked = np.stack([coef[p] for p in parts], axis=1)  # g, part, i
        present = stacked.any(axis=2) * np.asarray(weights)  # g, part: weight where the part has data
        total = present.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(total > 0, present / total, 0.0)
        return np.einsum("gp,gpi->gi", share, stacked)

    for code in structure.bottom_up():
        comp = structure.components[code]
        weights = [structure.item_weights[i] for i in comp.items] + \
                  [structure.components[c].weight for c in comp.children]
        coef[code] = mean_of(list(comp.items) + list(comp.children), weights)
    top = [c for c in structure.top if c in set(structure.measured)]
    coef[OVERALL] = mean_of(top, [structure.components[c].weight for c in top])
    return np.stack([coef[c] for c in est.codes], axis=1)


def incomplete(structure: Structure, est: Estimands, a: np.ndarray) -> np.ndarray:
    """Per cell: some measured component has no data (§3's `incomplete` flag)."""
    comps = [j for j, kind in enumerate(est.kinds) if kind == "component"]
    if not comps:
        return np.zeros(a.shape[0], bool)
    return ~a[:, comps, :].any(axis=2).all(axis=1)
