"""Stratified with-replacement variance of PSU totals, lonely PSU "adjust" (methodology §7; R survey's svyrecvar)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Design:
    """PSUs nested in strata: an index per respondent's PSU, the stratum of each PSU, and PSUs per stratum."""

    psu_index: np.ndarray  # per respondent
    stratum_of_psu: np.ndarray  # per PSU
    psus_in_stratum: np.ndarray  # per stratum: n_h
    n_psu: int

    @classmethod
    def of(cls, stratum: np.ndarray, psu: np.ndarray) -> "Design":
        """Index the design; a PSU code is taken within its stratum (nest = TRUE)."""
        h_idx, _ = pd.factorize(pd.Series(stratum, dtype=object), sort=True)
        pairs = pd.MultiIndex.from_arrays([h_idx, pd.Series(psu, dtype=object)])
        v_idx, uniques = pd.factorize(pairs, sort=True)
        stratum_of_psu = np.asarray(uniques.get_level_values(0), dtype=np.int64)
        return cls(np.asarray(v_idx), stratum_of_psu, np.bincount(stratum_of_psu), len(uniques))


def stratified_variance(design: Design, pair_cell: np.ndarray, pair_psu: np.ndarray, z: np.ndarray,
                        n_cells: int) -> np.ndarray:
    """var[g, e] = Σ_h n_h/(n_h−1) Σ_v (z_hv − z̄_h)², with z = 0 for PSUs without respondents of cell g.

    `z[p, e]`: the linearised total of PSU `pair_psu[p]` restricted to cell `pair_cell[p]`. A stratum with one
    PSU contributes (z_hv − c)², c = the mean of all PSU totals of the cell (R's lonely.psu = "adjust"); a lonely
    stratum without respondents of the cell therefore contributes c².
    """
    n_est = z.shape[1]
    h = design.stratum_of_psu[pair_psu]
    key = pair_cell.astype(np.int64) * len(design.psus_in_stratum) + h
    slot, uniq = pd.factorize(key)
    s1 = np.zeros((len(uniq), n_est))
    s2 = np.zeros((len(uniq), n_est))
    np.add.at(s1, slot, z)
    np.add.at(s2, slot, z * z)
    slot_cell = (uniq // len(design.psus_in_stratum)).astype(np.int64)
    slot_nh = design.psus_in_stratum[uniq % len(design.psus_in_stratum)].astype(float)
    lonely = slot_nh == 1

    centre = np.zeros((n_cells, n_est))
    np.add.at(centre, pair_cell, z)
    centre /= design.n_psu
    c = centre[slot_cell]
    with np.errstate(divide="ignore", invalid="ignore"):
        regular = (slot_nh / (slot_nh - 1))[:, None] * (s2 - s1 * s1 / slot_nh[:, None])
    alone = s2 - 2.0 * c * s1 + c * c
    contrib = np.where(lonely[:, None], alone, regular)
    var = np.zeros((n_cells, n_est))
    np.add.at(var, slot_cell, contrib)
    # Lonely strata where the cell has no respondent: (0 − c)² each.
    lonely_total = int((design.psus_in_stratum == 1).sum())
    lonely_seen = np.bincount(slot_cell[lonely], minlength=n_cells)
    var += (lonely_total - lonely_seen)[:, None] * centre * centre
    return var
