"""Kiosk devices: registration (token shown once), enrolment, authentication and revocation."""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from survey.errors import Forbidden, NotFound
from survey.extensions import db
from survey.models import Device
from survey.models.base import utcnow
from survey.services.organisation.agencies import get_service_point
from survey.services.storage.sql import fetch_one, from_db_time
from survey.services.access.secrets import digest, new_secret


def register_device(service_point: str, name: str = "", instrument: str = "KIOSK-QUICK") -> tuple[Device, str, str]:
    """Register a kiosk at a service point; returns (device, token, enrolment code), secrets shown once."""
    point = get_service_point(service_point)
    enrol = new_secret("enr")
    token = _token_for(enrol)
    device = Device(name=name or f"Kiosk {point.code}", service_point=point, token_hash=digest(token),
                    enrol_code_hash=digest(enrol), instrument_code=instrument, settings={})
    db.session.add(device)
    db.session.flush()
    return device, token, enrol


def _token_for(enrol_code: str) -> str:
    """The device token that belongs to an enrolment code: keyed by the app's secret, so enrolling hands the
    kiosk the very token printed at registration (issue 19.10), while a used link alone reveals nothing."""
    key = str(current_app.config.get("SECRET_KEY") or "").encode()
    mac = hmac.new(key, b"survey-device-token:" + enrol_code.encode(), hashlib.sha256).digest()
    return "dev_" + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def enrol_device(enrol_code: str) -> tuple[Device, str]:
    """Use a one-time enrolment code: the kiosk gets the device's token (the one printed at registration) and the
    code is forgotten. Only a device registered before this rule, or under another secret key, gets a new one."""
    device = db.session.scalar(select(Device).where(Device.enrol_code_hash == digest(enrol_code)))
    if device is None or device.revoked_at is not None:
        raise NotFound("unknown_enrolment", "This enrolment link is unknown or was already used")
    token = _token_for(enrol_code)
    if digest(token) != device.token_hash:
        token = new_secret("dev")
        forget_callers()
    device.token_hash, device.enrol_code_hash, device.enrolled_at = digest(token), None, utcnow()
    db.session.flush()
    return device, token


def authenticate_device(token: str) -> Device:
    """The active device holding this token; Forbidden when revoked, NotFound when unknown."""
    device = db.session.scalar(select(Device).where(Device.token_hash == digest(token)))
    if device is None:
        raise NotFound("unknown_token", "Unknown device token")
    if device.revoked_at is not None:
        raise Forbidden("revoked_device", "This device has been revoked")
    return device


@dataclass
class KioskCaller:
    """A device calling the API, with its service point: one row read per request, no ORM object to track."""

    id: int
    service_point_id: int
    service_point_code: str
    unit_id: int
    agency_id: int
    last_seen_at: datetime | None
    queue_length: int


_CALLER = ("SELECT d.id, d.service_point_id, p.code, p.unit_id, p.agency_id, d.last_seen_at, d.queue_length, "
           "d.revoked_at FROM devices d JOIN service_points p ON p.id = d.service_point_id "
           "WHERE d.token_hash = :token_hash")


def authenticate_kiosk(token: str) -> KioskCaller:
    """The active device holding this token, as the submission API needs it; Forbidden / NotFound as above.

    One driver-level query instead of an ORM entity plus its service point: submissions are the hot path."""
    row = fetch_one(_CALLER, {"token_hash": digest(token)})
    if row is None:
        raise NotFound("unknown_token", "Unknown device token")
    if row[7] is not None:
        raise Forbidden("revoked_device", "This device has been revoked")
    return KioskCaller(*row[:5], from_db_time(row[5]), row[6])


# A kiosk sends one response at a time, all day: its token is read once a minute per worker, not per submission
# (SPEC P1). That is safe because every submission re-checks its device as it is written (group_commit): a
# revoked or re-enrolled token stores nothing, and its cached entry is dropped.
CALLER_SECONDS = 60.0
_callers: dict[str, tuple[float, KioskCaller]] = {}


def remembered_kiosk(token: str) -> tuple[KioskCaller, str]:
    """(caller, token hash) as `authenticate_kiosk` finds them, remembered for CALLER_SECONDS."""
    token_hash, now = digest(token), time.monotonic()
    remembered = _callers.get(token_hash)
    if remembered is not None and now - remembered[0] < CALLER_SECONDS:
        return remembered[1], token_hash
    caller = authenticate_kiosk(token)
    if len(_callers) >= 10_000:  # a province has a few hundred kiosks; bound the memory all the same
        _callers.clear()
    _callers[token_hash] = (now, caller)
    return caller, token_hash


def forget_callers(token_hash: str | None = None) -> None:
    """Drop one remembered caller, or all of them (a device was revoked or enrolled)."""
    if token_hash is None:
        _callers.clear()
    else:
        _callers.pop(token_hash, None)


def revoke_device(device_id: int) -> Device:
    """Revoke a device at once: its token stops working."""
    device = db.session.get(Device, device_id)
    if device is None:
        raise NotFound("unknown_device", f"Unknown device {device_id}", device=device_id)
    device.revoked_at = utcnow()
    forget_callers()
    db.session.flush()
    return device
