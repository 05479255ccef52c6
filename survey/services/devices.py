"""Kiosk devices: registration (token shown once), enrolment, authentication and revocation."""
from __future__ import annotations

from sqlalchemy import select

from survey.errors import Forbidden, NotFound
from survey.extensions import db
from survey.models import Device
from survey.models.base import utcnow
from survey.services.agencies import get_service_point
from survey.services.secrets import digest, new_secret


def register_device(service_point: str, name: str = "", instrument: str = "KIOSK-QUICK") -> tuple[Device, str, str]:
    """Register a kiosk at a service point; returns (device, token, enrolment code), secrets shown once."""
    point = get_service_point(service_point)
    token, enrol = new_secret("dev"), new_secret("enr")
    device = Device(name=name or f"Kiosk {point.code}", service_point=point, token_hash=digest(token),
                    enrol_code_hash=digest(enrol), instrument_code=instrument, settings={})
    db.session.add(device)
    db.session.flush()
    return device, token, enrol


def enrol_device(enrol_code: str) -> tuple[Device, str]:
    """Use a one-time enrolment code: issue a fresh device token and forget the code."""
    device = db.session.scalar(select(Device).where(Device.enrol_code_hash == digest(enrol_code)))
    if device is None or device.revoked_at is not None:
        raise NotFound("unknown_enrolment", "This enrolment link is unknown or was already used")
    token = new_secret("dev")
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


def revoke_device(device_id: int) -> Device:
    """Revoke a device at once: its token stops working."""
    device = db.session.get(Device, device_id)
    if device is None:
        raise NotFound("unknown_device", f"Unknown device {device_id}", device=device_id)
    device.revoked_at = utcnow()
    db.session.flush()
    return device
