"""Reporting periods: years, quarters, months and ranges of local dates; the period before; month alignment."""
from __future__ import annotations

from datetime import date

import pytest

from survey.errors import Invalid
from survey.services.indices.periods import parse_period


@pytest.mark.parametrize(("text", "label", "start", "end", "months"), [
    ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31), (202601, 202612)),
    ("2026-Q3", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30), (202607, 202609)),
    ("2026-q1", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31), (202601, 202603)),
    ("2026-02", "2026-02", date(2026, 2, 1), date(2026, 2, 28), (202602, 202602)),
    ("2024-02", "2024-02", date(2024, 2, 1), date(2024, 2, 29), (202402, 202402)),
    ("2026-01-15..2026-03-31", "2026-01-15..2026-03-31", date(2026, 1, 15), date(2026, 3, 31), None),
    ("2026-01/2026-03", "2026-01-01..2026-03-31", date(2026, 1, 1), date(2026, 3, 31), (202601, 202603)),
    ("2025-Q4..2026-Q1", "2025-10-01..2026-03-31", date(2025, 10, 1), date(2026, 3, 31), (202510, 202603)),
])
def test_periods_parse_to_local_date_ranges(text, label, start, end, months) -> None:
    period = parse_period(text)
    assert (period.label, period.start, period.end, period.months) == (label, start, end, months)


@pytest.mark.parametrize(("text", "previous"), [
    ("2026", "2025"), ("2026-Q1", "2025-Q4"), ("2026-01", "2025-12"), ("2026-03", "2026-02"),
    ("2026-02..2026-03", "2025-12-01..2026-01-31"), ("2026-03-10..2026-03-19", "2026-02-28..2026-03-09"),
])
def test_the_period_before_has_the_same_kind_and_length(text, previous) -> None:
    assert parse_period(text).previous().label == previous


def test_from_and_to_make_a_range() -> None:
    assert parse_period(None, "2026-02-01", "2026-02-10").label == "2026-02-01..2026-02-10"


@pytest.mark.parametrize("text", ["", "26", "2026-Q5", "2026-13", "2026-02-30", "2026-03..2026-01", "soon"])
def test_bad_periods_are_invalid_on_the_period_field(text) -> None:
    with pytest.raises(Invalid) as caught:
        parse_period(text)
    assert caught.value.errors[0]["field"] == "period"
