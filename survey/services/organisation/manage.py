"""Scoped administration of agencies, service points and kiosk devices; every change is audited.

Each function takes the caller's `Scope` and an `actor` (for the audit log) and flushes; the caller commits.
"""
from __future__ import annotations

from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import Agency, Device, ServicePoint
from survey.services.organisation import agencies
from survey.services.access import audit
from survey.services.access import devices
from survey.services.organisation.agencies import get_agency, get_service_point
from survey.services.responses.kiosk import IDLE_ACTIONS, STAFF_PIN, staff_pin
from survey.services.responses.offered import Offer, check_offered, offered, offered_at
from survey.services.access.scope import (Scope, can, check_agency, check_device, check_service_point, check_unit,
                                   home_province_ids, require, visible_agencies, visible_devices,
                                   visible_service_points)
from survey.services.organisation.units import find_unit

KIOSK_INSTRUMENTS = ("KIOSK-QUICK", "SIPAS-1001")  # the official ones; the province's own are offered too
KIOSK_LANGUAGES = ("vi", "en")
IDLE_SECONDS = (15, 600)
MAX_COUNTERS = 50


def list_agencies(scope: Scope) -> list[Agency]:
    """Agencies in the caller's scope, by code."""
    require(scope, "agencies.manage")
    return list(db.session.scalars(visible_agencies(scope).order_by(Agency.code)))


def create_agency(scope: Scope, actor: str, code: str, name: str, unit: str, parent: str | None = None,
                  kind: str = "department") -> Agency:
    """Add an agency in a unit of the caller's scope (under a parent agency of that scope, if given)."""
    require(scope, "agencies.manage")
    check_unit(scope, _unit_or_none(unit), unit)
    if parent:
        check_agency(scope, _or_none(get_agency, parent), parent)
    agency = agencies.add_agency(code, name, unit, parent or None, kind)
    audit.record(actor, "agency.create", agency.code)
    return agency


def list_service_points(scope: Scope) -> list[ServicePoint]:
    """Service points in the caller's scope, by code."""
    require(scope, "service_points.manage")
    return list(db.session.scalars(visible_service_points(scope).order_by(ServicePoint.code)))


def create_service_point(scope: Scope, actor: str, code: str, name: str, agency: str, unit: str,
                         kind: str = "centre") -> ServicePoint:
    """Add a service point of an agency, in a unit, both in the caller's scope."""
    require(scope, "service_points.manage")
    check_agency(scope, _or_none(get_agency, agency), agency)
    check_unit(scope, _unit_or_none(unit), unit)
    point = agencies.add_service_point(code, name, agency, unit, kind)
    audit.record(actor, "service_point.create", point.code)
    return point


def list_devices(scope: Scope) -> list[Device]:
    """Devices at the caller's service points (Home Affairs: the province; managers: their units)."""
    require(scope, "devices.settings")
    return list(db.session.scalars(visible_devices(scope).order_by(Device.revoked_at.is_not(None), Device.id)))


def get_device(scope: Scope, device_id: int) -> Device:
    """One device of the caller's scope, or NotFound."""
    require(scope, "devices.settings")
    return check_device(scope, db.session.get(Device, device_id), device_id)


def register_device(scope: Scope, actor: str, service_point: str, name: str = "",
                    instrument: str = "KIOSK-QUICK") -> tuple[Device, str]:
    """Register a kiosk at a service point of the scope; returns (device, one-time enrolment code)."""
    require(scope, "devices.manage")
    point = check_service_point(scope, _or_none(get_service_point, service_point), service_point)
    if not point.active:
        raise Invalid([{"field": "service_point", "code": "inactive",
                        "message": f"service point {point.code} has been deactivated"}])
    check_offered(point, "kiosk", instrument)
    device, _token, enrol = devices.register_device(service_point, name, instrument)
    audit.record(actor, "device.register", f"device:{device.id}", service_point=service_point)
    return device, enrol


def revoke_device(scope: Scope, actor: str, device_id: int) -> Device:
    """Revoke a kiosk at once: its token is refused from the next request on."""
    require(scope, "devices.manage")
    check_device(scope, db.session.get(Device, device_id), device_id)
    device = devices.revoke_device(device_id)
    audit.record(actor, "device.revoke", f"device:{device.id}")
    return device


def update_device_settings(scope: Scope, actor: str, device_id: int, lang: str, idle_seconds: int,
                           idle_action: str = "discard", counters: list[str] | None = None,
                           instrument: str | None = None, pin: str | None = None,
                           clear_pin: bool = False) -> Device:
    """Kiosk settings a manager may change (the keys the kiosk page reads: lang, idle_seconds, idle_action,
    counters, the staff panel's PIN: `pin` sets a new one, `clear_pin` removes it, neither keeps it); Home
    Affairs may also change the questionnaire."""
    device = get_device(scope, device_id)
    pin = (pin or "").strip()
    counters = [c.strip()[:40] for c in (counters or []) if c.strip()]
    errors = []
    if lang not in KIOSK_LANGUAGES:
        errors.append({"field": "language", "code": "unknown", "message": "language must be vi or en"})
    if not IDLE_SECONDS[0] <= idle_seconds <= IDLE_SECONDS[1]:
        errors.append({"field": "idle_seconds", "code": "out_of_range",
                       "message": f"idle delay must be {IDLE_SECONDS[0]}–{IDLE_SECONDS[1]} seconds"})
    if idle_action not in IDLE_ACTIONS:
        errors.append({"field": "idle_action", "code": "unknown", "message": f"one of {', '.join(IDLE_ACTIONS)}"})
    if len(counters) > MAX_COUNTERS:
        errors.append({"field": "counters", "code": "too_many", "message": f"at most {MAX_COUNTERS} counters"})
    if pin and (clear_pin or not STAFF_PIN.fullmatch(pin)):
        errors.append({"field": "pin", "code": "invalid", "message": "the PIN must be 4–8 digits"
                       if not clear_pin else "set a new PIN or remove it, not both"})
    if instrument is not None and instrument != device.instrument_code:
        if not can(scope, "devices.manage"):
            errors.append({"field": "instrument", "code": "forbidden", "message": "only Home Affairs changes it"})
        else:
            try:
                check_offered(device.service_point, "kiosk", instrument)
            except Invalid as exc:
                errors.extend(exc.errors)
    if errors:
        raise Invalid(errors)
    # A new dict, so the JSON column is seen as changed; other keys (set by the operator) stay.
    settings = {**(device.settings or {}), "lang": lang, "idle_seconds": idle_seconds,
                "idle_action": idle_action, "counters": counters}
    pin_change = "set" if pin else "removed" if clear_pin and "staff_pin" in settings else "kept"
    if pin:
        settings["staff_pin"] = staff_pin(pin)
    elif clear_pin:
        settings.pop("staff_pin", None)
    device.settings = settings
    if instrument is not None:
        device.instrument_code = instrument
    db.session.flush()
    audit.record(actor, "device.settings", f"device:{device.id}", lang=lang, idle_seconds=idle_seconds,
                 idle_action=idle_action, counters=len(counters), instrument=device.instrument_code,
                 pin=pin_change)
    return device


def kiosk_instruments(scope: Scope, device: Device | None = None) -> list[Offer]:
    """The instruments a kiosk may ask: official and its province's own, published (for a new kiosk: the
    scope's provinces'); a device's current instrument stays among the choices, so saving keeps it."""
    found = offered_at(device.service_point, "kiosk") if device else offered("kiosk", _in_provinces(scope))
    if device and device.instrument_code not in [o.code for o in found]:
        found.append(Offer(device.instrument_code, "", "", "", False))
    return found


def _in_provinces(scope: Scope):
    """Whether an owner province is one the caller works in (None: every province, for the operator)."""
    provinces = home_province_ids(scope)
    return None if provinces is None else provinces.__contains__


def _unit_or_none(code: str):
    """The unit with this code, or None (the scope check then answers NotFound)."""
    return _or_none(find_unit, code)


def _or_none(getter, code: str):
    """getter(code), or None when it does not exist."""
    try:
        return getter(code)
    except NotFound:
        return None
