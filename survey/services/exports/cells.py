"""Spreadsheet cell safety: a text cell that a spreadsheet would run as a formula is written as plain text.

Every CSV and XLSX writer passes its cells through `safe_cell` (OWASP "CSV injection"): a text value starting with
= + - @, a tab or a carriage return gets a leading single quote, so `=HYPERLINK(…)` typed into a name or a comment
is shown, never evaluated. Numbers, dates and None pass unchanged (a negative number stays a number).
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value, with a quote before text that a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    """Every cell of a row made safe."""
    return [safe_cell(value) for value in row]


def safe_dict(row: dict[str, Any]) -> dict[str, Any]:
    """A DictWriter row made safe (values only; keys are the header, written through safe_row)."""
    return {key: safe_cell(value) for key, value in row.items()}
