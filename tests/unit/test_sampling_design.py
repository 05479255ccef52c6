"""PPS selection with certainty villages, reproducible draws, and the weights of methodology §7."""
from __future__ import annotations

import numpy as np
import pytest

from survey.sampling import base_weights, inclusion_probabilities, nonresponse_adjust, poststratify, systematic_pps
from survey.sampling.pps import person_probability, stratum_rng


def test_pps_probabilities_proportional_to_size():
    assert inclusion_probabilities([100, 300, 600, 1000], 1) == pytest.approx([0.05, 0.15, 0.30, 0.50], abs=1e-12)


def test_certainty_village_then_recomputed_on_what_remains():
    # 2·500/1000 = 1 → certain; the other village is drawn from 500: 100/500, 200/500, 200/500.
    assert inclusion_probabilities([500, 100, 200, 200], 2) == pytest.approx([1, 0.2, 0.4, 0.4], abs=1e-12)
    # 3·600/1000 = 1.8 → certain; then 2·300/400 = 1.5 → certain; then 1·50/100 each.
    assert inclusion_probabilities([600, 300, 50, 50], 3) == pytest.approx([1, 1, 0.5, 0.5], abs=1e-12)
    assert inclusion_probabilities([5, 7], 3) == pytest.approx([1, 1])


class _Start:
    def __init__(self, u: float) -> None:
        self.u = u

    def random(self) -> float:
        return self.u


def test_systematic_selection_hits_the_cumulative_intervals():
    # π = 0.2, 0.4, 0.4 (cumulative 0.2, 0.6, 1.0) plus a certainty village first.
    for u, expected in ((0.1, [True, True, False, False]), (0.3, [True, False, True, False]),
                        (0.6, [True, False, True, False]), (0.61, [True, False, False, True])):
        selected, pi = systematic_pps([500, 100, 200, 200], 2, _Start(u))
        assert selected.tolist() == expected
        assert pi == pytest.approx([1, 0.2, 0.4, 0.4])


def test_selection_frequencies_equal_the_probabilities():
    sizes = [120, 80, 300, 40, 260, 200]
    rng = np.random.default_rng(7)
    hits = sum(systematic_pps(sizes, 2, rng)[0].astype(int) for _ in range(20000))
    assert hits / 20000 == pytest.approx(inclusion_probabilities(sizes, 2), abs=0.015)
    assert all(systematic_pps(sizes, 2, rng)[0].sum() == 2 for _ in range(50))


def test_draw_is_reproducible_from_the_seed_and_commune():
    sizes = list(range(50, 350, 10))
    first = systematic_pps(sizes, 4, stratum_rng(42, "22001"))[0]
    assert (systematic_pps(sizes, 4, stratum_rng(42, "22001"))[0] == first).all()
    others = [systematic_pps(sizes, 4, stratum_rng(seed, "22001"))[0] for seed in range(43, 53)]
    assert any((o != first).any() for o in others)


def test_person_probability():
    assert person_probability(30, 600) == pytest.approx(0.05)
    assert person_probability(30, 20) == 1.0


def test_base_and_nonresponse_weights():
    # Village v1: π_v = 0.5, π_k|v = 0.1 → d = 20; four sampled, one ineligible, two completed.
    # w = 20 · (3·20) / (2·20) = 30. Village v2: d = 1/(0.25·0.2) = 20 for one, 1/(0.25·0.1) = 40 for the other.
    pv = np.array([0.5, 0.5, 0.5, 0.5, 0.25, 0.25])
    pk = np.array([0.1, 0.1, 0.1, 0.1, 0.2, 0.1])
    status = np.array(["completed", "completed", "refused", "ineligible", "completed", "not_reached"])
    village = np.array(["v1"] * 4 + ["v2"] * 2)
    d = base_weights(pv, pk)
    assert d == pytest.approx([20, 20, 20, 20, 20, 40])
    w = nonresponse_adjust(village, status, d)
    assert w == pytest.approx([30, 30, 0, 0, 20 * 60 / 20, 0])


def test_village_without_completions_gives_no_weight():
    w = nonresponse_adjust(np.array(["v"] * 2), np.array(["refused", "issued"]), np.array([5.0, 5.0]))
    assert w.tolist() == [0.0, 0.0]


def test_poststratification_to_sex_age_margins():
    # Weighted totals: 1-1 → 30, 2-1 → 10; margins 1:3 → scaled to the 40 held: 10 and 30.
    w = poststratify(np.array([10.0, 20.0, 10.0, 7.0]), np.array(["1-1", "1-1", "2-1", None]),
                     {"1-1": 1000.0, "2-1": 3000.0})
    assert w == pytest.approx([10 / 3, 20 / 3, 30.0, 7.0])
