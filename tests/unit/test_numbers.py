"""survey.numbers: Babel's patterns with one explicit rule, half-up from the shortest decimal form."""
from __future__ import annotations

import math
from decimal import Decimal

import pytest

from survey.numbers import integer, interval, number, signed


@pytest.mark.parametrize("value, lang, digits, expected", [
    (78.25, "vi", 1, "78,3"), (78.25, "en", 1, "78.3"), (78.249, "vi", 1, "78,2"), (0.15, "vi", 1, "0,2"),
    (2.675, "en", 2, "2.68"), (1234567.5, "vi", 1, "1.234.567,5"), (1234567.5, "en", 0, "1,234,568"),
    (Decimal("0.05"), "en", 1, "0.1"), (None, "vi", 1, "—"), (math.nan, "en", 1, "—"), (-0.04, "vi", 1, "0,0"),
    (-1.25, "en", 1, "-1.3"),
])
def test_half_up_with_the_language_s_separators(value, lang, digits, expected):
    assert number(value, lang, digits) == expected


def test_counts_signs_and_intervals():
    assert integer(45012, "vi") == "45.012" and integer(45012, "en") == "45,012"
    assert signed(-2.04, "vi") == "−2,0" and signed(0.04, "en") == "±0.0" and signed(1.25, "vi") == "+1,3"
    assert interval(82.05, 87.35, "vi") == "82,1–87,4" and interval(None, 1.0, "en") == "—"
