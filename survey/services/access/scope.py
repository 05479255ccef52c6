"""What a caller may do and see: roles → actions, and the units/agencies under their home scope.

Every service that reads or writes scoped data takes a `Scope` and calls `require(scope, action)` and
`check_unit` / `check_service_point` / … (or filters with `scope_filter`), so each route, API endpoint,
export and PDF obeys the same rules.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, false, select, true

from survey.errors import Forbidden, NotFound
from survey.extensions import db
from survey.models import Agency, Device, ServicePoint, Unit, User
from survey.services.organisation.units import descendant_ids

STAFF_ROLES = ("homeaffairs", "manager", "clerk", "viewer")
# Roles that see their province's small cells: suppression protects respondents from everyone else.
UNSUPPRESSED_ROLES = ("operator", "homeaffairs")


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

    @property
    def suppresses_small_cells(self) -> bool:
        """Whether cells below the minimum n must be hidden from this caller (everyone below Home Affairs)."""
        return self.role not in UNSUPPRESSED_ROLES

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

# action → roles allowed (the operator, i.e. the CLI, may do everything). Objects are checked separately.
ACTIONS: dict[str, frozenset[str]] = {
    name: frozenset(roles) for name, roles in {
        # Province administration: Home Affairs only.
        "units.manage": ("homeaffairs",),
        "agencies.manage": ("homeaffairs",),
        "service_points.manage": ("homeaffairs",),
        "devices.manage": ("homeaffairs",),
        "instruments.manage": ("homeaffairs",),
        "accounts.manage": ("homeaffairs",),
        "tokens.manage": ("homeaffairs",),
        "audit.read": ("homeaffairs",),
        "results.publish": ("homeaffairs",),
        "contacts.delete": ("homeaffairs",),
        "weights.manage": ("homeaffairs",),
        "campaigns.manage": ("homeaffairs",),  # sample-survey frame, campaigns, draws and outcomes
        "alerts.manage": ("homeaffairs",),  # alert rules per unit or province
        "quality.manage": ("homeaffairs",),  # quality thresholds, opening hours, the scan and the review
        "targets.manage": ("homeaffairs",),  # targets per unit and year
        # A backup of the whole database from the browser, when it holds nothing outside their units (jobs).
        "backup.run": ("homeaffairs",),
        # Running a unit.
        "devices.settings": ("homeaffairs", "manager"),
        "comments.moderate": ("homeaffairs", "manager"),
        "contacts.read": ("homeaffairs", "manager"),
        "results.export": ("homeaffairs", "manager"),
        "reports.subscribe": ("homeaffairs", "manager"),  # scheduled PDF summaries by e-mail
        "alerts.acknowledge": ("homeaffairs", "manager"),
        # Reading results of one's own units (screens, API, PDFs).
        "results.read": ("homeaffairs", "manager", "viewer"),
        "reports.download": ("homeaffairs", "manager", "viewer"),
        "comments.read": ("homeaffairs", "manager", "viewer"),
        "alerts.read": ("homeaffairs", "manager", "viewer"),
        # Data entry of paper questionnaires and CSV imports.
        "responses.enter": ("homeaffairs", "manager", "clerk"),
        # Reference lists every staff member needs to pick units and service points.
        "directory.read": STAFF_ROLES,
        "instruments.read": STAFF_ROLES,
        # Following one's own long jobs (progress, result): a clerk's large paper import runs as one.
        "jobs.read": STAFF_ROLES,
        # A kiosk device token submits, nothing else.
        "responses.submit": ("device",),
    }.items()
}


def can(scope: Scope, action: str) -> bool:
    """Whether the caller's role allows this action (unknown actions are a programming error)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; add it to survey.services.access.scope.ACTIONS")
    return scope.role == "operator" or scope.role in ACTIONS[action]


def require(scope: Scope, action: str) -> None:
    """Raise Forbidden unless the caller's role allows this action."""
    if not can(scope, action):
        raise Forbidden("forbidden", f"Your role ({scope.role}) may not do this ({action})", action=action)


def scope_for(user: User) -> Scope:
    """The scope of a user: their unit and everything under it, or their agency and its child agencies."""
    unit_ids = frozenset(descendant_ids(user.unit)) if user.unit is not None else None
    if unit_ids is not None:  # pre-July-2025 units lying wholly inside: their data and pages are the caller's too
        from survey.services.organisation.legacy_reach import legacy_within

        unit_ids |= legacy_within(unit_ids)
    agency_ids = frozenset(_agency_descendants(user.agency_id)) if user.agency_id is not None else None
    return Scope(role=user.role, unit_ids=unit_ids, agency_ids=agency_ids)


def scope_filter(scope: Scope, unit_column, agency_column=None) -> ColumnElement[bool]:
    """A WHERE clause keeping rows visible to the caller, e.g. `scope_filter(s, Response.unit_id, Response.agency_id)`.

    An agency-scoped caller with no agency column sees nothing, never everything (fail closed).
    """
    clauses = []
    if scope.unit_ids is not None:
        clauses.append(unit_column.in_(sorted(scope.unit_ids)))
    if scope.agency_ids is not None:
        clauses.append(agency_column.in_(sorted(scope.agency_ids)) if agency_column is not None else false())
    return and_(true(), *clauses)


def visible_service_points(scope: Scope) -> Select:
    """SELECT of the service points the caller may see (add order_by / filters as needed)."""
    return select(ServicePoint).where(scope_filter(scope, ServicePoint.unit_id, ServicePoint.agency_id))


def visible_agencies(scope: Scope) -> Select:
    """SELECT of the agencies the caller may see: in their units, or their agency and those below it."""
    return select(Agency).where(scope_filter(scope, Agency.unit_id, Agency.id))


def visible_units(scope: Scope) -> Select:
    """SELECT of the units the caller may see (for an agency-scoped caller: the units of their agencies)."""
    stmt = select(Unit)
    if scope.unit_ids is not None:
        stmt = stmt.where(Unit.id.in_(sorted(scope.unit_ids)))
    if scope.agency_ids is not None:
        stmt = stmt.where(Unit.id.in_(select(Agency.unit_id).where(Agency.id.in_(sorted(scope.agency_ids)))))
    return stmt


def visible_users(scope: Scope) -> Select:
    """SELECT of the accounts whose home unit and agency both lie in the scope (agency callers: agency accounts)."""
    agency_ok = User.agency_id.is_(None) | User.agency_id.in_(visible_agencies(scope).with_only_columns(Agency.id))
    unit_ok = User.unit_id.is_(None) | scope_filter(scope, User.unit_id)
    if scope.agency_ids is not None:
        unit_ok = User.unit_id.is_(None)
    return select(User).where(agency_ok, unit_ok)


def visible_devices(scope: Scope) -> Select:
    """SELECT of the kiosks at the caller's service points."""
    return select(Device).where(Device.service_point_id.in_(
        visible_service_points(scope).with_only_columns(ServicePoint.id)))


def check_unit(scope: Scope, unit: Unit | None, code: str = "") -> Unit:
    """The unit if the caller may see it; NotFound otherwise (outside the scope looks the same as unknown)."""
    if unit is None or not _sees_unit(scope, unit.id):
        shown = code or (unit.code if unit is not None else "")
        raise NotFound("unknown_unit", f"Unknown unit code {shown}", unit=shown)
    return unit


def check_agency(scope: Scope, agency: Agency | None, code: str = "") -> Agency:
    """The agency if it lies in the caller's scope; NotFound otherwise."""
    if agency is None or not scope.sees(agency.unit_id, agency.id):
        shown = code or (agency.code if agency is not None else "")
        raise NotFound("unknown_agency", f"Unknown agency {shown}", agency=shown)
    return agency


def check_service_point(scope: Scope, point: ServicePoint | None, code: str = "") -> ServicePoint:
    """The service point if it lies in the caller's scope; NotFound otherwise."""
    if point is None or not scope.sees(point.unit_id, point.agency_id):
        shown = code or (point.code if point is not None else "")
        raise NotFound("unknown_service_point", f"Unknown service point {shown}", service_point=shown)
    return point


def check_device(scope: Scope, device: Device | None, device_id: int | None = None) -> Device:
    """The device if its service point lies in the caller's scope; NotFound otherwise."""
    if device is None or not scope.sees(device.service_point.unit_id, device.service_point.agency_id):
        shown = device_id if device_id is not None else (device.id if device is not None else None)
        raise NotFound("unknown_device", f"Unknown device {shown}", device=shown)
    return device


def check_user(scope: Scope, user: User | None, user_id: int | None = None) -> User:
    """A staff account the caller may manage: its home unit or agency lies inside the caller's scope."""
    visible = user is not None and (user.unit_id is None or _sees_unit(scope, user.unit_id)) and (
        user.agency is None or scope.sees(user.agency.unit_id, user.agency.id))
    if not visible:
        shown = user_id if user_id is not None else (user.id if user is not None else None)
        raise NotFound("unknown_user", f"Unknown user {shown}", user=shown)
    return user


def _sees_unit(scope: Scope, unit_id: int) -> bool:
    """Unit visibility; an agency-scoped caller sees only the units where their agencies sit."""
    if not scope.sees_unit(unit_id):
        return False
    if scope.agency_ids is None:
        return True
    return db.session.scalar(select(Agency.id).where(Agency.unit_id == unit_id,
                                                     Agency.id.in_(sorted(scope.agency_ids))).limit(1)) is not None


def _agency_descendants(agency_id: int) -> set[int]:
    """The agency and every agency below it."""
    ids, frontier = {agency_id}, {agency_id}
    while frontier:
        frontier = set(db.session.scalars(select(Agency.id).where(Agency.parent_id.in_(frontier)))) - ids
        ids |= frontier
    return ids
