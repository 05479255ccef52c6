"""Agencies and service points: create one, or many from a CSV, all or nothing."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import select

from survey.csvfile import read_rows
from survey.database import open_transaction
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import Agency, ServicePoint
from survey.models.agencies import AGENCY_KINDS
from survey.services.organisation.units import find_unit, province_of
from survey.text import fold, nfc

# Electronic identifier of an agency: four dot-separated groups, e.g. 000.21.22.H49 (Decision 20/2020).
AGENCY_CODE = re.compile(r"^[0-9A-Z]{2,3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$")
POINT_KINDS = ("centre", "counter", "desk", "online")  # the service_points.kind check constraint
POINT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")  # never a leading = + - @ (exports)


def get_agency(code: str) -> Agency:
    """The agency with this electronic identifier, or NotFound."""
    agency = db.session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise NotFound("unknown_agency", f"Unknown agency {code}", agency=code)
    return agency


def get_service_point(code: str) -> ServicePoint:
    """The service point with this code, or NotFound."""
    point = db.session.scalar(select(ServicePoint).where(ServicePoint.code == code))
    if point is None:
        raise NotFound("unknown_service_point", f"Unknown service point {code}", service_point=code)
    return point


def add_agency(code: str, name: str, unit: str, parent: str | None = None, kind: str = "department") -> Agency:
    """Create an agency under a unit (and optionally a parent agency)."""
    code, name = (nfc(code) or "").upper(), nfc(name) or ""
    errors = []
    if not AGENCY_CODE.match(code):
        errors.append({"field": "code", "code": "bad_format",
                       "message": f"agency code {code!r} must look like 000.21.22.H49"})
    if not name:
        errors.append({"field": "name", "code": "required", "message": "name is required"})
    if kind not in AGENCY_KINDS:
        errors.append({"field": "kind", "code": "unknown", "message": f"kind must be one of {', '.join(AGENCY_KINDS)}"})
    if errors:
        raise Invalid(errors)
    if db.session.scalar(select(Agency.id).where(Agency.code == code)):
        raise Conflict("duplicate_agency", f"Agency {code} already exists", agency=code)
    home, above = find_unit(unit), get_agency(parent) if parent else None
    if above is not None and province_of(above.unit).code != province_of(home).code:
        raise Invalid([{"field": "parent", "code": "other_province",
                        "message": f"parent agency {above.code} is not in the province of unit {home.code}"}])
    agency = Agency(code=code, name=name, search_name=fold(name), kind=kind, unit=home, parent=above)
    db.session.add(agency)
    db.session.flush()
    return agency


def add_service_point(code: str, name: str, agency: str, unit: str, kind: str = "centre") -> ServicePoint:
    """Create a service point (centre or counter) of an agency in a unit."""
    code, name = nfc(code) or "", nfc(name) or ""
    if not POINT_CODE.match(code):
        raise Invalid([{"field": "code", "code": "bad_format",
                        "message": "service point code: 2–40 letters, digits, '.', '_' or '-', "
                                   "starting with a letter or digit"}])
    if not name:
        raise Invalid([{"field": "name", "code": "required", "message": "name is required"}])
    if kind not in POINT_KINDS:
        raise Invalid([{"field": "kind", "code": "unknown",
                        "message": f"kind must be one of {', '.join(POINT_KINDS)}"}])
    if db.session.scalar(select(ServicePoint.id).where(ServicePoint.code == code)):
        raise Conflict("duplicate_service_point", f"Service point {code} already exists", service_point=code)
    owner, place = get_agency(agency), find_unit(unit)
    if province_of(owner.unit).code != province_of(place).code:
        # Its responses count for the point's unit and the agency: both must be of one province (compared by code:
        # a legacy, pre-2025 commune lies under the legacy row of the same province).
        raise Invalid([{"field": "agency", "code": "other_province",
                        "message": f"agency {owner.code} is not in the province of unit {place.code}"}])
    point = ServicePoint(code=code, name=name, search_name=fold(name), kind=kind, agency=owner, unit=place,
                         public_key=secrets.token_urlsafe(12))
    db.session.add(point)
    db.session.flush()
    return point


def import_csv(text: str, kind: str) -> int:
    """Create agencies (kind="agencies") or service points from CSV rows; any bad row imports nothing."""
    required = ("code", "name", "unit") if kind == "agencies" else ("code", "name", "agency", "unit")
    _header, rows = read_rows(text, required)
    errors, count = [], 0
    open_transaction()
    for line, row in rows:
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        try:
            with db.session.begin_nested():
                if kind == "agencies":
                    add_agency(row.get("code", ""), row.get("name", ""), row.get("unit", ""),
                               row.get("parent") or None, row.get("kind") or "department")
                else:
                    add_service_point(row.get("code", ""), row.get("name", ""), row.get("agency", ""),
                                      row.get("unit", ""), row.get("kind") or "centre")
            count += 1
        except Invalid as exc:
            errors += [{**e, "line": line, "message": f"line {line}: {e['message']}"} for e in exc.errors]
        except (Conflict, NotFound) as exc:
            errors.append({"line": line, "field": exc.code, "code": exc.code, "message": f"line {line}: {exc.message}"})
    if errors:
        raise Invalid(errors, f"{len(errors)} problem(s); nothing was imported")
    return count
