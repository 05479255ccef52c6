"""Quality flags of non-sample ratings (methodology §9): documented rules with reason codes, pure Python.

A response's flags are a bitmask (`responses.quality_flags`); 0 is clean. The rules that look at one response
alone (closed hours, straight-lining, too fast) run when it is stored; the rules that compare responses (burst,
repeated comment) run in `survey quality scan`, which recomputes every bit of the responses it reads.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

BURST, CLOSED_HOURS, STRAIGHT_LINE, TOO_FAST, REPEATED_COMMENT = 1, 2, 4, 8, 16
REASONS = {BURST: "burst", CLOSED_HOURS: "closed_hours", STRAIGHT_LINE: "straight_line", TOO_FAST: "too_fast",
           REPEATED_COMMENT: "repeated_comment"}
CLOCK_CHANNELS = ("kiosk", "online")  # paper and interviews have no clock: only straight-lining applies to them
DEFAULT_HOURS = "mon-fri 07:30-17:00"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ENTRY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))? "
                    r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True)
class Thresholds:
    """A province's thresholds; the defaults are the documented ones (docs/quality.md)."""

    burst_count: int = 20  # more than this many ratings from one device …
    burst_minutes: int = 10  # … within this many minutes of their submitted_at is a burst
    fast_seconds_per_item: float = 1.0  # completion faster than this × the items answered is too fast
    straight_min_items: int = 10  # straight-lining needs at least this many scored items answered
    comment_repeats: int = 3  # the same comment text this many times at one service point
    default_hours: str = DEFAULT_HOURS  # opening hours of a service point that has none of its own


def reasons(flags: int) -> list[str]:
    """The reason codes of a bitmask, in bit order."""
    return [name for bit, name in REASONS.items() if flags & bit]


def parse_hours(text: str) -> dict[int, list[tuple[time, time]]]:
    """Weekday (0 = Monday) → open intervals, from "mon-fri 07:30-17:00; sat 07:30-11:30"; ValueError if bad."""
    out: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for entry in (e.strip().lower() for e in text.split(";")):
        if not entry:
            continue
        match = _ENTRY.match(" ".join(entry.split()))
        if not match:
            raise ValueError(f"{entry!r} is not like 'mon-fri 07:30-17:00'")
        first, last = DAYS.index(match[1]), DAYS.index(match[2] or match[1])
        start, end = (int(match[3]), int(match[4])), (int(match[5]), int(match[6]))
        if end <= start or end > (24, 0):
            raise ValueError(f"{entry!r}: the closing time must be after the opening time")
        end_time = time(23, 59, 59, 999999) if end == (24, 0) else time(*end)
        for day in range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]:
            out[day].append((time(*start), end_time))
    return dict(out)


def is_closed(local: datetime, hours: dict[int, list[tuple[time, time]]]) -> bool:
    """True when a local time falls outside every open interval of its weekday."""
    moment = local.time()
    return not any(start <= moment < end for start, end in hours.get(local.weekday(), []))


def straight_lined(codes: Iterable[int], min_items: int) -> bool:
    """Identical valid answers (1–5) to every scored item answered, with at least `min_items` of them."""
    valid = [c for c in codes if 1 <= c <= 5]
    return len(valid) >= min_items and len(set(valid)) == 1


def too_fast(seconds: float | None, items_answered: int, per_item: float) -> bool:
    """Completed in fewer seconds than `per_item` × the items answered (unknown start: never too fast)."""
    return seconds is not None and items_answered > 0 and seconds < per_item * items_answered


def single_flags(channel: str, local: datetime | None, hours: dict | None, scored_codes: Sequence[int],
                 seconds: float | None, items_answered: int, th: Thresholds) -> int:
    """The flags a response earns on its own (stored with it)."""
    flags = 0
    if channel in CLOCK_CHANNELS and local is not None and hours is not None and is_closed(local, hours):
        flags |= CLOSED_HOURS
    if straight_lined(scored_codes, th.straight_min_items):
        flags |= STRAIGHT_LINE
    if channel in CLOCK_CHANNELS and too_fast(seconds, items_answered, th.fast_seconds_per_item):
        flags |= TOO_FAST
    return flags


def bursts(times: Sequence[datetime], count: int, minutes: int) -> list[bool]:
    """Per rating of one device (any order): part of more than `count` ratings within `minutes` of each other's
    given times. A sliding window over the sorted times marks every rating of a window holding count + 1."""
    order = sorted(range(len(times)), key=lambda i: times[i])
    marked = [False] * len(times)
    span, start = timedelta(minutes=minutes), 0
    for end in range(len(order)):
        while times[order[end]] - times[order[start]] > span:
            start += 1
        if end - start + 1 > count:
            for k in range(start, end + 1):
                marked[order[k]] = True
    return marked


def normal_comment(text: str | None) -> str:
    """A comment compared for repeats: NFC, case-folded, spaces collapsed, trailing punctuation dropped."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split()).strip(" .!?,;")


def repeated(texts: Sequence[str | None], repeats: int) -> list[bool]:
    """Per comment of one service point: its normalised text occurs at least `repeats` times."""
    normal = [normal_comment(t) for t in texts]
    seen: dict[str, int] = defaultdict(int)
    for text in normal:
        seen[text] += 1
    return [bool(text) and seen[text] >= repeats for text in normal]
