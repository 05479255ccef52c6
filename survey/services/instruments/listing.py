"""What the instrument listings read: the owners of province-made instruments, the published versions' definitions."""
from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db
from survey.models import Instrument, InstrumentVersion, Unit


def owner_codes(instruments: list[Instrument]) -> dict[int, str]:
    """Instrument id → the code of the province that owns it (official instruments have no owner), one query."""
    ids = [i.id for i in instruments if i.owner_unit_id is not None]
    if not ids:
        return {}
    stmt = (select(Instrument.id, Unit.code).join(Unit, Unit.id == Instrument.owner_unit_id)
            .where(Instrument.id.in_(ids)))
    return {instrument_id: code for instrument_id, code in db.session.execute(stmt)}


def published_definitions() -> list[tuple[str, int, str | None, dict]]:
    """(instrument code, version, method version, definition) of every published version, by code and version."""
    stmt = (select(Instrument.code, InstrumentVersion.version, InstrumentVersion.method_version,
                   InstrumentVersion.definition)
            .join(InstrumentVersion.instrument).where(InstrumentVersion.status == "published")
            .order_by(Instrument.code, InstrumentVersion.version))
    return [(code, version, method, definition) for code, version, method, definition in db.session.execute(stmt)]
