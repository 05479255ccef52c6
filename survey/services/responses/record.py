"""Record one submitted response: validate it whole against its instrument version, then store it once."""
from __future__ import annotations

import hashlib
import importlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey.errors import Conflict, Forbidden, Invalid
from survey.extensions import db
from survey.instruments.types import REGISTRY
from survey.instruments.validate import clean_response
from survey.models import Agency, Answer, Comment, Device, Response, ServicePoint
from survey.models.responses import PROFILE_FIELDS
from survey.services.responses.catalog import ACCEPTED, Version, find_version, load_version
from survey.services.responses.envelope import Envelope, parse_envelope
from survey.services.scope import Scope


@dataclass(frozen=True)
class Recorded:
    """The outcome of a submission: the stored row and whether this call created it (201) or found it (200)."""

    response_id: int
    client_id: str
    created: bool


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
    version_id, number, status, digest = found
    if status not in ACCEPTED:
        errors.append(_err("version", "not_published", f"{env.instrument} version {number} is not published"))
        return None
    return load_version(env.instrument, version_id, number, digest)


def _resolve_place(env: Envelope, device: Device | None, scope: Scope | None, errors: list[dict]) -> _Place | None:
    code = env.service_point
    if device is not None:
        own = db.session.scalar(select(ServicePoint.code).where(ServicePoint.id == device.service_point_id))
        if code is not None and code != own:
            errors.append(_err("service_point", "not_this_device",
                               f"this device is registered to service point {own}, not {code}"))
            return None
        code = own
    if code is None:
        errors.append(_err("service_point", "required", "service_point (a code) is required"))
        return None
    row = db.session.execute(select(ServicePoint.id, ServicePoint.unit_id, ServicePoint.agency_id)
                             .where(ServicePoint.code == code)).first()
    if row is None:
        errors.append(_err("service_point", "unknown", f"unknown service point {code}"))
        return None
    agency_id = row.agency_id
    if env.agency is not None:
        agency_id = db.session.scalar(select(Agency.id).where(Agency.code == env.agency))
        if agency_id is None:
            errors.append(_err("agency", "unknown", f"unknown agency {env.agency}"))
            return None
    if scope is not None and not scope.sees(row.unit_id, row.agency_id):
        raise Forbidden("out_of_scope", f"Service point {code} is outside your units", service_point=code)
    return _Place(row.id, row.unit_id, agency_id)


def content_hash(env: Envelope, version: Version, place: _Place, answers: dict, respondent: dict) -> str:
    """sha256 of the canonical normalised content: a resend with the same content hashes the same."""
    content = {"instrument": version.code, "version": version.number, "service_point": place.service_point_id,
               "agency": place.agency_id, "procedure": env.procedure, "field": env.field, "dossier": env.dossier,
               "channel": env.channel, "submitted_at": env.submitted_at.isoformat(), "answers": answers,
               "respondent": respondent, "counter": env.counter, "officer": env.officer}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate_response(payload: Any, device: Device | None = None, channel: str | None = None,
                      scope: Scope | None = None, now: datetime | None = None):
    """(envelope, version, place, answers, respondent) of a valid payload; Invalid listing every problem."""
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
    if version is not None and not errors and not answers:
        errors.append(_err("answers", "empty", "a response needs at least one answer"))
    if errors:
        raise Invalid(errors[:50], "The response is invalid; nothing was stored")
    return env, version, place, answers, respondent


def record_response(payload: Any, device: Device | None = None, channel: str | None = None,
                    actor: str | None = None, scope: Scope | None = None, now: datetime | None = None) -> Recorded:
    """Store a response once; Invalid (422) writes nothing, Conflict (409) for a reused id or a rated dossier."""
    env, version, place, answers, respondent = validate_response(payload, device, channel, scope, now)
    digest = content_hash(env, version, place, answers, respondent)
    begin_write()
    existing = _existing(env.client_id, digest)
    if existing is not None:
        return existing
    response, comments = _build(env, version, place, answers, respondent, digest, device)
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
            if comments:
                db.session.add_all([Comment(response_id=response.id, item_id=item_id, text=text)
                                    for item_id, text in comments])
                db.session.flush()
    except IntegrityError:
        # A concurrent send of the same id won the race (or the dossier was rated): decide from what is stored.
        existing = _existing(env.client_id, digest)
        if existing is not None:
            return existing
        if env.dossier is not None:
            raise Conflict("dossier_rated", f"Dossier {env.dossier} has already been rated on the {env.channel} "
                           "channel; each dossier can be rated once per channel",
                           dossier=env.dossier, channel=env.channel) from None
        raise
    tally = _tally()
    if tally is not None:
        tally(response)
    return Recorded(response.id, env.client_id, True)


def begin_write() -> None:
    """Open the write transaction now; on SQLite take the write lock (BEGIN IMMEDIATE) before any SAVEPOINT.

    pysqlite begins transactions lazily, so a SAVEPOINT could open the transaction itself and its RELEASE would
    commit; and a read before the write could leave a stale snapshot that cannot be upgraded (SQLITE_BUSY).
    """
    conn = db.session.connection()
    if conn.dialect.name == "sqlite" and not conn.connection.dbapi_connection.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _existing(client_id: str, digest: str) -> Recorded | None:
    row = db.session.execute(select(Response.id, Response.content_hash)
                             .where(Response.client_id == client_id)).first()
    if row is None:
        return None
    if row.content_hash != digest:
        raise Conflict("id_reused", f"Response {client_id} was already stored with different content",
                       id=client_id)
    return Recorded(row.id, client_id, False)


def _build(env: Envelope, version: Version, place: _Place, answers: dict, respondent: dict, digest: str,
           device: Device | None) -> tuple[Response, list[tuple[int, str]]]:
    defn = version.definition
    response = Response(client_id=env.client_id, content_hash=digest, instrument_version_id=version.id,
                        service_point_id=place.service_point_id, unit_id=place.unit_id, agency_id=place.agency_id,
                        device_id=device.id if device is not None else None, procedure_code=env.procedure,
                        field_code=env.field, dossier_code=env.dossier, channel=env.channel,
                        submitted_at=env.submitted_at, local_date=env.local_date, counter=env.counter,
                        officer=env.officer)
    rows: list[Answer] = []
    comments: list[tuple[int, str]] = []
    for code, value in {**answers, **respondent}.items():
        if code in respondent and code in PROFILE_FIELDS:
            setattr(response, code, value)
            continue
        item_id = version.item_ids[code]
        if not REGISTRY[defn.item(code).type].tallied:
            comments.append((item_id, value))
        elif isinstance(value, list):
            rows += [Answer(item_id=item_id, code=c) for c in value]
        else:
            rows.append(Answer(item_id=item_id, code=value))
    response.answers = rows
    return response, comments


_TALLY: list[Callable | None] = []


def _tally() -> Callable | None:
    """survey.services.tallies.tally_response when the index engine provides it."""
    if not _TALLY:
        try:
            _TALLY.append(importlib.import_module("survey.services.tallies").tally_response)
        except (ModuleNotFoundError, AttributeError):
            _TALLY.append(None)
    return _TALLY[0]
