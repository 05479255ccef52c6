"""Instrument versions as the submission path needs them: parsed definition and item ids, cached per process."""
from __future__ import annotations

import time
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import select

from survey.extensions import db
from survey.indices import Scorer, scorer_for, structure_from_definition
from survey.instruments.definition import Definition, parse_definition
from survey.models import Instrument, InstrumentVersion, Item
from survey.services.access.scope import Scope, home_province_ids
from survey.services.storage.sql import fetch_one

ACCEPTED = ("published", "retired")  # a retired version still accepts answers queued on offline kiosks


@dataclass(frozen=True)
class Version:
    """One accepted instrument version: its row id, number, parsed definition, item ids by code, and the scorer
    that turns its answers (keyed by item id) into respondent scores for the tallies."""

    id: int
    code: str
    number: int
    definition: Definition
    item_ids: dict[str, int]
    scorer: Scorer
    slots: dict[int, int]  # item id → its slot in the packed answer codes (packed_answers.layout order)


_cache: dict[tuple, Version] = {}
_lock = Lock()


_VERSION_COLUMNS = ("SELECT v.id, v.version, v.status, v.definition_hash, v.created_at FROM instrument_versions v "
                    "JOIN instruments i ON i.id = v.instrument_id WHERE i.code = :code ")
_NUMBERED = _VERSION_COLUMNS + "AND v.version = :number LIMIT 1"
_LATEST = _VERSION_COLUMNS + "AND v.status = 'published' ORDER BY v.version DESC LIMIT 1"


# Every submission asks which version it answers. An accepted version is remembered for a few seconds, so the
# kiosk path needs no query (SPEC P1); a publication forgets them at once in its own process (`forget_versions`)
# and within FOUND_SECONDS in the other workers. Unknown or unpublished versions are always looked up.
FOUND_SECONDS = 2.0
_found: dict[tuple, tuple[float, tuple]] = {}


def find_version(code: str, number: int | None) -> tuple | None:
    """(id, number, status, definition_hash, created_at) of the given version, or of the latest published one."""
    key, now = (str(db.engine.url), code, number), time.monotonic()
    remembered = _found.get(key)
    if remembered is not None and now - remembered[0] < FOUND_SECONDS:
        return remembered[1]
    if number is None:
        found = fetch_one(_LATEST, {"code": code})
    else:
        found = fetch_one(_NUMBERED, {"code": code, "number": number})
    if found is not None and found[2] in ACCEPTED:
        if len(_found) >= 1024:  # codes come from clients: keep the memory bounded
            _found.clear()
        _found[key] = (now, found)
    return found


def forget_versions() -> None:
    """Drop the remembered versions (after a publication, a load or a wipe)."""
    _found.clear()


def load_version(code: str, version_id: int, number: int, digest: str, created_at=None) -> Version:
    """The cached Version, keyed by database, row id, content hash and creation time: a database wiped and
    reloaded (or restored) gives its rows new creation times, so stale item ids are never used."""
    key = (str(db.engine.url), version_id, digest, created_at)
    found = _cache.get(key)
    if found is not None:
        return found
    document = db.session.scalar(select(InstrumentVersion.definition).where(InstrumentVersion.id == version_id))
    items = dict(db.session.execute(select(Item.code, Item.id).where(Item.version_id == version_id)).all())
    found = Version(version_id, code, number, parse_definition(document), items,
                    scorer_for(structure_from_definition(document), items),
                    {item_id: slot for slot, item_id in enumerate(sorted(items.values()))})
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


def published_codes(scope: Scope | None = None) -> list[str]:
    """Codes of the instruments that have a published version, alphabetically; with a scope, only the official
    ones and the own instruments of the provinces the caller works in (another province's are not theirs)."""
    rows = db.session.execute(
        select(Instrument.code, Instrument.official, Instrument.owner_unit_id)
        .join(InstrumentVersion, InstrumentVersion.instrument_id == Instrument.id)
        .where(InstrumentVersion.status == "published").distinct().order_by(Instrument.code)).all()
    provinces = None if scope is None or scope.national else home_province_ids(scope)
    if provinces is None:  # the operator and the ministry: every province's
        return [code for code, _official, _owner in rows]
    return [code for code, official, owner in rows if official or owner in provinces]
