"""Golden tests of the target projection on hand-computed data (survey.indices.projection)."""
from __future__ import annotations

import pytest

from survey.indices.projection import (OFF_TRACK, ON_TRACK, UNCERTAIN, Projection, status, trend_projection,
                                       ytd_projection)


def test_the_trend_projection_matches_the_hand_computation():
    # Months 1–4: 60, 61, 63, 64. x̄ = 2.5, ȳ = 62, Sxx = 5, Sxy = 7 → slope 1.4, intercept 58.5;
    # at month 12: 58.5 + 16.8 = 75.3. Residuals .1, −.3, .3, −.1 → SSE .2, s² = .1 (2 df);
    # se = √.1 × √(1/4 + 9.5²/5) = 0.316228 × 4.277850 = 1.352776; t(.975, 2) = 4.302653 → ± 5.820522.
    got = trend_projection([(1, 60.0), (2, 61.0), (3, 63.0), (4, 64.0)])
    assert got.method == "trend"
    assert (got.value, got.low, got.high) == pytest.approx((75.3, 69.479478, 81.120522), abs=1e-5)


def test_the_trend_needs_three_months_and_clips_to_percentages():
    assert trend_projection([(1, 60.0), (2, 70.0)]) is None
    # 80, 90, 100 → a perfect line reaching 190 at month 12; clipped to 100 with a zero-width interval.
    got = trend_projection([(1, 80.0), (2, 90.0), (3, 100.0)])
    assert (got.value, got.low, got.high) == (100.0, 100.0, 100.0)


def test_the_year_to_date_projection_is_the_figure_and_its_interval():
    assert ytd_projection(72.5, 68.1, 76.9) == Projection("ytd", 72.5, 68.1, 76.9)
    assert ytd_projection(None, None, None) is None


@pytest.mark.parametrize("target, expected", [(68.0, ON_TRACK), (68.1, ON_TRACK), (70.0, UNCERTAIN),
                                              (76.9, UNCERTAIN), (77.0, OFF_TRACK), (None, None)])
def test_status_against_the_target(target, expected):
    assert status(Projection("ytd", 72.5, 68.1, 76.9), target) == expected
