"""Instruments in the database: load the official definitions shipped with the package."""
from __future__ import annotations

import hashlib
import json
from importlib import resources

from sqlalchemy import select

from survey.errors import Conflict, NotFound
from survey.extensions import db
from survey.models import Instrument, InstrumentVersion, Item, Section
from survey.models.base import utcnow


def definition_hash(definition: dict) -> str:
    """sha256 of the canonical JSON of a definition."""
    return hashlib.sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def official_definitions() -> list[dict]:
    """The definitions in survey/instruments/data, in file-name order."""
    folder = resources.files("survey.instruments") / "data"
    return [json.loads(f.read_text("utf-8")) for f in sorted(folder.iterdir(), key=lambda f: f.name)
            if f.name.endswith(".json")]


def load_official_instruments() -> dict[str, str]:
    """Load each official instrument version once, published; returns code → "added" | "unchanged"."""
    outcome = {}
    for definition in official_definitions():
        outcome[definition["code"]] = store_version(definition, official=True, publish=True)
    return outcome


def store_version(definition: dict, official: bool = False, publish: bool = False) -> str:
    """Store a definition as (code, version); an identical stored version is left alone, a different one refused."""
    code, number = definition["code"], int(definition["version"])
    instrument = db.session.scalar(select(Instrument).where(Instrument.code == code))
    if instrument is None:
        instrument = Instrument(code=code, name_vi=definition["name"]["vi"], name_en=definition["name"]["en"],
                                kind=definition.get("kind", "custom"), official=official)
        db.session.add(instrument)
        db.session.flush()
    digest = definition_hash(definition)
    existing = db.session.scalar(select(InstrumentVersion).where(
        InstrumentVersion.instrument_id == instrument.id, InstrumentVersion.version == number))
    if existing is not None:
        if existing.definition_hash == digest:
            return "unchanged"
        raise Conflict("version_exists", f"{code} version {number} exists with a different definition",
                       instrument=code, version=number)
    version = InstrumentVersion(instrument=instrument, version=number, definition=definition, definition_hash=digest,
                                method_version=definition.get("method", "sipas-default-1"),
                                status="published" if publish else "draft", published_at=utcnow() if publish else None)
    db.session.add(version)
    db.session.flush()
    _store_structure(version, definition)
    return "added"


def _store_structure(version: InstrumentVersion, definition: dict) -> None:
    """Rows for the sections and items of a definition, in reading order."""
    position = 0

    def walk(sections: list[dict], parent: str | None) -> None:
        nonlocal position
        for section in sections:
            position += 1
            title = section.get("title", {})
            db.session.add(Section(version_id=version.id, code=section["code"], role=section.get("role", "group"),
                                   parent_code=parent, title_vi=title.get("vi", section["code"]),
                                   title_en=title.get("en", section["code"]),
                                   weight=float(section.get("weight", 1.0)), position=position))
            for item in section.get("items", []):
                position += 1
                text = item.get("text", {})
                db.session.add(Item(version_id=version.id, code=item["code"], section_code=section["code"],
                                    type=item["type"], text_vi=text.get("vi", ""), text_en=text.get("en", ""),
                                    weight=float(item.get("weight", 1.0)), position=position))
            walk(section.get("sections", []), section["code"])

    walk(definition.get("sections", []), None)
    db.session.flush()


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
