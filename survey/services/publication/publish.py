"""Home Affairs publishes a closed period of an instrument for its province; only published periods are public."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import Publication, Unit
from survey.services.access.audit import record as audit
from survey.services.access.scope import Scope, require
from survey.services.indices.periods import Period, parse_period
from survey.services.indices.weights import province_unit
from survey.services.instruments.versions import current_version

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> date:
    """Today's local date (periods are local)."""
    return datetime.now(timezone.utc).astimezone(LOCAL).date()


def _checked(instrument: str, period: str, on: date) -> Period:
    errors = []
    try:
        current_version(instrument)
    except NotFound:
        errors.append({"field": "instrument", "code": "unknown", "message": f"Unknown instrument {instrument}"})
    try:
        parsed = parse_period(period)
    except Invalid:
        errors.append({"field": "period", "code": "invalid", "message": "period must be 2026, 2026-Q3 or 2026-09"})
        parsed = None
    if parsed is not None and ".." in parsed.label:
        errors.append({"field": "period", "code": "not_standard", "message": "publish a year, quarter or month"})
    if parsed is not None and parsed.end >= on:
        errors.append({"field": "period", "code": "not_closed", "message": f"{period} has not ended yet"})
    if errors:
        raise Invalid(errors, "The period cannot be published")
    return parsed  # type: ignore[return-value]


def publish(scope: Scope, province: str, instrument: str, period: str, actor: str = "operator",
            on: date | None = None) -> Publication:
    """Publish a closed period (again: no change); Invalid for an open, odd or unknown period or instrument."""
    require(scope, "results.publish")
    unit = province_unit(scope, province)
    parsed = _checked(instrument, period, on or today())
    found = db.session.scalar(select(Publication).where(Publication.province_id == unit.id,
                                                        Publication.instrument_code == instrument,
                                                        Publication.period == parsed.label))
    if found is not None:
        return found
    made = Publication(province_id=unit.id, instrument_code=instrument, period=parsed.label, published_by=actor[:80])
    db.session.add(made)
    db.session.flush()
    audit(actor, "results.publish", province, instrument=instrument, period=parsed.label)
    return made


def withdraw(scope: Scope, province: str, instrument: str, period: str, actor: str = "operator") -> int:
    """Take a period off the public page (a correction); how many publications were removed."""
    require(scope, "results.publish")
    unit = province_unit(scope, province)
    gone = db.session.execute(delete(Publication).where(Publication.province_id == unit.id,
                                                        Publication.instrument_code == instrument,
                                                        Publication.period == period)).rowcount
    audit(actor, "results.withdraw", province, instrument=instrument, period=period)
    return gone


def published(province_code: str | None = None) -> list[tuple[str, str, str, str]]:
    """(province code, province name, instrument, period) of every publication, newest period first (public)."""
    stmt = (select(Unit.code, Unit.name, Publication.instrument_code, Publication.period)
            .join(Unit, Unit.id == Publication.province_id))
    if province_code is not None:
        stmt = stmt.where(Unit.code == province_code)
    rows = [tuple(r) for r in db.session.execute(stmt)]
    return sorted(rows, key=lambda r: (r[0], r[2], parse_period(r[3]).end), reverse=True)
