"""`survey quality scan`: recompute every quality flag of the stored kiosk, online and paper responses of a
province and date range, including the rules that compare responses (burst per device, repeated comments)."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select, text

from survey.extensions import db
from survey.indices.quality import (BURST, CLOCK_CHANNELS, CLOSED_HOURS, REASONS, REPEATED_COMMENT, STRAIGHT_LINE,
                                    TOO_FAST, bursts, is_closed, repeated, straight_lined)
from survey.indices.structure import INDEX_ITEM_TYPES
from survey.models import Response
from survey.services.access.scope import Scope, require
from survey.services.indices.packed_answers import unpack
from survey.services.indices.weights import province_unit
from survey.services.organisation.units import descendant_ids
from survey.services.quality.rules import local_time, point_rules

CHUNK = 500  # ids per UPDATE
_ITEMS = text("SELECT id, type FROM instrument_items WHERE version_id = :version ORDER BY id")


@dataclass(frozen=True)
class ScanResult:
    """How many responses were read, how many changed, and how many carry each reason now."""

    read: int
    changed: int
    reasons: dict[str, int]


def _responses(units: list[int] | None, start: date | None, end: date | None) -> list[tuple]:
    r = Response.__table__.c  # typed columns: raw SQL would read SQLite's times as text
    stmt = (select(r.id, r.instrument_version_id, r.channel, r.service_point_id, r.device_id, r.submitted_at,
                   r.answer_codes, r.quality_flags).where(r.campaign_id.is_(None)).order_by(r.id))
    if units is not None:
        stmt = stmt.where(r.unit_id.in_(units))
    if start is not None:
        stmt = stmt.where(r.local_date >= start)
    if end is not None:
        stmt = stmt.where(r.local_date <= end)
    return [tuple(row) for row in db.session.execute(stmt)]


def _scored_slots(version_id: int, cache: dict) -> tuple[int, list[int]]:
    """(layout width, slots of the scored items) of a version."""
    if version_id not in cache:
        rows = db.session.execute(_ITEMS, {"version": version_id}).all()
        cache[version_id] = (len(rows), [i for i, (_, kind) in enumerate(rows) if kind in INDEX_ITEM_TYPES])
    return cache[version_id]


def _codes(blob: bytes | None, width: int, slots: list[int]) -> list[int]:
    """The single codes answered on the scored slots (a slot with several bits is not a plain answer)."""
    bits = unpack([blob], width)[0]
    out = []
    for slot in slots:
        value = int(bits[slot])
        if value and value & (value - 1) == 0:
            out.append(value.bit_length() - 1)
    return out


def _comments(ids: list[int]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    stmt = text("SELECT response_id, text FROM comments WHERE text IS NOT NULL AND response_id IN :ids") \
        .bindparams(bindparam("ids", expanding=True))
    for start in range(0, len(ids), 5000):
        out += [tuple(r) for r in db.session.execute(stmt, {"ids": ids[start:start + 5000]})]
    return out


def compute_flags(rows: list[tuple]) -> dict[int, int]:
    """Response id → its flags, from the rows of `_responses` (too-fast is kept as stored: the start time is not)."""
    layouts: dict = {}
    flags: dict[int, int] = {}
    by_device: dict[int, list[tuple[int, object]]] = defaultdict(list)
    point_of: dict[int, int] = {}
    device_point: dict[int, int] = {}
    for rid, version, channel, point, device, submitted, blob, stored in rows:
        th, hours = point_rules(point)
        width, slots = _scored_slots(version, layouts)
        value = stored & TOO_FAST
        if channel in CLOCK_CHANNELS and hours is not None and is_closed(local_time(submitted), hours):
            value |= CLOSED_HOURS
        if straight_lined(_codes(blob, width, slots), th.straight_min_items):
            value |= STRAIGHT_LINE
        if channel in CLOCK_CHANNELS and device is not None:
            by_device[device].append((rid, submitted))
            device_point[device] = point
        if channel in CLOCK_CHANNELS:
            point_of[rid] = point
        flags[rid] = value
    for device, given in by_device.items():
        th = point_rules(device_point[device])[0]
        for (rid, _), hit in zip(given, bursts([t for _, t in given], th.burst_count, th.burst_minutes)):
            if hit:
                flags[rid] |= BURST
    by_point: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for rid, body in _comments(sorted(point_of)):
        by_point[point_of[rid]].append((rid, body))
    for point, comments in by_point.items():
        th = point_rules(point)[0]
        for (rid, _), hit in zip(comments, repeated([b for _, b in comments], th.comment_repeats)):
            if hit:
                flags[rid] |= REPEATED_COMMENT
    return flags


def scan(scope: Scope, province: str | None = None, start: date | None = None, end: date | None = None) -> ScanResult:
    """Recompute and store the flags of the responses in range (the caller commits); flags never delete anything."""
    require(scope, "quality.manage")
    units = sorted(descendant_ids(province_unit(scope, province))) if province else \
        (sorted(scope.unit_ids) if scope.unit_ids is not None else None)
    rows = _responses(units, start, end)
    flags = compute_flags(rows)
    stored = {r[0]: r[7] for r in rows}
    changed: dict[int, list[int]] = defaultdict(list)
    for rid, value in flags.items():
        if value != stored[rid]:
            changed[value].append(rid)
    stmt = text("UPDATE responses SET quality_flags = :flags WHERE id IN :ids") \
        .bindparams(bindparam("ids", expanding=True))
    for value, ids in changed.items():
        for at in range(0, len(ids), CHUNK):
            db.session.execute(stmt, {"flags": value, "ids": ids[at:at + CHUNK]})
    tally = Counter(name for value in flags.values() for bit, name in REASONS.items() if value & bit)
    return ScanResult(len(rows), sum(len(ids) for ids in changed.values()), dict(tally))
