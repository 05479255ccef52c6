"""The pure quality rules (methodology §9): burst window on given times, opening hours, straight-lining, too fast,
repeated comments, on small hand-made cases."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from survey.indices.quality import (CLOSED_HOURS, STRAIGHT_LINE, TOO_FAST, Thresholds, bursts, is_closed,
                                    parse_hours, reasons, repeated, single_flags, straight_lined, too_fast)

T0 = datetime(2026, 3, 3, 9, 0)


def test_a_burst_needs_more_than_count_ratings_within_the_window():
    twenty = [T0 + timedelta(seconds=30 * k) for k in range(20)]  # 20 in 9.5 minutes: not more than 20
    assert not any(bursts(twenty, 20, 10))
    assert all(bursts(twenty + [T0 + timedelta(minutes=10)], 20, 10))  # the 21st at exactly 10 minutes
    assert not any(bursts(twenty + [T0 + timedelta(minutes=10, seconds=1)], 20, 10))


def test_a_burst_uses_the_given_times_in_any_order_and_marks_only_its_members():
    spread = [T0 - timedelta(hours=h) for h in range(1, 4)]
    burst = [T0 + timedelta(seconds=k) for k in range(5)]
    marked = bursts(list(reversed(burst)) + spread, 4, 1)
    assert marked == [True] * 5 + [False] * 3


def test_opening_hours_parse_and_decide():
    hours = parse_hours("mon-fri 07:30-17:00; sat 07:30-11:30")
    assert hours[0] == [(time(7, 30), time(17, 0))] and 6 not in hours
    tuesday = datetime(2026, 3, 3)
    assert not is_closed(tuesday.replace(hour=7, minute=30), hours)
    assert is_closed(tuesday.replace(hour=17), hours)  # closing time is closed
    assert is_closed(tuesday.replace(hour=7, minute=29), hours)
    assert not is_closed(datetime(2026, 3, 7, 11), hours)  # Saturday morning
    assert is_closed(datetime(2026, 3, 8, 10), hours)  # Sunday
    assert parse_hours("fri-mon 08:00-12:00").keys() == {4, 5, 6, 0}


@pytest.mark.parametrize("bad", ["mon-fri 7:30-17:00", "monday 07:30-17:00", "mon 17:00-07:30", "mon 08:00"])
def test_bad_opening_hours_are_refused(bad):
    with pytest.raises(ValueError):
        parse_hours(bad)


def test_straight_lining_needs_enough_identical_valid_answers():
    assert straight_lined([4] * 10, 10)
    assert not straight_lined([4] * 9, 10)
    assert not straight_lined([4] * 10 + [5], 10)
    assert straight_lined([4] * 10 + [9], 10)  # "no answer" is not an answer to the item


def test_too_fast_scales_with_the_items_answered():
    assert too_fast(0.5, 1, 1.0) and not too_fast(1.0, 1, 1.0)
    assert too_fast(19, 20, 1.0) and not too_fast(None, 20, 1.0)


def test_single_flags_apply_clock_rules_to_kiosk_and_online_only():
    hours = parse_hours("mon-fri 07:30-17:00")
    night = datetime(2026, 3, 3, 22, 0)
    assert single_flags("kiosk", night, hours, [5], 0.2, 1, Thresholds()) == CLOSED_HOURS | TOO_FAST
    assert single_flags("paper", night, hours, [3] * 12, 0.2, 12, Thresholds()) == STRAIGHT_LINE
    assert reasons(CLOSED_HOURS | TOO_FAST) == ["closed_hours", "too_fast"]


def test_repeated_comments_compare_normalised_text():
    texts = ["Rất tốt!", "rất   tốt", "RẤT TỐT.", "Chờ lâu", None, ""]
    assert repeated(texts, 3) == [True, True, True, False, False, False]
    assert repeated(texts, 4) == [False] * 6
