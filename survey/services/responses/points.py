"""Service points as the collection screens need them: by public key, and those a staff member may use."""
from __future__ import annotations

from sqlalchemy import select

from survey.errors import Conflict, NotFound
from survey.extensions import db
from survey.models import ServicePoint
from survey.services.access.scope import Scope


def point_by_public_key(key: str) -> ServicePoint:
    """The service point behind a public QR link; NotFound for an unknown key, Conflict once it is deactivated."""
    point = None
    if key and len(key) <= 40 and key.replace("-", "").replace("_", "").isalnum():
        point = db.session.scalar(select(ServicePoint).where(ServicePoint.public_key == key))
    if point is None:
        raise NotFound("unknown_link", "This survey link is unknown. Please scan the QR code at the counter again.")
    if not point.active:
        raise Conflict("service_point_closed", f"{point.name} no longer takes part in the survey",
                       service_point=point.name)
    return point


def points_in_scope(scope: Scope) -> list[ServicePoint]:
    """Service points whose unit and agency the scope sees, by code."""
    stmt = select(ServicePoint).order_by(ServicePoint.code)
    if scope.unit_ids is not None:
        stmt = stmt.where(ServicePoint.unit_id.in_(scope.unit_ids))
    if scope.agency_ids is not None:
        stmt = stmt.where(ServicePoint.agency_id.in_(scope.agency_ids))
    return list(db.session.scalars(stmt))
