"""Golden tests of the item-priority ranking (survey.indices.fix_first) on small hand-computed data."""
from __future__ import annotations

import pytest

from survey.indices.fix_first import effective_weights, phi, rank_items
from survey.indices.structure import Component, Structure


def _structure(weights: dict[str, float] | None = None) -> Structure:
    w = weights or {}
    comps = {
        "A": Component("A", "aspect", 1.0, None, (), ("F1", "F2")),
        "F1": Component("F1", "factor", w.get("F1", 1.0), "A", ("i1", "i2"), ()),
        "F2": Component("F2", "factor", w.get("F2", 1.0), "A", ("i3",), ()),
        "B": Component("B", "aspect", 1.0, None, (), ()),  # not measured: no items
    }
    return Structure("T", "1", comps, {"i1": 1.0, "i2": 1.0, "i3": 1.0},
                     {"i1": "sat5", "i2": "sat5", "i3": "sat5"})


def test_effective_weights_follow_the_structure():
    # Equal weights: F1 and F2 halve the index, i1 and i2 halve F1 → ¼, ¼, ½ (B has no items: not measured).
    assert effective_weights(_structure()) == {"i1": 0.25, "i2": 0.25, "i3": 0.5}
    # F1 weighs 3: F1 = ¾ → i1, i2 = ⅜ each, i3 = ¼.
    assert effective_weights(_structure({"F1": 3.0})) == {"i1": 0.375, "i2": 0.375, "i3": 0.25}


def test_items_rank_by_weight_times_gap():
    weights = {"i1": 0.25, "i2": 0.25, "i3": 0.5}
    rows = [("i1", weights["i1"], 60.0, 80.0),   # gap 20 × .25 = 5
            ("i2", weights["i2"], 90.0, 85.0),   # gap −5 × .25 = −1.25 (better than the province)
            ("i3", weights["i3"], 70.0, 78.0),   # gap 8 × .5 = 4
            ("i4", 0.1, None, 70.0)]             # no figure: left out
    ranked = rank_items(rows, {"i1": 0.41})
    assert [(p.item, p.gap, p.score, p.rank) for p in ranked] == [("i1", 20.0, 5.0, 1), ("i3", 8.0, 4.0, 2),
                                                                  ("i2", -5.0, -1.25, 3)]
    assert ranked[0].association == 0.41 and ranked[1].association is None
    # The unit's index (.25·60 + .25·90 + .5·70 = 72.5) gains exactly the score when i1 reaches 80: 77.5.
    assert .25 * 80 + .25 * 90 + .5 * 70 - (.25 * 60 + .25 * 90 + .5 * 70) == ranked[0].score


def test_equal_scores_share_a_rank():
    ranked = rank_items([("a", 0.5, 70.0, 80.0), ("b", 0.25, 60.0, 80.0), ("c", 0.25, 75.0, 80.0)])
    assert [(p.item, p.rank) for p in ranked] == [("a", 1), ("b", 1), ("c", 3)]


def test_phi_matches_the_hand_computation():
    # 40 respondents: both satisfied 20, item only 5, overall only 5, neither 10.
    # phi = (20·10 − 5·5) / √(25·15·25·15) = 175 / 375 = 0.466667.
    assert phi(20, 5, 5, 10) == pytest.approx(0.466667, abs=1e-6)
    assert phi(20, 5, 5, 10, min_pairs=41) is None
    assert phi(40, 0, 0, 0, min_pairs=1) is None  # nobody dissatisfied: no variation
