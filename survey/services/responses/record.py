"""Record one submitted response: validate it whole against its instrument version, then store it once."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from survey.errors import Conflict, Forbidden, Invalid
from survey.extensions import db
from survey.indices import Scorer
from survey.instruments.types import REGISTRY
from survey.instruments.validate import clean_response
from survey.models import Device, ServicePoint
from survey.models.base import utcnow
from survey.models.responses import PROFILE_FIELDS
from survey.services.access.devices import KioskCaller
from survey.services.indices.packed_answers import pack
from survey.services.instruments.legal import dossier_date_errors
from survey.services.quality.rules import flags_on_store
from survey.services.responses.catalog import ACCEPTED, Version, find_version, load_version
from survey.services.responses.envelope import Envelope, parse_envelope
from survey.services.responses.places import named_agency
from survey.services.responses.store import (StoredAnswer, StoredResponse, begin_write, existing,
                                              insert_children, insert_responses)
from survey.services.access.scope import Scope, require
from survey.services.indices.tallies import tally_responses


@dataclass(frozen=True)
class Recorded:
    """The outcome of a submission: the stored row and whether this call created it (201) or found it (200)."""

    response_id: int
    client_id: str
    created: bool


@dataclass(frozen=True)
class _PointRow:
    id: int
    code: str
    unit_id: int
    agency_id: int
    active: bool = True


@dataclass(frozen=True)
class _Place:
    service_point_id: int
    unit_id: int
    agency_id: int


def _err(field: str, code: str, message: str) -> dict[str, str]:
    return {"field": field, "code": code, "message": message}


def _resolve_version(env: Envelope, errors: list[dict]) -> Version | None:
    found = find_version(env.instrument, env.version)
    if found is None:
        field = "version" if env.version is not None and find_version(env.instrument, None) else "instrument"
        errors.append(_err(field, "unknown", f"unknown instrument {env.instrument}"
                           + (f" version {env.version}" if env.version is not None else "")))
        return None
    version_id, number, status, digest, created_at = found
    if status not in ACCEPTED:
        errors.append(_err("version", "not_published", f"{env.instrument} version {number} is not published"))
        return None
    return load_version(env.instrument, version_id, number, digest, created_at)


_POINT = select(ServicePoint.id, ServicePoint.code, ServicePoint.unit_id, ServicePoint.agency_id, ServicePoint.active)
_POINT_BY_ID = _POINT.where(ServicePoint.id == bindparam("id"))
_POINT_BY_CODE = _POINT.where(ServicePoint.code == bindparam("code"))


# Channels a deactivated service point refuses; paper questionnaires filled in before it closed may still be entered.
CLOSED_CHANNELS = ("kiosk", "online")


def closed_message(code: str) -> str:
    """Why a deactivated service point refuses a submission."""
    return f"service point {code} has been deactivated and no longer takes responses"


def _resolve_place(env: Envelope, device: Device | KioskCaller | None, scope: Scope | None,
                   errors: list[dict]) -> _Place | None:
    code = env.service_point
    if device is not None:  # the device's own point, whatever the body says (it may only repeat it)
        row = _device_point(device)
        if code is not None and code != row.code:
            errors.append(_err("service_point", "not_this_device",
                               f"this device is registered to service point {row.code}, not {code}"))
            return None
    elif code is None:
        errors.append(_err("service_point", "required", "service_point (a code) is required"))
        return None
    else:
        row = db.session.execute(_POINT_BY_CODE, {"code": code}).first()
    if row is None:
        errors.append(_err("service_point", "unknown", f"unknown service point {code}"))
        return None
    if scope is not None and not scope.sees(row.unit_id, row.agency_id):
        raise Forbidden("out_of_scope", f"Service point {row.code} is outside your units", service_point=row.code)
    if not row.active and env.channel in CLOSED_CHANNELS:  # a kiosk's point is checked as it is written
        errors.append(_err("service_point", "inactive", closed_message(row.code)))
        return None
    agency_id = row.agency_id
    if env.agency is not None:
        agency_id = _named_agency(env.agency, row, scope, errors)
        if agency_id is None:
            return None
    return _Place(row.id, row.unit_id, agency_id)


def _named_agency(code: str, point: _PointRow, scope: Scope | None, errors: list[dict]) -> int | None:
    """The id of the agency a submission names, if it may be attributed there: in the service point's province,
    and for staff either the point's own agency or one in their scope (check_agency's rule)."""
    agency = named_agency(code, point.unit_id)
    if agency is None:
        errors.append(_err("agency", "unknown", f"unknown agency {code}"))
        return None
    if not agency.same_province:
        errors.append(_err("agency", "other_province",
                           f"agency {code} is not in the province of service point {point.code}"))
        return None
    if scope is not None and agency.id != point.agency_id and not scope.sees(agency.unit_id, agency.id):
        errors.append(_err("agency", "out_of_scope", f"agency {code} is outside your units and agencies"))
        return None
    return agency.id


def _device_point(device: Device | KioskCaller) -> _PointRow:
    """The device's service point: already read with a kiosk's token (the API), else looked up."""
    if isinstance(device, KioskCaller):
        return _PointRow(device.service_point_id, device.service_point_code, device.unit_id, device.agency_id)
    return db.session.execute(_POINT_BY_ID, {"id": device.service_point_id}).first()


def content_hash(env: Envelope, version: Version, place: _Place, answers: dict, respondent: dict) -> str:
    """sha256 of the canonical normalised content: a resend with the same content hashes the same."""
    content = {"instrument": version.code, "version": version.number, "service_point": place.service_point_id,
               "agency": place.agency_id, "procedure": env.procedure, "field": env.field, "dossier": env.dossier,
               "channel": env.channel, "submitted_at": env.submitted_at.isoformat(), "answers": answers,
               "respondent": respondent, "counter": env.counter, "officer": env.officer}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate_response(payload: Any, device: Device | KioskCaller | None = None, channel: str | None = None,
                      scope: Scope | None = None, now: datetime | None = None):
    """(envelope, version, place, answers, respondent) of a valid payload; Invalid listing every problem. A staff
    caller (scope given) must hold responses.enter: the ministry, reading every province, enters nothing."""
    if scope is not None:
        require(scope, "responses.enter")
    errors: list[dict] = []
    env = parse_envelope(payload, channel or ("kiosk" if device is not None else None), now, errors)
    version = place = None
    answers: dict = {}
    respondent: dict = {}
    if env is not None and env.instrument is not None:
        version = _resolve_version(env, errors)
    if env is not None and not any(e["field"] in ("service_point", "agency") for e in errors):
        place = _resolve_place(env, device, scope, errors)
    if version is not None:
        try:
            clean = clean_response(version.definition, env.answers, env.respondent)
            answers, respondent = clean.answers, clean.respondent
        except Invalid as exc:
            errors += exc.errors
    if version is not None and env is not None:
        errors += dossier_date_errors(version.code, version.definition.kind, env.dossier)
    if version is not None and not errors and not answers:
        errors.append(_err("answers", "empty", "a response needs at least one answer"))
    if errors:
        raise Invalid(errors[:50], "The response is invalid; nothing was stored")
    return env, version, place, answers, respondent


@dataclass(frozen=True)
class Prepared:
    """A validated response ready to write: its row, comments and the content hash that makes resends idempotent."""

    row: StoredResponse
    comments: list[tuple[int, str]]
    dossier: str | None
    channel: str
    scorer: Scorer


def prepare_response(payload: Any, device: Device | KioskCaller | None = None, channel: str | None = None,
                     scope: Scope | None = None, now: datetime | None = None) -> Prepared:
    """Validate a payload and build what would be stored, writing nothing; Invalid / Forbidden otherwise."""
    env, version, place, answers, respondent = validate_response(payload, device, channel, scope, now)
    digest = content_hash(env, version, place, answers, respondent)
    row, comments = _build(env, version, place, answers, respondent, digest, device)
    return Prepared(row, comments, env.dossier, env.channel, version.scorer)


def store_prepared(prepared: Prepared) -> Recorded:
    """Write a prepared response once in the session's transaction: Recorded(created=False) when the same content
    is already stored under its id; Conflict for different content under that id or a dossier already rated."""
    outcome = store_batch([prepared], begin_write())[0]
    if isinstance(outcome, Conflict):
        raise outcome
    return outcome


def store_batch(batch: list[Prepared], conn: Connection) -> list[Recorded | Conflict]:
    """Write prepared responses in the write transaction open on `conn`, one statement per table: each one's
    Recorded, or the Conflict of a reused id or a rated dossier, in order."""
    insert_responses([prepared.row for prepared in batch], conn)
    outcomes: list[Recorded | Conflict] = []
    for prepared in batch:
        if prepared.row.id:
            outcomes.append(Recorded(prepared.row.id, prepared.row.client_id, True))
            continue
        try:
            outcomes.append(settle_unstored(prepared, conn))
        except Conflict as exc:
            outcomes.append(exc)
    created = [prepared for prepared, outcome in zip(batch, outcomes)
               if isinstance(outcome, Recorded) and outcome.created]
    insert_children([(prepared.row, prepared.comments) for prepared in created], conn)
    tally_responses([(prepared.row, prepared.scorer) for prepared in created], conn)
    return outcomes


def settle_unstored(prepared: Prepared, conn: Connection) -> Recorded:
    """A response whose insert was skipped: its id was stored before (a resend, or a concurrent send that won the
    race) with the same content, Recorded(created=False); with other content, or its dossier rated, Conflict."""
    row = prepared.row
    found = existing(row.client_id, row.content_hash, conn)
    if found is not None:
        return Recorded(found, row.client_id, False)
    raise Conflict("dossier_rated", f"Dossier {prepared.dossier} has already been rated on the "
                   f"{prepared.channel} channel; each dossier can be rated once per channel",
                   dossier=prepared.dossier, channel=prepared.channel)


def record_response(payload: Any, device: Device | KioskCaller | None = None, channel: str | None = None,
                    actor: str | None = None, scope: Scope | None = None, now: datetime | None = None) -> Recorded:
    """Store a response once; Invalid (422) writes nothing, Conflict (409) for a reused id or a rated dossier.

    `actor` is accepted for symmetry with other services; responses stay anonymous, so it is not stored."""
    return store_prepared(prepare_response(payload, device, channel, scope, now))


def _build(env: Envelope, version: Version, place: _Place, answers: dict, respondent: dict, digest: str,
           device: Device | KioskCaller | None) -> tuple[StoredResponse, list[tuple[int, str]]]:
    defn = version.definition
    row = StoredResponse(id=0, client_id=env.client_id, content_hash=digest, instrument_version_id=version.id,
                         service_point_id=place.service_point_id, unit_id=place.unit_id, agency_id=place.agency_id,
                         device_id=device.id if device is not None else None, channel=env.channel,
                         submitted_at=env.submitted_at, local_date=env.local_date, received_at=utcnow(),
                         procedure_code=env.procedure, field_code=env.field, dossier_code=env.dossier,
                         counter=env.counter, officer=env.officer)
    comments: list[tuple[int, str]] = []
    for code, value in {**answers, **respondent}.items():
        if code in respondent and code in PROFILE_FIELDS:
            row.profile[code] = value
            continue
        item_id = version.item_ids[code]
        if not REGISTRY[defn.item(code).type].tallied:
            comments.append((item_id, value))
        elif isinstance(value, list):
            row.answers += [StoredAnswer(item_id, c) for c in value]
        else:
            row.answers.append(StoredAnswer(item_id, value))
    row.answer_codes = pack(version.slots, ((a.item_id, a.code) for a in row.answers))
    row.quality_flags = flags_on_store(env.channel, place.service_point_id, env.submitted_at, env.started_at, defn,
                                       answers)
    return row, comments
