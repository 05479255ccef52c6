"""Who or what a report is about: a unit, agency or service point resolved within the caller's scope, the
province it lies in, and how documents name them."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from survey.errors import Forbidden, NotFound
from survey.extensions import db
from survey.models import Agency, Instrument, InstrumentVersion, Response, ServicePoint, Unit
from survey.services.organisation.agencies import get_agency, get_service_point
from survey.services.indices.periods import Period
from survey.services.reports.figures import Slice
from survey.services.access.scope import (Scope, check_agency, check_service_point, check_unit, visible_agencies,
                                         visible_service_points, visible_units)
from survey.models.units import LEGACY_VINTAGE
from survey.services.organisation.legacy_reach import successor_province
from survey.services.organisation.units import descendant_ids, find_unit, province_of

DEFAULT_INSTRUMENT = "SIPAS-1001"


@dataclass(frozen=True)
class Target:
    """What a unit summary is about: its level, code, name and database id, and the province it lies in."""

    level: str
    code: str
    name: str
    id: int
    province: Unit
    narrow: Scope  # this target's responses, within what the caller may see
    service_point_id: int | None = None
    own_units: frozenset[int] | None = None  # a legacy district's own units (its figures come from a wider table)

    @property
    def part_filters(self) -> dict:
        """Slice fields selecting the target's responses."""
        return {"unit_ids": self.own_units if self.own_units is not None else self.narrow.unit_ids,
                "agency_ids": self.narrow.agency_ids, "service_point_id": self.service_point_id}


def _meet(a: frozenset[int] | None, b: frozenset[int] | None) -> frozenset[int] | None:
    """Intersection where None means unrestricted."""
    return b if a is None else a if b is None else a & b


def _narrow(scope: Scope, unit_ids: frozenset[int] | None, agency_ids: frozenset[int] | None) -> Scope:
    """The target's own units/agencies, never beyond the caller's: an agency's staff see only their agency's
    responses even in a commune they may open."""
    return Scope("operator", _meet(unit_ids, scope.unit_ids), _meet(agency_ids, scope.agency_ids))


def resolve_target(scope: Scope, code: str) -> Target:
    """A unit (province, commune, legacy district), an agency or a service point by code, if the caller sees it."""
    try:
        unit = check_unit(scope, find_unit(code), code)
    except NotFound:  # not a visible unit: agencies and service points have codes of their own
        unit = None
    if unit is not None and unit.vintage == LEGACY_VINTAGE:
        # A pre-July-2025 unit: its row of today's province's table broken down by legacy district (as it was).
        home = successor_province(unit)
        if home is None:
            raise NotFound("unknown_report_unit", f"Legacy unit {code} has no successor", unit=code)
        return Target(unit.level, unit.code, unit.name, unit.id, home, _narrow(scope, None, None),
                      own_units=frozenset(descendant_ids(unit)))
    if unit is not None:
        return Target(unit.level, unit.code, formal_name(unit), unit.id, province_of(unit),
                      _narrow(scope, frozenset(descendant_ids(unit)), None))
    try:
        agency = check_agency(scope, get_agency(code), code)
        return Target("agency", agency.code, agency.name, agency.id, province_of(agency.unit),
                      _narrow(scope, None, frozenset({agency.id})))
    except NotFound:
        pass
    try:
        point = check_service_point(scope, get_service_point(code), code)
    except NotFound:
        raise NotFound("unknown_report_unit", f"No unit, agency or service point {code} in your scope",
                       unit=code) from None
    return Target("service_point", point.code, point.name, point.id, province_of(point.unit),
                  _narrow(scope, frozenset({point.unit_id}), frozenset({point.agency_id})), point.id)


def default_instrument(target: Target, period: Period) -> str:
    """The instrument this target's people answered most in the period (SIPAS-1001 when none)."""
    part = Slice(None, period, **target.part_filters)
    stmt = (select(Instrument.code, func.count()).select_from(Response)
            .join(InstrumentVersion, InstrumentVersion.id == Response.instrument_version_id)
            .join(Instrument, Instrument.id == InstrumentVersion.instrument_id)
            .where(part.where()).group_by(Instrument.code).order_by(func.count().desc()).limit(1))
    row = db.session.execute(stmt).first()
    return row[0] if row else DEFAULT_INSTRUMENT


def formal_name(unit: Unit) -> str:
    """A province's name as documents write it: "Tỉnh Quảng Ninh" (the unit list says just "Quảng Ninh")."""
    if unit.level == "province" and unit.division_type == "tỉnh" and not unit.name.lower().startswith("tỉnh"):
        return f"Tỉnh {unit.name}"
    return unit.name


def issuer_of(province: Unit) -> str:
    """The issuing body printed top left: the province's People's Committee, then its Department of Home Affairs."""
    return f"UBND {formal_name(province)}\nSở Nội vụ"


def check_province(scope: Scope, code: str) -> Unit:
    """The province if the caller's scope covers all of it (Home Affairs of that province, or the operator)."""
    province = check_unit(scope, find_unit(code), code)
    if province.level != "province":
        raise Forbidden("not_a_province", f"{code} is not a province", unit=code)
    if scope.agency_ids is not None or (scope.unit_ids is not None and province.id not in scope.unit_ids):
        raise Forbidden("out_of_scope", f"Province {code} is outside your units", province=code)
    return province


@dataclass(frozen=True)
class ReportChoices:
    """What the caller may ask a report of: communes (and their province), agencies, service points, provinces."""

    units: list[Unit]
    agencies: list[Agency]
    points: list[ServicePoint]
    provinces: list[Unit]


def report_choices(scope: Scope) -> ReportChoices:
    """The places of the caller's scope offered on the reports page, by code; the provincial report is offered for
    a whole province the caller sees (by unit, not through an agency)."""
    units = list(db.session.scalars(visible_units(scope).where(Unit.level.in_(("province", "commune")),
                                                               Unit.vintage == "2025").order_by(Unit.code)))
    agencies = list(db.session.scalars(visible_agencies(scope).order_by(Agency.code)))
    points = list(db.session.scalars(visible_service_points(scope).order_by(ServicePoint.code)))
    provinces = [u for u in units if u.level == "province" and scope.agency_ids is None and
                 (scope.unit_ids is None or u.id in scope.unit_ids)]
    if not provinces and units and scope.unit_ids is None and scope.agency_ids is None:
        provinces = [province_of(units[0])]
    return ReportChoices(units, agencies, points, provinces)
