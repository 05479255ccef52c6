"""Design-based estimates of every item, component and index by cell, vectorised (methodology §7, estimation)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey.indices.structure import Structure
from survey.sampling.linear import Estimands, coefficients, estimands_of, incomplete
from survey.sampling.variance import Design, stratified_variance

Z95 = 1.959963984540054
VALID = (1, 5)  # sat5 codes 1–5 are valid; 9 (no answer) and absence (0) are not
TOP2 = 4  # codes 4 and 5 are "satisfied"


@dataclass(frozen=True)
class DesignEstimates:
    """`figures`: [cell, code, kind, estimate, se, ci_low, ci_high, deff, n, mean] (percentages; mean on 1–5);
    `cells`: [cell, n, suppressed, incomplete]. Figures of a suppressed cell are NaN."""

    figures: pd.DataFrame
    cells: pd.DataFrame


def _sorted_starts(keys: np.ndarray) -> np.ndarray:
    """Start offsets of the runs of equal keys in an already sorted array."""
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])


def estimate_design(codes: np.ndarray, structure: Structure, stratum: np.ndarray, psu: np.ndarray,
                    weight: np.ndarray, cell: np.ndarray | None = None, min_n: int = 30,
                    z: float = Z95) -> DesignEstimates:
    """Every estimand of `structure` for every cell, with Taylor-linearised standard errors.

    `codes[k, i]`: respondent k's answer code to the i-th index item of the structure (0 when absent);
    `stratum`, `psu`: the design (PSUs nested in strata, with replacement); `weight`: final weights of completed
    questionnaires; `cell`: the domain of each respondent (None: one cell "ALL"). Domains are estimated with the
    whole design (PSUs outside the domain contribute zero), as R's survey does for subsets.
    """
    est = estimands_of(structure)
    codes = np.asarray(codes)
    n_resp = codes.shape[0]
    if n_resp == 0:  # nothing completed yet: no cells, not an error
        return DesignEstimates(pd.DataFrame(columns=["cell", "code", "kind", "estimate", "se", "ci_low", "ci_high",
                                                     "deff", "n", "mean"]),
                               pd.DataFrame(columns=["cell", "n", "suppressed", "incomplete"]))
    x = ((codes >= VALID[0]) & (codes <= VALID[1])).astype(float)
    y = ((codes >= TOP2) & (codes <= VALID[1])).astype(float)
    w = np.asarray(weight, float)
    cell = np.full(n_resp, "ALL", dtype=object) if cell is None else np.asarray(cell, dtype=object)
    g_idx, g_labels = pd.factorize(pd.Series(cell), sort=True)
    design = Design.of(np.asarray(stratum), np.asarray(psu))

    order = np.lexsort((design.psu_index, g_idx))
    g_sorted, w_sorted = g_idx[order], w[order]
    xs, ys, cs = x[order], y[order], codes[order].astype(float)
    g_starts = _sorted_starts(g_sorted)
    wx, wy = w_sorted[:, None] * xs, w_sorted[:, None] * ys
    x_tot, y_tot = np.add.reduceat(wx, g_starts), np.add.reduceat(wy, g_starts)
    code_tot = np.add.reduceat(wx * cs, g_starts)
    have = x_tot > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        p_hat = np.where(have, y_tot / x_tot, 0.0)
        inv_x = np.where(have, 1.0 / x_tot, 0.0)
        item_mean = np.where(have, code_tot / x_tot, np.nan)
    a = coefficients(structure, est, have)  # g, e, i
    estimate = 100.0 * np.einsum("gei,gi->ge", a, p_hat)
    has_data = a.any(axis=2)

    # Linearised scores d_ke = Σ_i a_gei (y_ki − p̂_gi x_ki) / X̂_gi, one matrix product per coefficient pattern.
    resid = (ys - p_hat[g_sorted] * xs) * inv_x[g_sorted]
    d = np.zeros((n_resp, len(est.codes)))
    counted = np.zeros((n_resp, len(est.codes)))
    patterns, pattern_of = np.unique(have, axis=0, return_inverse=True)
    resp_pattern = np.asarray(pattern_of).ravel()[g_sorted]
    first_cell = {int(p): int(np.argmax(np.asarray(pattern_of).ravel() == p)) for p in range(len(patterns))}
    for p, g0 in first_cell.items():
        rows = resp_pattern == p
        d[rows] = resid[rows] @ a[g0].T
        counted[rows] = (xs[rows] @ (a[g0] != 0).T) > 0

    pair_keys = g_sorted.astype(np.int64) * design.n_psu + design.psu_index[order]
    p_starts = _sorted_starts(pair_keys)
    z_pair = 100.0 * np.add.reduceat(w_sorted[:, None] * d, p_starts)
    var = stratified_variance(design, g_sorted[p_starts], design.psu_index[order][p_starts], z_pair,
                              len(g_labels))

    n = np.add.reduceat(counted, g_starts)
    w_counted = np.add.reduceat(w_sorted[:, None] * counted, g_starts)
    q = np.add.reduceat(w_sorted[:, None] * d * d, g_starts)
    with np.errstate(divide="ignore", invalid="ignore"):
        var_srs = 100.0 ** 2 * w_counted * q / n
        deff = np.where(var_srs > 0, var / var_srs, np.nan)
    se = np.sqrt(np.maximum(var, 0.0))
    return _assemble(est, g_labels, estimate, se, deff, n, has_data, item_mean,
                     incomplete(structure, est, a), min_n, z)


def _assemble(est: Estimands, labels, estimate, se, deff, n, has_data, item_mean, incompl, min_n, z
              ) -> DesignEstimates:
    """Long figures and the cell table, with suppression and clipped intervals."""
    n_cells, n_est = estimate.shape
    cell_n = n[:, -1]  # respondents with at least one valid answer to an index item
    suppressed = cell_n < min_n
    blank = ~has_data | suppressed[:, None]
    estimate, se, deff = (np.where(blank, np.nan, v) for v in (estimate, se, deff))
    mean = np.full((n_cells, n_est), np.nan)
    mean[:, :len(est.items)] = np.where(blank[:, :len(est.items)], np.nan, item_mean)
    figures = pd.DataFrame({
        "cell": np.repeat(np.asarray(labels, dtype=object), n_est),
        "code": np.tile(np.asarray(est.codes, dtype=object), n_cells),
        "kind": np.tile(np.asarray(est.kinds, dtype=object), n_cells),
        "estimate": estimate.ravel(), "se": se.ravel(),
        "ci_low": np.clip(estimate - z * se, 0.0, 100.0).ravel(),
        "ci_high": np.clip(estimate + z * se, 0.0, 100.0).ravel(),
        "deff": deff.ravel(), "n": n.ravel().astype(int), "mean": mean.ravel(),
    })
    cells = pd.DataFrame({"cell": np.asarray(labels, dtype=object), "n": cell_n.astype(int),
                          "suppressed": suppressed, "incomplete": incompl})
    return DesignEstimates(figures, cells)
