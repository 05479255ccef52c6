"""The one number format of screens, PDFs and spreadsheets: Babel's CLDR patterns, rounded half-up.

Rounding rule: ROUND_HALF_UP on the figure's shortest decimal form (`repr`), so 78.25 prints 78,3 and 78.249
prints 78,2, as a reader rounding by hand expects. The value is quantised here before Babel sees it, so
Babel's own rounding (half-even) never applies. CSV files carry machine-readable numbers (a dot, no grouping,
full precision) and never pass through this module.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from babel.numbers import format_decimal

DASH = "—"  # printed in place of a suppressed or missing figure
ROUNDING = ROUND_HALF_UP
LOCALES = {"vi": "vi_VN", "en": "en_GB"}  # 1.234,5 / 1,234.5


def rounded(value: float | int | Decimal, digits: int = 1) -> Decimal:
    """`value` rounded half-up to `digits` decimals, from its shortest decimal form."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUNDING)


def number(value: object, lang: str = "vi", digits: int = 1) -> str:
    """A figure with `digits` decimals and the language's separators (84,5 · 1.234 in Vietnamese), or the dash."""
    if value is None or value is pd.NA:
        return DASH
    exact = isinstance(value, (int, Decimal)) and not isinstance(value, bool)
    figure = value if exact else float(value)  # type: ignore[arg-type]
    if isinstance(figure, float) and math.isnan(figure):
        return DASH
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    shown = rounded(figure, max(digits, 0))
    shown = abs(shown) if shown == 0 else shown  # −0.04 prints 0,0, not "-0,0"
    return format_decimal(shown, format=pattern, locale=LOCALES.get(lang, "vi_VN"))


def integer(value: object, lang: str = "vi") -> str:
    """A count with thousands grouped: 1.234 in Vietnamese, 1,234 in English."""
    return number(value, lang, 0)


def signed(value: float | None, lang: str = "vi", digits: int = 1) -> str:
    """A difference with an explicit sign (+1,5 / −2,0 / ±0,0), or the dash."""
    if value is None:
        return DASH
    shown = rounded(float(value), digits)
    sign = "+" if shown > 0 else "−" if shown < 0 else "±"
    return sign + number(abs(shown), lang, digits)


def interval(low: float | None, high: float | None, lang: str = "vi", digits: int = 1) -> str:
    """An interval as "84,1–90,2", or the dash when either end is missing."""
    if low is None or high is None:
        return DASH
    return f"{number(low, lang, digits)}–{number(high, lang, digits)}"
