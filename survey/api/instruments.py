"""GET /api/v1/instruments: instruments, their versions, items with codes, scales and routing."""
from __future__ import annotations

from typing import Any

from flask import g, jsonify, request

from survey.api import bp
from survey.api import schemas
from survey.api.auth import staff_required
from survey.api.declare import Operation, declared
from survey.errors import Invalid, NotFound
from survey.instruments.describe import describe, scales
from survey.instruments.validate import definition_errors
from survey.models import Instrument, InstrumentVersion
from survey.services.instruments.drafts import can_edit
from survey.services.instruments.listing import owner_codes
from survey.services.instruments.versions import definition_of, legal_summary, version_summary, visible_instruments
from survey.services.access.scope import require

STATUSES = ("published", "all")


def _version(version: InstrumentVersion) -> dict[str, Any]:
    body = version_summary(version)
    errors = definition_errors(version.definition) if version.status == "draft" else []
    if errors:  # a draft mid-edit: say what is wrong instead of describing it
        return {**body, "errors": errors}
    described = describe(definition_of(version))
    for shared in ("code", "version", "name", "kind"):
        described.pop(shared)
    return {**body, **described}


def _instrument(instrument: Instrument, with_drafts: bool, owner: str | None) -> dict[str, Any]:
    versions = [v for v in instrument.versions if with_drafts or v.status != "draft"]
    published = [v.version for v in versions if v.status == "published"]
    return {"code": instrument.code, "name": {"vi": instrument.name_vi, "en": instrument.name_en},
            "kind": instrument.kind, "official": instrument.official, "owner": owner,
            "current_version": max(published) if published else None, **legal_summary(instrument),
            "versions": [_version(v) for v in versions]}


@bp.get("/instruments")
@staff_required
@declared(Operation("Instruments, their versions, items, scales and routing", "listInstruments",
                     {200: schemas.Instruments, 404: None}, params=schemas.InstrumentsQuery))
def list_instruments():
    """Instruments the caller can see; `code` narrows to one, `status=all` adds drafts for Home Affairs."""
    require(g.scope, "instruments.read")
    status = request.args.get("status", "published")
    if status not in STATUSES:
        raise Invalid([{"field": "status", "code": "unknown", "message": "status must be published or all"}])
    code = request.args.get("code") or None
    found = visible_instruments(g.scope, code)
    if code and not found:
        raise NotFound("unknown_instrument", f"Unknown instrument {code}", instrument=code)
    with_drafts = status == "all" and can_edit(g.scope)
    owners = owner_codes(found)
    return jsonify({"scales": scales(), "instruments": [_instrument(i, with_drafts, owners.get(i.id)) for i in found]})
