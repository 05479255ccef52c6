"""A province's own instruments: start one from an official instrument, edit its draft, publish, start the next."""
from __future__ import annotations

import copy
import unicodedata
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from survey.errors import Conflict, Forbidden, Invalid, NotFound
from survey.extensions import db
from survey.instruments import builder
from survey.instruments.definition_check import CODE
from survey.instruments.validate import definition_errors
from survey.models import Instrument, InstrumentVersion
from survey.services.access import audit
from survey.services.instruments.versions import (add_version, current_version, definition_hash, get_instrument,
                                         get_version, latest_number, manages_instrument, publish_draft,
                                         sees_instrument)
from survey.services.access.scope import Scope, can, require
from survey.services.organisation.units import get_unit

MANAGE = "instruments.manage"  # the action (survey.services.access.scope.ACTIONS) of building instruments
Edit = Callable[[dict[str, Any]], dict[str, Any]]


def can_edit(scope: Scope) -> bool:
    """Whether this caller may build instruments (Home Affairs, or the operator)."""
    return can(scope, MANAGE)


def editable_instrument(code: str, scope: Scope) -> Instrument:
    """A province's own instrument the caller may change; Forbidden / NotFound otherwise."""
    require(scope, MANAGE)
    instrument = get_instrument(code)
    if not sees_instrument(scope, instrument):
        raise NotFound("unknown_instrument", f"Unknown instrument {code}", instrument=code)
    if not instrument.official and not manages_instrument(scope, instrument):
        raise Forbidden("not_your_province", f"Only Home Affairs of the owner province changes {code}",
                        instrument=code)
    if instrument.official:
        raise Forbidden("official_instrument", f"{code} is an official instrument and read-only: start your own "
                        "instrument from it", instrument=code)
    return instrument


def draft_version(code: str, number: int, scope: Scope) -> InstrumentVersion:
    """A draft the caller may edit; Conflict when the version is published (published versions never change)."""
    editable_instrument(code, scope)
    version = get_version(code, number)
    if version.status != "draft":
        raise Conflict("version_published", f"{code} version {number} is {version.status} and cannot change: "
                       "start a new version", instrument=code, version=number)
    return version


def draft_errors(version: InstrumentVersion) -> list[dict[str, Any]]:
    """What still stops a draft from being published ([] when it can be)."""
    return definition_errors(version.definition)


def create_own_instrument(base_code: str, code: str, name: dict[str, str], province: str, actor: str,
                          scope: Scope) -> InstrumentVersion:
    """Version 1 (draft) of a new instrument owned by `province`, copied from base_code's published version."""
    require(scope, MANAGE)
    owner = get_unit(province)
    if owner.level != "province" or not scope.sees_unit(owner.id):
        raise Forbidden("not_your_province", f"You cannot create instruments for {province}", province=province)
    name = {lang: unicodedata.normalize("NFC", text).strip() for lang, text in name.items() if text and text.strip()}
    errors = []
    if not CODE.fullmatch(code):
        errors.append({"field": "code", "code": "bad_code",
                       "message": "The code must be 1–40 letters, digits, '.', '_' or '-', starting with a letter"})
    if not name.get("vi") or any(len(text) > 300 for text in name.values()):
        errors.append({"field": "name", "code": "missing_text", "message": "A Vietnamese name (≤ 300 characters) "
                       "is required"})
    if errors:
        raise Invalid(errors, "The new instrument is not valid")
    if db.session.scalar(select(Instrument.id).where(Instrument.code == code)) is not None:
        raise Conflict("instrument_exists", f"An instrument {code} exists already", instrument=code)
    base = current_version(base_code)
    if not sees_instrument(scope, base.instrument):
        raise NotFound("unknown_instrument", f"Unknown instrument {base_code}", instrument=base_code)
    document = builder.start_from(base.definition, code, name)
    instrument = Instrument(code=code, name_vi=name["vi"], name_en=name.get("en", ""),
                            kind=base.instrument.kind, official=False, owner_unit_id=owner.id)
    db.session.add(instrument)
    version = add_version(instrument, document)
    audit.record(actor, "instrument.create", f"{code} v1", based_on=f"{base_code} v{base.version}")
    return version


def edit_draft(code: str, number: int, edit: Edit, change: str, actor: str, scope: Scope) -> InstrumentVersion:
    """Apply a builder edit (e.g. drop an item) to a draft and store the result; `change` goes to the audit log."""
    version = draft_version(code, number, scope)
    document = edit(copy.deepcopy(version.definition))
    # Whatever the edit did, the draft stays this instrument's version `number`.
    document["code"], document["version"] = code, number
    version.definition, version.definition_hash = document, definition_hash(document)
    db.session.flush()
    audit.record(actor, "instrument.edit", f"{code} v{number}", change=change)
    return version


def publish_version(code: str, number: int, actor: str, scope: Scope) -> InstrumentVersion:
    """Publish a valid draft: from now on it is immutable and responses may use it; Invalid lists what is wrong."""
    version = draft_version(code, number, scope)
    publish_draft(version)
    audit.record(actor, "instrument.publish", f"{code} v{number}", definition_hash=version.definition_hash)
    return version


def new_version(code: str, actor: str, scope: Scope) -> InstrumentVersion:
    """A draft copy of the latest version as the next version number; Conflict while a draft exists."""
    instrument = editable_instrument(code, scope)
    drafts = [v.version for v in instrument.versions if v.status == "draft"]
    if drafts:
        raise Conflict("draft_exists", f"{code} version {drafts[0]} is still a draft: edit or publish it first",
                       instrument=code, version=drafts[0])
    latest = get_version(code, latest_number(instrument))
    version = add_version(instrument, builder.next_version(latest.definition))
    audit.record(actor, "instrument.new_version", f"{code} v{version.version}", copied_from=latest.version)
    return version
