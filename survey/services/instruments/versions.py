"""Instruments in the database: the official definitions, versions, publishing; a published version never changes."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.instruments.definition import (Definition, document_hash, load_document, official_codes,
                                           official_versions, walk_sections)
from survey.instruments.validate import check_definition
from survey.models import Instrument, InstrumentVersion, Item, Section
from survey.models.base import utcnow
from survey.services.instruments.legal import apply_legal_bases
from survey.services.instruments.display_names import apply_display_names
from survey.services.responses.catalog import forget_versions
from survey.services.access.scope import Scope, home_province_ids

_parsed: dict[str, Definition] = {}  # definition_hash → parsed definition; content is addressed by its hash


def definition_hash(definition: dict) -> str:
    """sha256 of the canonical JSON of a definition."""
    return document_hash(definition)


def official_definitions() -> list[dict]:
    """The definitions shipped in survey/instruments/data, by code, each version oldest first."""
    return [load_document(code, number) for code in official_codes() for number in official_versions(code)]


def load_official_instruments() -> dict[str, str]:
    """Store each shipped instrument version once, published; returns code → "added" | "unchanged"."""
    forget_versions()  # a reload after a wipe or restore gives versions new rows
    # One entry per code: the newest version's outcome, or "added" when any of its versions was new.
    outcome: dict[str, str] = {}
    for doc in official_definitions():
        result = store_version(doc, official=True, publish=True)
        outcome[doc["code"]] = result if outcome.get(doc["code"], "unchanged") == "unchanged" else outcome[doc["code"]]
    apply_legal_bases()
    apply_display_names()  # corrected names of published definitions, which cannot change
    return outcome


def store_version(definition: dict, official: bool = False, publish: bool = False) -> str:
    """Store a definition as (code, version): "added"; "unchanged" when stored identically before."""
    # Invalid for a broken definition; Conflict when that version exists with other content (immutable).
    known = _instrument(definition.get("code")) if isinstance(definition.get("code"), str) else None
    existing = _version(known, definition.get("version")) if known and isinstance(definition.get("version"), int) \
        else None
    if existing is not None and existing.definition_hash == definition_hash(definition):
        if publish and existing.status == "draft":  # imported as a draft before, published now
            publish_draft(existing)
            return "published"
        return "unchanged"  # stored and checked before: reloading the shipped files stays cheap
    defn = check_definition(definition)
    instrument = known
    if instrument is None:
        instrument = Instrument(code=defn.code, name_vi=defn.name["vi"], name_en=defn.name.get("en", ""),
                                kind=defn.kind, official=official)
        db.session.add(instrument)
        db.session.flush()
    if existing is not None:
        raise Conflict("version_exists", f"{defn.code} version {defn.version} exists with a different definition",
                       instrument=defn.code, version=defn.version)
    version = add_version(instrument, definition)
    if publish:
        _publish(version, defn)
    return "added"


def add_version(instrument: Instrument, definition: dict) -> InstrumentVersion:
    """A new draft version holding this definition (not yet checked: drafts may be mid-edit)."""
    version = InstrumentVersion(instrument=instrument, version=int(definition["version"]), definition=definition,
                                definition_hash=definition_hash(definition), status="draft",
                                method_version=str(definition.get("method", "sipas-default-1")))
    db.session.add(version)
    db.session.flush()
    return version


def publish_draft(version: InstrumentVersion) -> InstrumentVersion:
    """Publish a draft: check it, store its sections and items; Conflict if it is already published."""
    if version.status != "draft":
        raise Conflict("version_published", f"{version.instrument.code} version {version.version} is already "
                       f"{version.status}", instrument=version.instrument.code, version=version.version)
    defn = definition_of(version)
    if (defn.code, defn.version) != (version.instrument.code, version.version):
        raise Invalid([{"field": "code", "code": "code_mismatch",
                        "message": f"The definition says {defn.code} v{defn.version}"}])
    _publish(version, defn)
    return version


def _publish(version: InstrumentVersion, defn: Definition) -> None:
    forget_versions()  # submissions without a version number answer the newest published one
    version.status, version.published_at = "published", utcnow()
    version.instrument.name_vi, version.instrument.name_en = defn.name["vi"], defn.name.get("en", "")
    _store_structure(version, defn)


def _store_structure(version: InstrumentVersion, defn: Definition) -> None:
    """Rows for the sections and items in reading order; an item's type is its effective one (kiosk sat3)."""
    parents = {child.code: section.code for section in walk_sections(defn.sections) for child in section.sections}
    position = 0
    for section in walk_sections(defn.sections):
        position += 1
        db.session.add(Section(version_id=version.id, code=section.code, role=section.role,
                               parent_code=parents.get(section.code), title_vi=section.title["vi"],
                               title_en=section.title.get("en", ""), weight=section.weight, position=position))
        for item in section.items:
            position += 1
            db.session.add(Item(version_id=version.id, code=item.code, section_code=section.code, type=item.type,
                                text_vi=item.text["vi"], text_en=item.text.get("en", ""), weight=item.weight,
                                position=position))
    db.session.flush()


def definition_of(version: InstrumentVersion) -> Definition:
    """The parsed definition of a stored version (cached by content hash); Invalid for a broken draft."""
    defn = _parsed.get(version.definition_hash)
    if defn is None:
        defn = check_definition(version.definition)
        if len(_parsed) >= 256:  # drafts change hash on every edit: keep the cache bounded
            _parsed.clear()
        _parsed[version.definition_hash] = defn
    return defn


def _instrument(code: str) -> Instrument | None:
    return db.session.scalar(select(Instrument).where(Instrument.code == code))


def _version(instrument: Instrument, number: int) -> InstrumentVersion | None:
    return db.session.scalar(select(InstrumentVersion).where(
        InstrumentVersion.instrument_id == instrument.id, InstrumentVersion.version == number))


def get_instrument(code: str) -> Instrument:
    """The instrument with this code, or NotFound."""
    instrument = _instrument(code)
    if instrument is None:
        raise NotFound("unknown_instrument", f"Unknown instrument {code}", instrument=code)
    return instrument


def get_version(code: str, number: int) -> InstrumentVersion:
    """Version `number` of an instrument whatever its status, or NotFound."""
    version = _version(get_instrument(code), number)
    if version is None:
        raise NotFound("unknown_instrument", f"Unknown instrument {code} version {number}", instrument=code)
    return version


def current_version(code: str, number: int | None = None) -> InstrumentVersion:
    """The given version of an instrument, or its latest published one."""
    stmt = (select(InstrumentVersion).join(Instrument).where(Instrument.code == code)
            .order_by(InstrumentVersion.version.desc()))
    stmt = stmt.where(InstrumentVersion.version == number) if number else stmt.where(
        InstrumentVersion.status == "published")
    version = db.session.scalars(stmt.limit(1)).first()
    if version is None:
        raise NotFound("unknown_instrument", f"Unknown instrument {code}" + (f" version {number}" if number else ""),
                       instrument=code)
    return version


def latest_number(instrument: Instrument) -> int:
    """The highest version number of an instrument (0 when it has none)."""
    return db.session.scalar(select(func.max(InstrumentVersion.version))
                             .where(InstrumentVersion.instrument_id == instrument.id)) or 0


def visible_instruments(scope: Scope, code: str | None = None) -> list[Instrument]:
    """Official instruments and the own instruments of provinces in the caller's scope, official first."""
    stmt = select(Instrument).order_by(Instrument.official.desc(), Instrument.code)
    if code:
        stmt = stmt.where(Instrument.code == code)
    found = list(db.session.scalars(stmt))
    provinces = home_province_ids(scope) if any(not i.official for i in found) else frozenset()
    return [i for i in found if sees_instrument(scope, i, provinces)]


def sees_instrument(scope: Scope, instrument: Instrument, provinces: frozenset[int] | None = None) -> bool:
    """Whether the caller may read and collect with an instrument: official ones are public; a province's own
    is seen by everyone working in that province (its commune and agency staff too, issue 19), never by another
    province's. `provinces` is `home_province_ids(scope)` when the caller has it already. Changing one is
    `manages_instrument`."""
    if instrument.official or scope.is_operator:
        return True
    if instrument.owner_unit_id is None:
        return False
    return instrument.owner_unit_id in (provinces if provinces is not None else home_province_ids(scope) or ())


def manages_instrument(scope: Scope, instrument: Instrument) -> bool:
    """Whether the caller's scope holds the whole owner province (Home Affairs of it, or the operator): seeing an
    instrument from a commune or an agency of the province is not enough to change it."""
    if scope.is_operator:
        return True
    return (instrument.owner_unit_id is not None and scope.agency_ids is None and scope.unit_ids is not None
            and instrument.owner_unit_id in scope.unit_ids)


def legal_summary(instrument: Instrument) -> dict[str, Any]:
    """The instrument's legal basis and the dates it applies between (None = open)."""
    return {"legal_basis": instrument.legal_basis,
            "valid_from": instrument.valid_from.isoformat() if instrument.valid_from else None,
            "valid_to": instrument.valid_to.isoformat() if instrument.valid_to else None}


def version_summary(version: InstrumentVersion) -> dict[str, Any]:
    """The stored facts of a version: number, status, method, hash, publication time."""
    return {"version": version.version, "status": version.status, "method_version": version.method_version,
            "definition_hash": version.definition_hash,
            "published_at": version.published_at.isoformat() + "Z" if version.published_at else None}
