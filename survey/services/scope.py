"""What a staff member may see: the units and agencies under their home scope, enforced in services."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from survey.extensions import db
from survey.models import Agency, User
from survey.services.units import descendant_ids


@dataclass(frozen=True)
class Scope:
    """unit_ids / agency_ids: the visible sets; None means unrestricted on that axis."""

    role: str
    unit_ids: frozenset[int] | None
    agency_ids: frozenset[int] | None

    @property
    def is_operator(self) -> bool:
        """True for the unscoped CLI/operator view."""
        return self.unit_ids is None and self.agency_ids is None

    def sees_unit(self, unit_id: int) -> bool:
        """Whether data of this unit is visible."""
        return self.unit_ids is None or unit_id in self.unit_ids

    def sees_agency(self, agency_id: int) -> bool:
        """Whether data of this agency is visible."""
        return self.agency_ids is None or agency_id in self.agency_ids

    def sees(self, unit_id: int, agency_id: int) -> bool:
        """Whether a response (or service point) at this unit and agency is visible."""
        return self.sees_unit(unit_id) and self.sees_agency(agency_id)


OPERATOR = Scope(role="operator", unit_ids=None, agency_ids=None)


def scope_for(user: User) -> Scope:
    """The scope of a user: their unit and everything under it, or their agency and its child agencies."""
    unit_ids = frozenset(descendant_ids(user.unit)) if user.unit is not None else None
    agency_ids = frozenset(_agency_descendants(user.agency_id)) if user.agency_id is not None else None
    return Scope(role=user.role, unit_ids=unit_ids, agency_ids=agency_ids)


def _agency_descendants(agency_id: int) -> set[int]:
    """The agency and every agency below it."""
    ids, frontier = {agency_id}, {agency_id}
    while frontier:
        frontier = set(db.session.scalars(select(Agency.id).where(Agency.parent_id.in_(frontier)))) - ids
        ids |= frontier
    return ids
