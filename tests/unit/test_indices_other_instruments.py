"""Priority index (SIPAS-1001 P.k), KIOSK-QUICK pct(Q) and ONESTOP-61 points, from hand-made counts."""
from __future__ import annotations

import math

import pandas as pd

from survey.indices import kiosk_figures, onestop_bands, onestop_indicators, onestop_totals, priority_index


def counts(rows: list[tuple[object, str, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["cell", "item", "code", "count"])


def test_priority_share_is_nhieu_or_rat_nhieu_and_ranked_within_each_cell() -> None:
    # P.1: 10 Ít, 20 Nhiều, 10 Rất nhiều, 5 no answer → 30/40 = 75; P.2: 30/40 ... 15/40 = 37.5; P.3 ties P.1.
    out = priority_index(counts([
        ("U1", "P.1", 1, 10), ("U1", "P.1", 2, 20), ("U1", "P.1", 3, 10), ("U1", "P.1", 9, 5),
        ("U1", "P.2", 1, 25), ("U1", "P.2", 3, 15),
        ("U1", "P.3", 2, 30), ("U1", "P.3", 1, 10),
        ("U1", "P.4", 9, 40),
        ("U2", "P.1", 1, 4), ("U2", "P.2", 3, 4),
        ("U1", "X.4", 1, 40),
    ]), items=["P.1", "P.2", "P.3", "P.4"])
    u1 = out[out.cell == "U1"]
    assert u1.item.tolist() == ["P.1", "P.3", "P.2", "P.4"]
    assert u1["rank"].tolist()[:3] == [1, 1, 3] and pd.isna(u1["rank"].iloc[3])
    assert u1.pct.tolist()[:3] == [75.0, 75.0, 37.5]
    assert u1.n_responses.tolist()[0] == 45 and u1.n_valid.tolist()[0] == 40
    assert (round(u1.ci_low.iloc[0], 4), round(u1.ci_high.iloc[0], 4)) == (59.8057, 85.8130)
    assert out[out.cell == "U2"][["item", "rank"]].values.tolist() == [["P.2", 1], ["P.1", 2]]
    assert "X.4" not in out.item.tolist()


def test_kiosk_pct_q_counts_top_two_codes_and_suppresses_small_cells() -> None:
    # Desk D1 on a 3-level kiosk (codes 5, 4, 2): 12 + 18 satisfied of 40 → 75%; D2 has 5 ratings only.
    out = kiosk_figures(counts([("D1", "Q", 5, 12), ("D1", "Q", 4, 18), ("D1", "Q", 2, 10), ("D1", "R", 1, 10),
                                ("D2", "Q", 5, 5)])).set_index("cell")
    assert (out.loc["D1", "n"], out.loc["D1", "pct"], out.loc["D1", "n_2"]) == (40, 75.0, 10)
    assert (round(out.loc["D1", "ci_low"], 4), round(out.loc["D1", "ci_high"], 4)) == (59.8057, 85.8130)
    assert bool(out.loc["D2", "suppressed"]) and math.isnan(out.loc["D2", "pct"]) and out.loc["D2", "n"] == 5
    assert not bool(out.loc["D1", "suppressed"])


def test_onestop_indicator_distribution_and_mean_points() -> None:
    out = onestop_indicators(counts([("A", "I1", 2, 6), ("A", "I1", 1, 3), ("A", "I1", 0, 1), ("A", "I2", 0, 4)]))
    assert out.to_dict("records") == [
        {"cell": "A", "item": "I1", "n_valid": 10, "mean": 1.5, "n_0": 1, "n_1": 3, "n_2": 6},
        {"cell": "A", "item": "I2", "n_valid": 4, "mean": 0.0, "n_0": 4, "n_1": 0, "n_2": 0}]


def test_onestop_mean_total_points_with_interval() -> None:
    # Totals 18, 16, 14, 12: mean 15, sample sd √(20/3), SE = sd/2 = 1.2910, interval 15 ± 2.5303.
    out = onestop_totals(pd.DataFrame({"cell": ["A"], "n": [4], "sum": [60.0], "sumsq": [920.0]})).iloc[0]
    assert out.mean_total == 15.0
    assert (round(out.se, 4), round(out.ci_low, 4), round(out.ci_high, 4)) == (1.2910, 12.4697, 17.5303)


def test_onestop_bands_come_from_configuration() -> None:
    totals = pd.DataFrame({"cell": ["A", "A", "A", "B"], "total": [18, 15, 9, 17], "count": [2, 1, 1, 3]})
    out = onestop_bands(totals, {"good": (16, 18), "fair": (10, 15), "poor": (0, 9)})
    assert out[["cell", "band", "count", "share"]].values.tolist() == [
        ["A", "good", 2, 50.0], ["A", "fair", 1, 25.0], ["A", "poor", 1, 25.0],
        ["B", "good", 3, 100.0], ["B", "fair", 0, 0.0], ["B", "poor", 0, 0.0]]
