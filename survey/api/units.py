"""GET /api/v1/units and /api/v1/service-points, scoped to the caller."""
from __future__ import annotations

from flask import g, jsonify, request
from sqlalchemy import select

from survey.api import bp
from survey.api.auth import staff_required
from survey.errors import Invalid
from survey.extensions import db
from survey.models import ServicePoint
from survey.models.units import LEVELS
from survey.services.organisation.units import descendant_ids, get_unit, search_units


@bp.get("/units")
@staff_required
def list_units():
    """Units of a province and/or level, optionally matching `q` (accent-insensitive)."""
    level = request.args.get("level") or None
    if level and level not in LEVELS:
        raise Invalid([{"field": "level", "code": "unknown", "message": f"level must be one of {', '.join(LEVELS)}"}])
    vintage = request.args.get("vintage", "2025")
    units = search_units(request.args.get("q", ""), request.args.get("province") or None, level, vintage,
                         unit_ids=g.scope.unit_ids)
    return jsonify({"units": [
        {"code": u.code, "name": u.name, "level": u.level, "division_type": u.division_type, "vintage": u.vintage,
         "parent_code": u.parent.code if u.parent else None,
         "valid_from": u.valid_from.isoformat() if u.valid_from else None,
         "valid_to": u.valid_to.isoformat() if u.valid_to else None} for u in units]})


@bp.get("/service-points")
@staff_required
def list_service_points():
    """Service points visible to the caller, optionally within a province."""
    stmt = select(ServicePoint).order_by(ServicePoint.code)
    if request.args.get("province"):
        stmt = stmt.where(ServicePoint.unit_id.in_(descendant_ids(get_unit(request.args["province"]))))
    points = [p for p in db.session.scalars(stmt) if g.scope.sees(p.unit_id, p.agency_id)]
    return jsonify({"service_points": [
        {"code": p.code, "name": p.name, "kind": p.kind, "agency": p.agency.code, "agency_name": p.agency.name,
         "unit_code": p.unit.code, "unit_name": p.unit.name} for p in points]})
