"""The service points and kiosks of a place as staff see them: last contact, outbox queue and a plain-words state."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from survey.extensions import db
from survey.models import Agency, Device, ServicePoint, Unit
from survey.models.base import utcnow
from survey.services.access.scope import Scope, visible_devices, visible_service_points

SILENT_AFTER = timedelta(minutes=15)  # kiosks report in every few minutes while switched on


@dataclass(frozen=True)
class KioskView:
    """A kiosk row: name, service point, last contact (UTC), outbox length and state."""

    id: int
    name: str
    service_point: str
    instrument: str
    last_seen_at: datetime | None
    queue_length: int
    state: str  # online | silent | never | revoked


def _state(device: Device, now: datetime) -> str:
    """revoked, never seen, silent for a while, or online."""
    if device.revoked_at is not None:
        return "revoked"
    if device.last_seen_at is None:
        return "never"
    return "silent" if now - device.last_seen_at > SILENT_AFTER else "online"


def kiosks_for(scope: Scope, kind: str, place: Unit | Agency | ServicePoint) -> list[KioskView]:
    """Kiosks at the place's service points that the caller may see, by service point and name."""
    column = {"commune": ServicePoint.unit_id, "agency": ServicePoint.agency_id, "service_point": ServicePoint.id}[kind]
    stmt = (visible_devices(scope).join(ServicePoint, ServicePoint.id == Device.service_point_id)
            .where(column == place.id).order_by(ServicePoint.name, Device.name))
    now = utcnow()
    return [KioskView(d.id, d.name, d.service_point.name, d.instrument_code, d.last_seen_at, d.queue_length or 0,
                      _state(d, now)) for d in db.session.scalars(stmt)]


def points_for(scope: Scope, kind: str, place: Unit | Agency | ServicePoint) -> list[ServicePoint]:
    """The service points of a commune or agency that the caller may see (none for a service point's own page)."""
    if kind == "service_point":
        return []
    column = ServicePoint.unit_id if kind == "commune" else ServicePoint.agency_id
    return list(db.session.scalars(visible_service_points(scope).where(column == place.id)
                                   .order_by(ServicePoint.name)))
