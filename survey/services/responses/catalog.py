"""Instrument versions as the submission path needs them: parsed definition and item ids, cached per process."""
from __future__ import annotations

from dataclasses import dataclass
from threading import Lock

from sqlalchemy import select

from survey.extensions import db
from survey.instruments.definition import Definition, parse_definition
from survey.models import Instrument, InstrumentVersion, Item

ACCEPTED = ("published", "retired")  # a retired version still accepts answers queued on offline kiosks


@dataclass(frozen=True)
class Version:
    """One accepted instrument version: its row id, number, parsed definition and item ids by code."""

    id: int
    code: str
    number: int
    definition: Definition
    item_ids: dict[str, int]


_cache: dict[tuple[str, int, str], Version] = {}
_lock = Lock()


def find_version(code: str, number: int | None) -> tuple[int, int, str, str] | None:
    """(id, number, status, definition_hash) of the given version, or of the latest published one."""
    stmt = (select(InstrumentVersion.id, InstrumentVersion.version, InstrumentVersion.status,
                   InstrumentVersion.definition_hash)
            .join(Instrument, Instrument.id == InstrumentVersion.instrument_id).where(Instrument.code == code))
    if number is None:
        stmt = stmt.where(InstrumentVersion.status == "published").order_by(InstrumentVersion.version.desc())
    else:
        stmt = stmt.where(InstrumentVersion.version == number)
    row = db.session.execute(stmt.limit(1)).first()
    return tuple(row) if row else None  # type: ignore[return-value]


def load_version(code: str, version_id: int, number: int, digest: str) -> Version:
    """The cached Version; keyed by database, row id and content hash, so a reused id can never be confused."""
    key = (str(db.engine.url), version_id, digest)
    found = _cache.get(key)
    if found is not None:
        return found
    document = db.session.scalar(select(InstrumentVersion.definition).where(InstrumentVersion.id == version_id))
    items = dict(db.session.execute(select(Item.code, Item.id).where(Item.version_id == version_id)).all())
    found = Version(version_id, code, number, parse_definition(document), items)
    with _lock:
        _cache[key] = found
    return found


def accepted_version(code: str, number: int | None = None) -> Version:
    """The given (or current published) version, ready for a form; NotFound when none accepts answers."""
    from survey.errors import NotFound

    found = find_version(code, number)
    if found is None or found[2] not in ACCEPTED:
        raise NotFound("unknown_instrument", f"No published version of instrument {code}", instrument=code)
    return load_version(code, found[0], found[1], found[3])


def published_codes() -> list[str]:
    """Codes of the instruments that have a published version, alphabetically."""
    return list(db.session.scalars(
        select(Instrument.code).join(InstrumentVersion, InstrumentVersion.instrument_id == Instrument.id)
        .where(InstrumentVersion.status == "published").distinct().order_by(Instrument.code)))
