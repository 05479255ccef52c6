"""The envelope of a submitted response (id, instrument, place, time, channel) checked before any database work."""
from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from survey.models.responses import CHANNELS
from survey.services.responses import contract

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # periods are local dates in Vietnam (methodology 4)
FUTURE_TOLERANCE = timedelta(minutes=10)  # kiosk clocks drift a little; more than this is a bad clock
EARLIEST = datetime(2017, 1, 1, tzinfo=timezone.utc)  # SIPAS-2640 starts in 2017
FIELDS = tuple(contract.Submission.model_fields)

# The patterns and limits are declared once in contract.py, which the OpenAPI document publishes.
INSTRUMENT_CODE = re.compile(contract.INSTRUMENT_CODE)
POINT_CODE = re.compile(contract.POINT_CODE)
AGENCY_CODE = re.compile(contract.AGENCY_CODE)
PROCEDURE_CODE = re.compile(contract.PROCEDURE_CODE)
FIELD_CODE = re.compile(contract.FIELD_CODE)
DOSSIER_CODES = tuple(re.compile(pattern) for pattern in contract.DOSSIER_CODES)
MAX_LENGTH = contract.MAX_LENGTH


@dataclass(frozen=True)
class Envelope:
    """Everything of a response except its answers, normalised (codes upper-case where codes are, times UTC)."""

    client_id: str
    instrument: str | None
    version: int | None
    service_point: str | None
    agency: str | None
    procedure: str | None
    field: str | None
    dossier: str | None
    channel: str
    submitted_at: datetime | None  # naive UTC; None only when invalid (then errors say why)
    local_date: date | None
    counter: str | None
    officer: str | None
    answers: Any
    respondent: Any
    # When the form was opened (kiosk/online clients send it): only the too-fast quality flag reads it.
    started_at: datetime | None = None


def paper_time(day: date) -> str:
    """The time of a questionnaire dated `day` (paper has no clock): local midnight at the start of that day.

    A function of the keyed date only, so the same questionnaire keyed twice (a double click, a re-imported file)
    is the same content and answers "already stored"; and never in the future for a questionnaire dated today."""
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ).isoformat(timespec="seconds")


def _err(field: str, code: str, message: str) -> dict[str, str]:
    return {"field": field, "code": code, "message": message}


def clean_text(value: Any, field: str, errors: list[dict], limit: int = 80) -> str | None:
    """A short optional string in NFC, stripped; None when absent or blank."""
    if value is None:
        return None
    if not isinstance(value, str):
        errors.append(_err(field, "wrong_type", f"{field} must be a string"))
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        errors.append(_err(field, "bad_character", f"{field} contains a control character"))
        return None
    text = unicodedata.normalize("NFC", value).strip()
    if len(text) > limit:
        errors.append(_err(field, "too_long", f"{field} has at most {limit} characters"))
        return None
    return text or None


def _code(value: Any, field: str, pattern: re.Pattern, errors: list[dict], upper: bool = False) -> str | None:
    # Codes are checked against their pattern before any query: a NUL or a 10 kB string never reaches the database.
    text = clean_text(value, field, errors, limit=200)
    if text is None:
        return None
    text = text.upper() if upper else text
    if not pattern.match(text):
        errors.append(_err(field, "bad_format", f"{field} {text[:60]!r} is not a valid code"))
        return None
    return text


def _client_id(value: Any, errors: list[dict]) -> str:
    if not isinstance(value, str) or len(value) > MAX_LENGTH["id"]:
        errors.append(_err("id", "required" if value is None else "bad_format",
                           "id must be a UUID made by the client (the idempotency key)"))
        return ""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        errors.append(_err("id", "bad_format", "id must be a UUID such as 3f2b8c1e-…"))
        return ""


def _version(value: Any, errors: list[dict]) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= contract.MAX_VERSION:
        errors.append(_err("version", "wrong_type", "version must be a positive integer"))
        return None
    return value


def _submitted_at(value: Any, errors: list[dict], now: datetime) -> datetime | None:
    if not isinstance(value, str) or len(value) > MAX_LENGTH["submitted_at"]:
        errors.append(_err("submitted_at", "required" if value is None else "wrong_type",
                           "submitted_at must be an ISO 8601 time with an offset, e.g. 2026-03-01T09:30:00+07:00"))
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        errors.append(_err("submitted_at", "bad_format", "submitted_at is not an ISO 8601 time"))
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        errors.append(_err("submitted_at", "no_offset", "submitted_at needs a UTC offset (e.g. +07:00 or Z)"))
        return None
    try:
        utc = moment.astimezone(timezone.utc)
    except OverflowError:
        errors.append(_err("submitted_at", "out_of_range", "submitted_at is out of range"))
        return None
    if utc > now + FUTURE_TOLERANCE:
        errors.append(_err("submitted_at", "in_future", "submitted_at is in the future: check the device clock"))
        return None
    if utc < EARLIEST:
        errors.append(_err("submitted_at", "too_old", "submitted_at is before 2017"))
        return None
    return utc


def _started_at(value: Any, submitted: datetime | None, errors: list[dict], now: datetime) -> datetime | None:
    """The optional start time: like submitted_at, and not after it."""
    if value is None:
        return None
    inner: list[dict] = []
    moment = _submitted_at(value, inner, now)
    for error in inner:  # the same checks, reported under this field's name
        errors.append(_err("started_at", error["code"], error["message"].replace("submitted_at", "started_at")))
    if moment is not None and submitted is not None and moment > submitted:
        errors.append(_err("started_at", "after_submitted", "started_at must not be after submitted_at"))
        return None
    return moment


def _dossier(value: Any, errors: list[dict]) -> str | None:
    text = clean_text(value, "dossier", errors, limit=MAX_LENGTH["dossier"])
    if text is None:
        return None
    text = text.upper()
    for pattern in DOSSIER_CODES:
        match = pattern.match(text)
        if match:
            try:
                datetime.strptime(match.group(1), "%y%m%d")
            except ValueError:
                break
            return text
    errors.append(_err("dossier", "bad_format", "dossier must look like 000.21.22.H49-250701-0001 "
                                                "or H49.221.01-250701-010001"))
    return None


def parse_envelope(payload: Any, default_channel: str | None = None, now: datetime | None = None,
                   errors: list[dict] | None = None) -> Envelope | None:
    """The checked envelope of a JSON body (None when it is not an object); appends {field, code, message} to
    `errors`, and the fields that failed are None."""
    errors = [] if errors is None else errors
    if not isinstance(payload, Mapping):
        errors.append(_err("body", "wrong_type", "the body must be a JSON object"))
        return None
    now = now or datetime.now(timezone.utc)
    for key in payload:
        if key not in FIELDS:
            errors.append(_err(str(key)[:60], "unknown_field", f"unknown field {str(key)[:60]!r}"))
    client_id = _client_id(payload.get("id"), errors)
    instrument = _code(payload.get("instrument"), "instrument", INSTRUMENT_CODE, errors, upper=True)
    if instrument is None and not any(e["field"] == "instrument" for e in errors):
        errors.append(_err("instrument", "required", "instrument (a code such as KIOSK-QUICK) is required"))
    channel = payload.get("channel", default_channel)
    if channel not in CHANNELS:
        errors.append(_err("channel", "unknown", f"channel must be one of {', '.join(CHANNELS)}"))
    moment = _submitted_at(payload.get("submitted_at"), errors, now)
    env = dict(
        version=_version(payload.get("version"), errors),
        service_point=_code(payload.get("service_point"), "service_point", POINT_CODE, errors),
        agency=_code(payload.get("agency"), "agency", AGENCY_CODE, errors, upper=True),
        procedure=_code(payload.get("procedure"), "procedure", PROCEDURE_CODE, errors),
        field=_code(payload.get("field"), "field", FIELD_CODE, errors),
        dossier=_dossier(payload.get("dossier"), errors),
        counter=clean_text(payload.get("counter"), "counter", errors, MAX_LENGTH["counter"]),
        officer=clean_text(payload.get("officer"), "officer", errors, MAX_LENGTH["officer"]),
    )
    started = _started_at(payload.get("started_at"), moment, errors, now)
    # Returned even when some fields failed, so the answers are checked too and every problem is reported at once.
    return Envelope(client_id=client_id, instrument=instrument, channel=channel,
                    submitted_at=moment.replace(tzinfo=None) if moment else None,
                    local_date=moment.astimezone(LOCAL_TZ).date() if moment else None,
                    answers=payload.get("answers"), respondent=payload.get("respondent"),
                    started_at=started.replace(tzinfo=None) if started else None, **env)
