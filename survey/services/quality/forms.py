"""The start time of an online form: stamped when the page is served, echoed back by the form."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now_iso() -> str:
    """The local time now with its offset, as the form's hidden started_at."""
    return datetime.now(timezone.utc).astimezone(LOCAL_TZ).isoformat(timespec="seconds")


def form_started(value: str | None) -> str | None:
    """The echoed start time if it reads as a time with an offset; a tampered or missing one is dropped (it only
    feeds a quality flag, never the response's validity)."""
    if not value or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None or moment > datetime.now(timezone.utc):
        return None
    return value
