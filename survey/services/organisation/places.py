"""What the dashboard shows of a place: its service points and kiosks as staff see them (last contact, outbox queue,
a plain-words state), its provincial agencies, and whether a service point is the only one of its unit and agency."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from survey.extensions import db
from survey.models import Agency, Device, ServicePoint, Unit
from survey.models.base import utcnow
from survey.services.access.scope import Scope, visible_agencies, visible_devices, visible_service_points
from survey.services.organisation.units import descendant_ids, get_unit

PROVINCIAL_KINDS = ("department", "branch", "centre")
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


def provincial_agency_codes(scope: Scope, province: Unit) -> set[str]:
    """Codes of the province's departments, branches and centre that the caller may see (commune committees are
    ranked as communes)."""
    stmt = visible_agencies(scope).where(Agency.unit_id == province.id, Agency.kind.in_(PROVINCIAL_KINDS))
    return set(db.session.scalars(stmt.with_only_columns(Agency.code)))


def only_point_of_pair(point: ServicePoint) -> bool:
    """Whether no other service point shares this one's unit and agency (the roll-ups are not keyed finer)."""
    twins = select(func.count()).where(ServicePoint.unit_id == point.unit_id, ServicePoint.agency_id == point.agency_id)
    return db.session.scalar(twins) == 1


def directory_points(scope: Scope, province: str | None = None) -> list[ServicePoint]:
    """The service points the caller may see (optionally within a province), by code, with their agency and unit
    loaded in the same query: the scope is a WHERE clause, not a filter over every point."""
    stmt = (visible_service_points(scope).options(joinedload(ServicePoint.agency), joinedload(ServicePoint.unit))
            .order_by(ServicePoint.code))
    if province:
        stmt = stmt.where(ServicePoint.unit_id.in_(descendant_ids(get_unit(province))))
    return list(db.session.scalars(stmt))
