"""POST /api/v1/responses (SPEC 2.3): a device submits one response; idempotent by the client's id."""
from __future__ import annotations

import json
from functools import wraps

from flask import current_app, g, jsonify, request
from flask_limiter.util import get_remote_address
from pydantic import ValidationError

from survey.api import bp
from survey.api import jsonbody
from survey.api import schemas
from survey.api.auth import bearer_token, device_errors, device_required, submitting_device
from survey.api.campaign_responses import campaign_tablets
from survey.api.declare import DEVICE, Operation, declared
from survey.api.throttle import enforce
from survey.errors import Invalid
from survey.extensions import db, limiter
from survey.services.responses.group_commit import record_kiosk_response
from survey.services.responses.kiosk import note_device_seen
from survey.services.access.secrets import digest
from survey.services.responses.contract import Submission

DEFAULT_MAX_BYTES = 64 * 1024  # a SIPAS questionnaire with every comment filled is well under 20 kB


def limit_kiosk_calls(view):
    """Per-address, then per-device rate limits (config RATE_LIMIT_SUBMIT_IP / _DEVICE), before authentication,
    so a flood of bad tokens is limited too."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        config = current_app.config
        enforce("address", config.get("RATE_LIMIT_SUBMIT_IP", "6000/minute"), get_remote_address())
        token = bearer_token()
        # The device's key is its token's hash; a call without a token counts against its address twice.
        enforce("device", config.get("RATE_LIMIT_SUBMIT_DEVICE", "600/minute"),
                digest(token) if token else f"ip:{get_remote_address()}")
        return view(*args, **kwargs)
    return wrapper


KIOSK_ENDPOINTS = frozenset({"api.submit_response", "api.device_heartbeat"})


@limiter.request_filter
def _limited_by_throttle() -> bool:
    """The kiosk endpoints count their own limits above: Flask-Limiter's pass over every request, which would
    find none for them, skips them (a tenth of a submission's CPU, SPEC P1)."""
    return request.endpoint in KIOSK_ENDPOINTS


def read_json_body() -> object:
    """The request's JSON document, bounded in size; 413 when too large, 415/422 when not JSON."""
    request.max_content_length = current_app.config.get("SUBMIT_MAX_BYTES", DEFAULT_MAX_BYTES)
    if request.mimetype != "application/json":
        raise UnsupportedJson()
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise Invalid([{"field": "Content-Type", "code": "not_utf8",
                        "message": f"charset={charset} is refused: send the body as UTF-8"}], "Expected UTF-8")
    return jsonbody.decode(request.get_data(cache=False))


class UnsupportedJson(Invalid):
    """The body is not declared as JSON."""

    status = 415

    def __init__(self) -> None:
        super().__init__([{"field": "Content-Type", "code": "not_json",
                           "message": "send the response as Content-Type: application/json"}], "Expected JSON")


def _queue_length() -> int | None:
    value = request.headers.get("X-Outbox-Length", "")
    return int(value) if value.isdigit() and len(value) < 8 else None


@bp.post("/responses")
@limit_kiosk_calls
@campaign_tablets  # a campaign tablet's questionnaire (survey/api/campaign_responses.py)
@submitting_device
@declared(Operation(
    "Submit one response", "submitResponse", security=DEVICE, body=Submission,
    answers={201: schemas.Stored, 200: schemas.Stored, 409: None, 413: None, 415: None, 422: None, 503: None},
    description="Idempotent by `id`: 200 when the same id was stored before with the same content.",
    headers={"X-Outbox-Length": "Responses waiting in the kiosk's outbox"}))
def submit_response():
    """Store one response: 201 stored, 200 already stored with the same content, 409/422 otherwise."""
    payload = read_json_body()
    with device_errors():  # the device was revoked or re-enrolled since its token was remembered
        recorded = record_kiosk_response(payload, g.device, g.device_token_hash, _queue_length())
    body = {"id": recorded.client_id, "status": "stored" if recorded.created else "already_stored"}
    # json.dumps straight into the response: jsonify's provider lookups cost a tenth of a submission (SPEC P1)
    return current_app.response_class(json.dumps(body), 201 if recorded.created else 200, mimetype="application/json")


@bp.post("/devices/heartbeat")
@limit_kiosk_calls
@device_required
@declared(Operation("A kiosk reports its outbox length", "deviceHeartbeat", security=DEVICE, body=schemas.Heartbeat,
                     answers={200: schemas.HeartbeatNoted, 413: None, 415: None, 422: None}))
def device_heartbeat():
    """A kiosk reports that it is alive and how many responses wait in its outbox."""
    try:
        beat = schemas.Heartbeat.model_validate(read_json_body())
    except ValidationError:  # the document's bounds: a huge number would overflow the column
        raise Invalid([{"field": "queue_length", "code": "wrong_type",
                        "message": "queue_length must be an integer from 0 to 1000000"}]) from None
    note_device_seen(g.device, beat.queue_length)
    db.session.commit()
    return jsonify({"status": "ok", "queue_length": g.device.queue_length})
