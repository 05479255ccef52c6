"""Optional post-stratification by sex × age band: secondary, weighted figures beside the unweighted ones."""
from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from survey.indices.composites import component_values, overall_index
from survey.indices.frames import require
from survey.indices.intervals import Z95, wilson
from survey.indices.items import SAT5_VALID, TOP2_BOX
from survey.indices.structure import Structure


def poststrat_weights(strata: pd.DataFrame, margins: pd.DataFrame) -> pd.DataFrame:
    """Weights that make each cell's mix of strata match the population margins.

    Input `strata`: [cell, stratum, n] respondents per stratum (stratum = e.g. "sex-age_band"); `margins`:
    [stratum, share] population shares (any positive scale). Output: [cell, stratum, n, weight] with
    weight = share′ · n_known / n_stratum, where share′ renormalises the margins over the strata present in the
    cell and n_known counts respondents in strata that have a margin; respondents outside the margins (profile
    not given) get weight 0, so Σ weight·n = n_known.
    """
    require(strata, ("cell", "stratum", "n"), "stratum counts")
    require(margins, ("stratum", "share"), "margins")
    out = strata[["cell", "stratum", "n"]].merge(margins[["stratum", "share"]], on="stratum", how="left")
    known = out["share"].notna() & (out["share"] > 0) & (out["n"] > 0)
    share = out["share"].where(known, 0.0)
    n_known = out["n"].where(known, 0).groupby(out["cell"], sort=False).transform("sum")
    share_present = share.groupby(out["cell"], sort=False).transform("sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(known, share / share_present * n_known / out["n"], 0.0)
    return out.assign(weight=weight)[["cell", "stratum", "n", "weight"]]


def weighted_item_stats(counts: pd.DataFrame, weights: pd.DataFrame, valid_codes: Collection[int] = SAT5_VALID,
                        top_codes: Collection[int] = TOP2_BOX, z: float = Z95) -> pd.DataFrame:
    """Weighted item figures.

    Input `counts`: [cell, stratum, item, code, count]; `weights`: [cell, stratum, weight]. Output: [cell, item,
    n_valid, n_eff, mean, pct, ci_low, ci_high]: n_valid unweighted; mean and pct weighted; n_eff the Kish
    effective size (Σw)²/Σw² of the valid answers, used for the Wilson interval.
    """
    require(counts, ("cell", "stratum", "item", "code", "count"), "stratum item counts")
    require(weights, ("cell", "stratum", "weight"), "weights")
    both = counts.merge(weights[["cell", "stratum", "weight"]], on=["cell", "stratum"], how="left")
    code = pd.to_numeric(both["code"], errors="coerce")
    valid = code.isin(list(valid_codes))
    w = both["weight"].fillna(0.0) * both["count"]
    parts = pd.DataFrame({
        "cell": both["cell"].to_numpy(), "item": both["item"].to_numpy(),
        "n_valid": both["count"].where(valid, 0).to_numpy(),
        "w": w.where(valid, 0.0).to_numpy(), "w2": (both["weight"].fillna(0.0) * w).where(valid, 0.0).to_numpy(),
        "w_top": w.where(code.isin(list(top_codes)), 0.0).to_numpy(),
        "w_score": (w * code).where(valid, 0.0).to_numpy(),
    })
    g = parts.groupby(["cell", "item"], sort=False).sum().reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        have = g["w"].to_numpy() > 0
        p = np.where(have, g["w_top"] / g["w"], np.nan)
        n_eff = np.where(have, g["w"] ** 2 / g["w2"], 0.0)
        mean = np.where(have, g["w_score"] / g["w"], np.nan)
    low, high = wilson(p * n_eff, n_eff, z)
    return pd.DataFrame({"cell": g["cell"], "item": g["item"], "n_valid": g["n_valid"], "n_eff": n_eff,
                         "mean": mean, "pct": 100 * p, "ci_low": low, "ci_high": high})


def weighted_index(counts: pd.DataFrame, weights: pd.DataFrame, structure: Structure) -> pd.DataFrame:
    """Weighted overall index and components per cell.

    Inputs as for `weighted_item_stats`. Output: [cell, component, pct] for every component of `structure` plus
    rows with component "OVERALL" carrying the weighted index (no interval: secondary figures).
    """
    items = weighted_item_stats(counts, weights).assign(n_valid=lambda f: f["n_eff"])
    values = component_values(items, structure)
    overall = overall_index(values, structure)
    return pd.concat([values, pd.DataFrame({"cell": overall["cell"], "component": "OVERALL",
                                            "pct": overall["index"]})], ignore_index=True)
