"""KIOSK-QUICK figures: the share satisfied with today's service, pct(Q), per cell."""
from __future__ import annotations

import pandas as pd

from survey.indices.distribution import distribution
from survey.indices.intervals import Z95
from survey.indices.items import SAT5_VALID, TOP2_BOX, item_stats
from survey.indices.suppression import DEFAULT_MIN_N, suppress

KIOSK_ITEM = "Q"
KIOSK_CODES = (*SAT5_VALID, 9)  # a 3-level kiosk stores 5, 4 and 2, so the same columns serve both


def kiosk_figures(counts: pd.DataFrame, min_n: int = DEFAULT_MIN_N, item: str = KIOSK_ITEM,
                  z: float = Z95) -> pd.DataFrame:
    """pct(Q) per cell.

    Input `counts`: [cell, item, code, count] (rows of other items are ignored). Output: [cell, n, n_responses,
    mean, pct, se, ci_low, ci_high, n_1 … n_5, n_9, suppressed] where n = valid answers to Q (each kiosk response
    answers Q once) and pct = 100·(n4 + n5)/n with its Wilson interval; cells with n < min_n are suppressed.
    """
    q = counts[counts["item"] == item]
    stats = item_stats(q, SAT5_VALID, TOP2_BOX, z).merge(distribution(q, KIOSK_CODES), on=["cell", "item"])
    stats = stats.rename(columns={"n_valid": "n"}).drop(columns=["item", "n_top"])
    return suppress(stats, stats[["cell", "n"]], min_n, keep=("cell", "n"))
