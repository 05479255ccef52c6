"""The thresholds and opening hours that apply to a service point, remembered briefly so storing a response costs
no query for them, and the flags a response earns on its own when it is stored."""
from __future__ import annotations

import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import text

from survey.extensions import db
from survey.indices.quality import Thresholds, parse_hours, single_flags
from survey.indices.structure import INDEX_ITEM_TYPES

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # as survey.services.responses.envelope (not imported: it imports us)

# A change of settings is seen at once in the process that made it (`forget`) and within this many seconds in the
# other workers; `survey quality scan` recomputes every flag from the settings in force.
REMEMBER_SECONDS = 60.0
_remembered: dict[tuple, tuple[float, tuple[Thresholds, dict]]] = {}
_POINT = text("SELECT sp.opening_hours, u.id, u.level, u.parent_id FROM service_points sp "
              "JOIN units u ON u.id = sp.unit_id WHERE sp.id = :id")
_UNIT = text("SELECT id, level, parent_id FROM units WHERE id = :id")
_SETTINGS = text("SELECT burst_count, burst_minutes, fast_seconds_per_item, straight_min_items, comment_repeats, "
                 "default_hours FROM quality_settings WHERE province_id = :province")


def province_of_unit(unit_id: int, level: str | None = None, parent_id: int | None = None) -> int | None:
    """The province id above a unit (itself when it is one)."""
    node = (unit_id, level, parent_id) if level else db.session.execute(_UNIT, {"id": unit_id}).first()
    while node is not None and node[1] != "province":
        node = db.session.execute(_UNIT, {"id": node[2]}).first() if node[2] else None
    return node[0] if node else None


def thresholds(province_id: int | None) -> Thresholds:
    """The province's thresholds, or the documented defaults."""
    row = db.session.execute(_SETTINGS, {"province": province_id}).first() if province_id else None
    return Thresholds(*row) if row else Thresholds()


def point_rules(service_point_id: int | None) -> tuple[Thresholds, dict | None]:
    """(thresholds, opening hours by weekday) of a service point; hours None for a point without any (online)."""
    if service_point_id is None:
        return Thresholds(), None
    key, now = (str(db.engine.url), service_point_id), time.monotonic()
    found = _remembered.get(key)
    if found is not None and now - found[0] < REMEMBER_SECONDS:
        return found[1]
    row = db.session.execute(_POINT, {"id": service_point_id}).first()
    th = thresholds(province_of_unit(row[1], row[2], row[3])) if row else Thresholds()
    try:
        hours = parse_hours(row[0] if row and row[0] else th.default_hours)
    except ValueError:  # settings are checked when saved; an old bad value must not stop storage
        hours = None
    if len(_remembered) >= 4096:
        _remembered.clear()
    _remembered[key] = (now, (th, hours))
    return th, hours


def forget() -> None:
    """Drop the remembered rules (after settings or opening hours change)."""
    _remembered.clear()


def local_time(utc_naive: datetime) -> datetime:
    """A stored naive-UTC time as local wall-clock time (methodology §4)."""
    return utc_naive.replace(tzinfo=timezone.utc).astimezone(LOCAL_TZ)


def flags_on_store(channel: str, service_point_id: int | None, submitted_at: datetime,
                   started_at: datetime | None, definition, answers: dict) -> int:
    """The flags of one response from itself alone: closed hours, straight-lining, too fast."""
    th, hours = point_rules(service_point_id)
    scored = [value for code, value in answers.items()
              if isinstance(value, int) and definition.item(code).type in INDEX_ITEM_TYPES]
    seconds = (submitted_at - started_at).total_seconds() if started_at is not None else None
    return single_flags(channel, local_time(submitted_at), hours, scored, seconds, len(answers), th)
