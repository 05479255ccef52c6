"""GET /api/v1/units and /api/v1/service-points, scoped to the caller."""
from __future__ import annotations

from flask import g, jsonify, request

from survey.api import bp
from survey.api import schemas
from survey.api.auth import staff_required
from survey.api.declare import Operation, declared
from survey.errors import Invalid
from survey.models.units import LEVELS
from survey.services.organisation.places import directory_points
from survey.services.organisation.units import search_units


@bp.get("/units")
@staff_required
@declared(Operation("Geographic units", "listUnits", {200: schemas.Units, 404: None}, params=schemas.UnitsQuery))
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
@declared(Operation("Service points visible to the caller", "listServicePoints",
                     {200: schemas.ServicePoints, 404: None}, params=schemas.ServicePointsQuery))
def list_service_points():
    """Service points visible to the caller, optionally within a province."""
    points = directory_points(g.scope, request.args.get("province") or None)
    return jsonify({"service_points": [
        {"code": p.code, "name": p.name, "kind": p.kind, "agency": p.agency.code, "agency_name": p.agency.name,
         "unit_code": p.unit.code, "unit_name": p.unit.name} for p in points]})
