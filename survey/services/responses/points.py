"""Service points as the collection screens need them: by public key, and those a staff member may use."""
from __future__ import annotations

import hashlib

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


# Crockford's base32: digits and capitals without I, L, O, U, so a typed code cannot be misread.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def short_code(point: ServicePoint) -> str:
    """The 8-character code printed on the counter card ("K7QM 3XPA"), derived from the public key: typed in any
    case, with or without the space, and no '_' or '-' to mistake (issue 19.17)."""
    number = int.from_bytes(hashlib.sha256(f"short:{point.public_key}".encode()).digest()[:5], "big")
    return "".join(_ALPHABET[(number >> shift) & 31] for shift in range(35, -1, -5))


def point_by_code(typed: str) -> ServicePoint:
    """The service point of a code typed by hand: its short code (any case, spaces or dashes ignored) or, for old
    cards, its public key; NotFound otherwise."""
    folded = "".join(c for c in typed.upper() if c.isalnum()).translate(_READ_AS)
    if len(folded) == 8:
        for point in db.session.scalars(select(ServicePoint)):  # a province has hundreds of points, typed rarely
            if short_code(point) == folded:
                return point
    return point_by_public_key(typed.strip())
