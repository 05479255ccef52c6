"""Changing agencies and service points: rename, re-kind, re-parent, deactivate and reactivate; every change audited.

Nothing is deleted: responses, accounts and kiosks point at these rows. A deactivated service point refuses new
kiosk and online submissions (services/responses); a deactivated agency takes its active points with it.
"""
from __future__ import annotations

from sqlalchemy import select

from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import Agency, ServicePoint
from survey.models.agencies import AGENCY_KINDS
from survey.services.access import audit
from survey.services.access.scope import Scope, check_agency, check_service_point, require
from survey.services.organisation.agencies import POINT_KINDS, get_agency, get_service_point
from survey.services.organisation.units import province_of
from survey.text import fold, nfc


def get_scoped_agency(scope: Scope, code: str) -> Agency:
    """One agency of the caller's scope, or NotFound."""
    require(scope, "agencies.manage")
    return check_agency(scope, _or_none(get_agency, code), code)


def get_scoped_point(scope: Scope, code: str) -> ServicePoint:
    """One service point of the caller's scope, or NotFound."""
    require(scope, "service_points.manage")
    return check_service_point(scope, _or_none(get_service_point, code), code)


def update_agency(scope: Scope, actor: str, code: str, name: str, kind: str, parent: str | None = None) -> Agency:
    """Rename an agency, change its kind or its parent (an agency of the scope, never itself or one below it)."""
    agency = get_scoped_agency(scope, code)
    name = nfc(name) or ""
    errors = _name_kind_errors(name, kind, AGENCY_KINDS)
    above = None
    if parent:
        above = check_agency(scope, _or_none(get_agency, parent.strip().upper()), parent)
        if _below(above, agency):
            errors.append({"field": "parent", "code": "cycle",
                           "message": f"agency {above.code} is {agency.code} itself or one of its sub-agencies"})
        elif province_of(above.unit).id != province_of(agency.unit).id:
            errors.append({"field": "parent", "code": "other_province",
                           "message": f"parent agency {above.code} is not in the province of {agency.code}"})
    if errors:
        raise Invalid(errors)
    changes = _changes(agency, name=name, kind=kind, parent_id=above.id if above else None)
    agency.name, agency.search_name, agency.kind, agency.parent = name, fold(name), kind, above
    db.session.flush()
    if changes:
        audit.record(actor, "agency.update", agency.code, **changes)
    return agency


def update_service_point(scope: Scope, actor: str, code: str, name: str, kind: str) -> ServicePoint:
    """Rename a service point or change its kind (its code, agency and unit stay: they key its responses)."""
    point = get_scoped_point(scope, code)
    name = nfc(name) or ""
    errors = _name_kind_errors(name, kind, POINT_KINDS)
    if errors:
        raise Invalid(errors)
    changes = _changes(point, name=name, kind=kind)
    point.name, point.search_name, point.kind = name, fold(name), kind
    db.session.flush()
    if changes:
        audit.record(actor, "service_point.update", point.code, **changes)
    return point


def set_agency_active(scope: Scope, actor: str, code: str, active: bool) -> tuple[Agency, int]:
    """Deactivate (with its active service points) or reactivate an agency; returns (agency, points changed)."""
    agency = get_scoped_agency(scope, code)
    agency.active = active
    points = []
    if not active:  # reactivating leaves its points as they are: each is reopened on purpose
        points = list(db.session.scalars(select(ServicePoint).where(ServicePoint.agency_id == agency.id,
                                                                    ServicePoint.active.is_(True))))
        for point in points:
            point.active = False
    db.session.flush()
    audit.record(actor, "agency.activate" if active else "agency.deactivate", agency.code,
                 service_points=len(points))
    return agency, len(points)


def set_point_active(scope: Scope, actor: str, code: str, active: bool) -> ServicePoint:
    """Deactivate a service point (new kiosk and online submissions are refused) or reactivate it."""
    point = get_scoped_point(scope, code)
    point.active = active
    db.session.flush()
    audit.record(actor, "service_point.activate" if active else "service_point.deactivate", point.code)
    return point


def _name_kind_errors(name: str, kind: str, kinds) -> list[dict]:
    errors = []
    if not name:
        errors.append({"field": "name", "code": "required", "message": "name is required"})
    elif len(name) > 300:
        errors.append({"field": "name", "code": "too_long", "message": "name: at most 300 characters"})
    if kind not in kinds:
        errors.append({"field": "kind", "code": "unknown", "message": f"kind must be one of {', '.join(kinds)}"})
    return errors


def _changes(row, **new) -> dict:
    """{field: "old → new"} of the fields that change, for the audit log."""
    return {key: f"{getattr(row, key)} → {value}" for key, value in new.items() if getattr(row, key) != value}


def _below(candidate: Agency, agency: Agency) -> bool:
    """Whether `candidate` is `agency` or lies under it (a parent there would make a cycle)."""
    seen = set()
    while candidate is not None and candidate.id not in seen:
        if candidate.id == agency.id:
            return True
        seen.add(candidate.id)
        candidate = candidate.parent
    return False


def _or_none(getter, code: str):
    try:
        return getter(code)
    except NotFound:
        return None
