"""The agency a submission names, checked against its service point's province in the one lookup it costs.

A response names a service point and may name the agency whose procedure was served. That agency must lie in the
service point's province (and, for staff, in their scope): a kiosk of province 22 cannot put its ratings into Hà
Nội's figures. The agency was always read by code when named; the same single statement now also answers whether
it is in the point's province, so no query is added per response (SPEC P1), and nothing is remembered that a
restore or a test's wipe could make stale.
"""
from __future__ import annotations

from dataclasses import dataclass

from survey.services.storage.sql import fetch_one

# Units lie at most two levels below their province (legacy commune → district → province).
_AGENCY = ("SELECT a.id, a.unit_id, COALESCE(pu.parent_id, u.parent_id, u.id) = "
           "(SELECT COALESCE(qp.parent_id, q.parent_id, q.id) FROM units q "
           "LEFT JOIN units qp ON qp.id = q.parent_id WHERE q.id = :point_unit) "
           "FROM agencies a JOIN units u ON u.id = a.unit_id LEFT JOIN units pu ON pu.id = u.parent_id "
           "WHERE a.code = :code")


@dataclass(frozen=True)
class NamedAgency:
    """An agency named by a submission: its id, its unit, and whether it lies in the service point's province."""

    id: int
    unit_id: int
    same_province: bool


def named_agency(code: str, point_unit_id: int) -> NamedAgency | None:
    """The agency with this electronic identifier as seen from a service point in `point_unit_id`; None if unknown."""
    row = fetch_one(_AGENCY, {"code": code, "point_unit": point_unit_id})
    return None if row is None else NamedAgency(row[0], row[1], bool(row[2]))
