"""Instrument versions as the submission path needs them: parsed definition and item ids, cached per process."""
from __future__ import annotations

from dataclasses import dataclass
from threading import Lock

from sqlalchemy import bindparam, select

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


_cache: dict[tuple, Version] = {}
_lock = Lock()


_VERSION_COLUMNS = (select(InstrumentVersion.id, InstrumentVersion.version, InstrumentVersion.status,
                           InstrumentVersion.definition_hash, InstrumentVersion.created_at)
                    .join(Instrument, Instrument.id == InstrumentVersion.instrument_id)
                    .where(Instrument.code == bindparam("code")))
_NUMBERED = _VERSION_COLUMNS.where(InstrumentVersion.version == bindparam("number")).limit(1)
_LATEST = (_VERSION_COLUMNS.where(InstrumentVersion.status == "published")
           .order_by(InstrumentVersion.version.desc()).limit(1))


def find_version(code: str, number: int | None) -> tuple | None:
    """(id, number, status, definition_hash, created_at) of the given version, or of the latest published one."""
    stmt = _LATEST if number is None else _NUMBERED
    row = db.session.connection().execute(stmt, {"code": code, "number": number}).first()
    return tuple(row) if row else None


def load_version(code: str, version_id: int, number: int, digest: str, created_at=None) -> Version:
    """The cached Version, keyed by database, row id, content hash and creation time: a database wiped and
    reloaded (or restored) gives its rows new creation times, so stale item ids are never used."""
    key = (str(db.engine.url), version_id, digest, created_at)
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
    return load_version(code, *found[:2], found[3], found[4])


def published_codes() -> list[str]:
    """Codes of the instruments that have a published version, alphabetically."""
    return list(db.session.scalars(
        select(Instrument.code).join(InstrumentVersion, InstrumentVersion.instrument_id == Instrument.id)
        .where(InstrumentVersion.status == "published").distinct().order_by(Instrument.code)))
