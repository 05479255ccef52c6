"""What a kiosk device reports and is told: last seen, outbox length, and its screen settings."""
from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update

from survey.extensions import db
from survey.models import Device
from survey.models.base import utcnow
from survey.observability.metrics import observe_outbox
from survey.services.access.devices import KioskCaller
from survey.services.access.secrets import digest

SEEN_EVERY = timedelta(seconds=30)  # a busy kiosk need not rewrite its row on every submission
IDLE_ACTIONS = ("discard", "submit")
STAFF_PIN = re.compile(r"^[0-9]{4,8}$")  # typed on the kiosk's keypad


_SEEN = (update(Device.__table__).where(Device.__table__.c.id == bindparam("device_id"))
         .values(last_seen_at=bindparam("seen"), queue_length=bindparam("queue")))


def note_device_seen(device: KioskCaller, queue_length: int | None = None, now: datetime | None = None) -> bool:
    """Record that the device called in (and its outbox length); True when the row was changed."""
    due = seen_update(device, queue_length, now)
    if due is None:
        return False
    db.session.connection().execute(_SEEN, {"device_id": device.id, "seen": due[0], "queue": due[1]})
    return True


def seen_update(device: KioskCaller, queue_length: int | None = None,
                now: datetime | None = None) -> tuple[datetime, int] | None:
    """(last seen, outbox length) to write when the device's row is stale or its outbox changed, else None."""
    if queue_length is not None:
        observe_outbox(device.id, queue_length)
    now = now or utcnow()
    stale = device.last_seen_at is None or now - device.last_seen_at >= SEEN_EVERY
    changed = queue_length is not None and queue_length != device.queue_length
    if not (stale or changed):
        return None
    device.last_seen_at = now
    if queue_length is not None:
        device.queue_length = max(0, min(queue_length, 1_000_000))
    return now, device.queue_length


def _whole(value: object, default: int, low: int, high: int) -> int:
    """A setting as a bounded whole number; the default when it is not one (settings are edited by hand)."""
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


def pin_digest(salt: str, pin: str) -> str:
    """sha256 hex of "salt:pin", the form the kiosk checks a typed PIN against (static/js/kiosk-staff.js)."""
    return digest(f"{salt}:{pin}")


def staff_pin(pin: str) -> dict[str, str]:
    """The stored (and delivered) form of a staff-panel PIN: a random salt and the salted digest, never the PIN.

    The kiosk must check the PIN offline (the panel is most needed when the network is down), so the digest goes
    to the device: it keeps citizens out of the panel and the PIN out of the page, but a 4–8 digit PIN is no
    secret against someone who copies the page and tries every number."""
    salt = secrets.token_hex(16)
    return {"salt": salt, "sha256": pin_digest(salt, pin)}


def _pin(value: object) -> dict[str, str] | None:
    """A stored staff PIN as the kiosk receives it, or None (none set, or not a well-formed one)."""
    if not isinstance(value, dict):
        return None
    salt, hashed = value.get("salt"), value.get("sha256")
    if not (isinstance(salt, str) and isinstance(hashed, str) and re.fullmatch(r"[0-9a-f]{64}", hashed)):
        return None
    return {"salt": salt, "sha256": hashed}


def kiosk_settings(device: Device, instrument_settings: dict) -> dict:
    """Screen settings of a kiosk: its device settings first, then the site's configuration and the instrument's."""
    settings = device.settings if isinstance(device.settings, dict) else {}
    # Idle time: the device's own, else the site's SURVEY_KIOSK_IDLE_SECONDS, else the instrument's suggestion.
    idle = settings.get("idle_seconds") or current_app.config.get("KIOSK_IDLE_SECONDS") \
        or instrument_settings.get("idle_seconds") or 60
    action = settings.get("idle_action", instrument_settings.get("idle_action", "discard"))
    counters = settings.get("counters") if isinstance(settings.get("counters"), list) else []
    return {
        "idle_seconds": _whole(idle, 60, 5, 3600),
        "idle_action": action if action in IDLE_ACTIONS else "discard",
        "thanks_seconds": _whole(settings.get("thanks_seconds"), 3, 1, 60),
        "retry_max_seconds": _whole(settings.get("retry_max_seconds",
                                                 current_app.config.get("KIOSK_RETRY_MAX_SECONDS", 60)), 60, 1, 3600),
        # A SIPAS-style instrument (official or the province's own copy) asks its A2 block on a kiosk.
        "block": settings.get("block") or ("A2" if "A2" in (instrument_settings.get("blocks") or {}) else None),
        "lang": settings.get("lang") if settings.get("lang") in ("vi", "en") else "vi",
        "fullscreen": settings.get("fullscreen", True) is not False,
        "counters": [str(c)[:40] for c in counters][:50],
        "staff_pin": _pin(settings.get("staff_pin")),  # None: the staff panel opens with a long press alone
    }


def pending_enrolment(enrol_code: str) -> Device | None:
    """The device waiting for this one-time enrolment code (not consumed), or None."""
    if not enrol_code or len(enrol_code) > 200:
        return None
    device = db.session.scalar(select(Device).where(Device.enrol_code_hash == digest(enrol_code)))
    return device if device is not None and device.revoked_at is None else None
