"""Post-stratification by sex × age band: hand-computed weights, weighted item figures and index.

Cell U: stratum M has 30 respondents, F 10, and 5 gave no profile ("?"). Margins M 0.5, F 0.5 and O 0.2
(O has nobody in U, so the margins are renormalised over M and F). n_known = 40, weight(M) = 0.5·40/30 = 2/3,
weight(F) = 0.5·40/10 = 2, weight(?) = 0. Item A: M 15×4 + 15×2, F 10×5, ? 5×1 → weighted pct =
(2/3·15 + 2·10)/(2/3·30 + 2·10) = 30/40 = 75 (unweighted 25/45 = 55.56); weighted mean = (2/3·90 + 2·50)/40 = 4;
n_eff = 40²/(30·4/9 + 10·4) = 30; Wilson(22.5 of 30) = [57.2994, 87.0247]. Item B: M 30×4, F 10×2 → 50.
"""
from __future__ import annotations

import pandas as pd

from survey.indices import OVERALL, poststrat_weights, structure_from_definition, weighted_index, weighted_item_stats

STRATA = pd.DataFrame({"cell": ["U", "U", "U"], "stratum": ["M", "F", "?"], "n": [30, 10, 5]})
MARGINS = pd.DataFrame({"stratum": ["M", "F", "O"], "share": [0.5, 0.5, 0.2]})
COUNTS = pd.DataFrame([("U", "M", "A", 4, 15), ("U", "M", "A", 2, 15), ("U", "F", "A", 5, 10), ("U", "?", "A", 1, 5),
                       ("U", "M", "B", 4, 30), ("U", "F", "B", 2, 10), ("U", "M", "B", 9, 0)],
                      columns=["cell", "stratum", "item", "code", "count"])


def test_weights_match_margins_over_the_strata_present() -> None:
    w = poststrat_weights(STRATA, MARGINS).set_index("stratum")["weight"]
    assert round(w["M"], 6) == round(2 / 3, 6) and w["F"] == 2.0 and w["?"] == 0.0
    assert round(float((poststrat_weights(STRATA, MARGINS).eval("weight * n")).sum()), 9) == 40


def test_weighted_item_figures_use_the_kish_effective_size() -> None:
    out = weighted_item_stats(COUNTS, poststrat_weights(STRATA, MARGINS)).set_index("item")
    assert round(out.loc["A", "pct"], 4) == 75.0 and round(out.loc["A", "mean"], 4) == 4.0
    assert out.loc["A", "n_valid"] == 45 and round(out.loc["A", "n_eff"], 4) == 30.0
    assert (round(out.loc["A", "ci_low"], 4), round(out.loc["A", "ci_high"], 4)) == (57.2994, 87.0247)
    assert round(out.loc["B", "pct"], 4) == 50.0


def test_weighted_index_feeds_weighted_items_through_the_same_structure() -> None:
    structure = structure_from_definition({"code": "W", "version": 1, "sections": [
        {"code": "F1", "role": "factor", "items": [{"code": "A", "type": "sat5"}, {"code": "B", "type": "sat5"}]}]})
    out = weighted_index(COUNTS, poststrat_weights(STRATA, MARGINS), structure).set_index("component")["pct"]
    assert round(out["F1"], 4) == 62.5 and round(out[OVERALL], 4) == 62.5
