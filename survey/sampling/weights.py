"""Design weights of a campaign (methodology §7, weights): base, non-response within village, post-stratification."""
from __future__ import annotations

import numpy as np
import pandas as pd

COMPLETED = "completed"
INELIGIBLE = "ineligible"


def base_weights(village_probability: np.ndarray, person_probability: np.ndarray) -> np.ndarray:
    """d_k = 1 / (π_v · π_{k|v})."""
    return 1.0 / (np.asarray(village_probability, float) * np.asarray(person_probability, float))


def nonresponse_adjust(village: np.ndarray, status: np.ndarray, base: np.ndarray) -> np.ndarray:
    """w_k = d_k · Σ_{sampled, eligible in v} d / Σ_{completed in v} d for completed questionnaires, 0 otherwise.

    Eligible = every outcome but `ineligible` (an outstanding `issued` questionnaire counts as a non-respondent).
    A village without any completed questionnaire gives no weight to anybody: its share is lost, as in the
    formula (the design cannot spread it without a collapsing rule, which §7 does not define).
    """
    frame = pd.DataFrame({"v": np.asarray(village), "s": np.asarray(status), "d": np.asarray(base, float)})
    done = frame["s"].to_numpy() == COMPLETED
    eligible = frame["s"].to_numpy() != INELIGIBLE
    sums = pd.DataFrame({"v": frame["v"], "elig": np.where(eligible, frame["d"], 0.0),
                         "done": np.where(done, frame["d"], 0.0)}).groupby("v", sort=False).transform("sum")
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(sums["done"].to_numpy() > 0, sums["elig"].to_numpy() / sums["done"].to_numpy(), 0.0)
    return np.where(done, frame["d"].to_numpy() * factor, 0.0)


def poststratify(weights: np.ndarray, cell: np.ndarray, totals: dict[str, float]) -> np.ndarray:
    """w_k · T_c / Σ_{k∈c} w_k for each sex × age-band cell c with a population total T_c (any positive scale).

    Totals are rescaled to the weighted total of the respondents in cells that have one, so post-stratification
    moves weight between cells without changing the estimated population; respondents whose cell has no total
    (profile not given) keep their weight.
    """
    w = np.asarray(weights, float)
    cells = pd.Series(np.asarray(cell, dtype=object))
    known = cells.map(lambda c: c in totals and totals[c] > 0).to_numpy(bool) & (w > 0)
    if not known.any():
        return w.copy()
    held = pd.Series(w[known]).groupby(cells[known].to_numpy()).sum()
    target = pd.Series({c: float(totals[c]) for c in held.index})
    target *= held.sum() / target.sum()
    factor = (target / held).reindex(cells[known].to_numpy()).to_numpy()
    out = w.copy()
    out[known] *= factor
    return out
