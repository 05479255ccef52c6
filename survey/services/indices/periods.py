"""Reporting periods on local dates (Asia/Ho_Chi_Minh): 2026, 2026-Q3, 2026-09, and ranges A..B."""
from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from survey.errors import Invalid

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
RANGE_SEPARATORS = ("..", "/")


@dataclass(frozen=True)
class Period:
    """A closed range of local dates with the label it was asked by."""

    label: str
    start: date
    end: date  # inclusive

    @property
    def months(self) -> tuple[int, int] | None:
        """(first, last) as yyyymm when the period is whole months (monthly roll-ups can answer it), else None."""
        whole = self.start.day == 1 and self.end.day == monthrange(self.end.year, self.end.month)[1]
        return (_yyyymm(self.start), _yyyymm(self.end)) if whole else None

    def previous(self) -> Period:
        """The period just before, of the same kind (year, quarter, month) or the same length."""
        if self.months is not None:
            span = _month_index(self.end) - _month_index(self.start) + 1
            first = _from_index(_month_index(self.start) - span)
            last = _from_index(_month_index(self.start) - 1)
            end = date(last.year, last.month, monthrange(last.year, last.month)[1])
            return Period(_label_like(self.label, first, end), first, end)
        days = (self.end - self.start).days + 1
        end = self.start - timedelta(days=1)
        start = end - timedelta(days=days - 1)
        return Period(f"{start.isoformat()}..{end.isoformat()}", start, end)


def _yyyymm(day: date) -> int:
    return day.year * 100 + day.month


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _from_index(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _label_like(label: str, start: date, end: date) -> str:
    """The label of a period of the same kind as `label` (a range when it was one)."""
    if _YEAR.match(label):
        return f"{start.year}"
    if _QUARTER.match(label):
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if _MONTH.match(label):
        return f"{start.year}-{start.month:02d}"
    return f"{start.isoformat()}..{end.isoformat()}"


def _bounds(text: str) -> tuple[date, date]:
    """First and last day of one period term."""
    if m := _YEAR.match(text):
        year = int(m[1])
        return date(year, 1, 1), date(year, 12, 31)
    if m := _QUARTER.match(text):
        year, quarter = int(m[1]), int(m[2])
        last = quarter * 3
        return date(year, last - 2, 1), date(year, last, monthrange(year, last)[1])
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        return date(year, month, 1), date(year, month, monthrange(year, month)[1])
    if _DAY.match(text):
        day = date.fromisoformat(text)
        return day, day
    raise ValueError(text)


def parse_period(text: str | None, start: str | None = None, end: str | None = None) -> Period:
    """A period from `2026`, `2026-Q3`, `2026-09`, `A..B` / `A/B` (each a year, quarter, month or date), or from/to.

    Raises Invalid with field "period" when it cannot be read or ends before it starts.
    """
    raw = (text or "").strip()
    if not raw and (start or end):
        raw = f"{(start or '').strip()}..{(end or '').strip()}"
    try:
        for sep in RANGE_SEPARATORS:
            if sep in raw:
                left, right = (part.strip() for part in raw.split(sep, 1))
                first, last = _bounds(left)[0], _bounds(right)[1]
                label = f"{first.isoformat()}..{last.isoformat()}"
                break
        else:
            first, last = _bounds(raw)
            label = raw.upper() if _QUARTER.match(raw) else raw
    except ValueError:
        raise Invalid([{"field": "period", "code": "period_invalid",
                        "message": "Period must be 2026, 2026-Q3, 2026-09 or a range like 2026-01-15..2026-03-31"}],
                      "Invalid period") from None
    if last < first:
        raise Invalid([{"field": "period", "code": "period_reversed", "message": "The period ends before it starts"}],
                      "Invalid period")
    return Period(label, first, last)
