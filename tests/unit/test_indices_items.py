"""Item figures: code 9 and routing, Wilson intervals, distributions and minimum-n suppression."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from survey.errors import DomainError
from survey.indices import DEFAULT_MIN_N, distribution, item_stats, suppress
from survey.indices.intervals import mean_se, wilson


def counts(rows: list[tuple[object, str, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["cell", "item", "code", "count"])


@pytest.mark.parametrize(("x", "n", "low", "high"), [
    # Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (Wilson score, z = 1.96).
    (81, 263, 25.53, 36.62), (15, 148, 6.24, 16.05), (0, 20, 0.0, 16.11), (1, 29, 0.61, 17.18),
])
def test_wilson_matches_published_reference_intervals(x: int, n: int, low: float, high: float) -> None:
    lo, hi = wilson([x], [n])
    assert round(float(lo[0]), 2) == low and round(float(hi[0]), 2) == high


def test_wilson_is_null_without_valid_answers_and_stays_within_bounds() -> None:
    lo, hi = wilson([0, 50], [0, 50])
    assert math.isnan(lo[0]) and math.isnan(hi[0])
    assert (float(lo[1]), float(hi[1])) == (pytest.approx(92.8650, abs=5e-5), 100.0)


def test_code_9_counts_in_n_responses_but_not_in_n_valid_or_mean() -> None:
    # 2×1, 2×2, 6×3, 18×4, 8×5 and 4 × code 9: n_valid 36, top box 26, mean 136/36.
    out = item_stats(counts([("U1", "A", 1, 2), ("U1", "A", 2, 2), ("U1", "A", 3, 6), ("U1", "A", 4, 18),
                             ("U1", "A", 5, 8), ("U1", "A", 9, 4)])).iloc[0]
    assert (out.n_responses, out.n_valid, out.n_top) == (40, 36, 26)
    assert round(out["mean"], 4) == 3.7778
    assert round(out.pct, 4) == 72.2222
    assert (round(out.ci_low, 4), round(out.ci_high, 4)) == (56.0072, 84.1518)
    assert round(out.se, 4) == round(100 * math.sqrt(26 / 36 * 10 / 36 / 36), 4)


def test_item_answered_only_with_code_9_has_no_figures() -> None:
    out = item_stats(counts([("U1", "B", 9, 40)])).iloc[0]
    assert (out.n_responses, out.n_valid) == (40, 0)
    assert all(math.isnan(out[c]) for c in ("mean", "pct", "se", "ci_low", "ci_high"))


def test_routed_out_items_are_absent_rather_than_zero() -> None:
    out = item_stats(counts([("U1", "A", 4, 3), ("U2", "B", 5, 1)]))
    assert list(zip(out.cell, out.item)) == [("U1", "A"), ("U2", "B")]


def test_cells_may_be_tuples_of_breakdown_values() -> None:
    out = item_stats(counts([(("01", 1), "A", 4, 3), (("01", 2), "A", 2, 1), (("01", 1), "A", 1, 1)]))
    assert out.set_index(out.cell.map(str))["n_valid"].to_dict() == {"('01', 1)": 4, "('01', 2)": 1}


def test_distribution_has_one_column_per_code_with_zeros() -> None:
    out = distribution(counts([("U1", "A", 4, 3), ("U1", "A", 9, 2), ("U1", "B", 1, 1)]), (1, 2, 3, 4, 5, 9))
    assert out.to_dict("records") == [
        {"cell": "U1", "item": "A", "n_1": 0, "n_2": 0, "n_3": 0, "n_4": 3, "n_5": 0, "n_9": 2},
        {"cell": "U1", "item": "B", "n_1": 1, "n_2": 0, "n_3": 0, "n_4": 0, "n_5": 0, "n_9": 0}]


def test_mean_se_uses_sample_sd_over_root_n() -> None:
    mean, se = mean_se([50, 1], [27.5, 1.0], [17.5, 1.0])
    assert float(mean[0]) == 0.55
    assert round(float(se[0]), 6) == round(math.sqrt((17.5 - 27.5 ** 2 / 50) / 49 / 50), 6)
    assert math.isnan(se[1])  # one respondent has no spread to measure


def test_suppress_nulls_every_figure_of_small_cells_and_keeps_n() -> None:
    frame = pd.DataFrame({"cell": ["big", "small", "unknown"], "n": [30, 29, 5], "pct": [50.0, 60.0, 70.0],
                          "n_valid": [30, 29, 5]})
    out = suppress(frame, frame[["cell", "n"]].iloc[:2], keep=("cell", "n"))
    assert DEFAULT_MIN_N == 30
    assert out["suppressed"].tolist() == [False, True, True]
    assert out["pct"].tolist()[0] == 50.0 and out["pct"].isna().tolist() == [False, True, True]
    assert out["n_valid"].isna().tolist() == [False, True, True]
    assert out["n"].tolist() == [30, 29, 5]


def test_suppress_threshold_is_configurable() -> None:
    frame = pd.DataFrame({"cell": ["a"], "n": [10], "pct": [1.0]})
    assert not suppress(frame, frame, min_n=10)["suppressed"].iloc[0]
    assert suppress(frame, frame, min_n=11)["suppressed"].iloc[0]


def test_missing_columns_raise_a_domain_error() -> None:
    with pytest.raises(DomainError) as err:
        item_stats(pd.DataFrame({"cell": [], "item": []}))
    assert err.value.code == "indices_frame_invalid" and err.value.params["missing"] == ["code", "count"]
