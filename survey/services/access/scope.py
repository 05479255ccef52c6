"""What a caller may do and see: roles → actions, and the units/agencies under their home scope.

Every service that reads or writes scoped data takes a `Scope` and calls `require(scope, action)` and
`check_unit` / `check_service_point` / … (or filters with `scope_filter`), so each route, API endpoint,
export and PDF obeys the same rules.

The `ministry` role reaches every province (no unit or agency restriction, like the operator) but holds only the
read actions below, so every write it attempts is refused by `require` whatever object it names.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, false, select, true

from survey.errors import Forbidden, NotFound
from survey.extensions import db
from survey.models import Agency, Device, ServicePoint, Unit, User
from survey.models.accounts import NATIONAL_ROLES
from survey.services.organisation.units import ancestor_ids, descendant_ids

STAFF_ROLES = ("homeaffairs", "manager", "clerk", "viewer")
# Reads of results in every province, nothing else: no writes, no personal data (contacts), no audit log.
READERS = ("homeaffairs", "manager", "viewer", "ministry")
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
        """True for the unscoped CLI/operator view (not the ministry: it reaches as far, but may only read)."""
        return self.role == "operator" and self.national

    @property
    def national(self) -> bool:
        """True when no unit or agency restricts what the caller sees: the operator and the ministry."""
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
        "results.export": ("homeaffairs", "manager", "ministry"),
        "reports.subscribe": ("homeaffairs", "manager"),  # scheduled PDF summaries by e-mail
        "alerts.acknowledge": ("homeaffairs", "manager"),
        # Reading results of one's own units (screens, API, PDFs); the ministry's units are every province.
        "results.read": READERS,
        "reports.download": READERS,
        "comments.read": READERS,
        "alerts.read": READERS,
        # Data entry of paper questionnaires and CSV imports.
        "responses.enter": ("homeaffairs", "manager", "clerk"),
        # Reference lists every staff member needs to pick units and service points.
        "directory.read": STAFF_ROLES + NATIONAL_ROLES,
        "instruments.read": STAFF_ROLES + NATIONAL_ROLES,
        # Following one's own long jobs (progress, result): a clerk's large paper import runs as one.
        "jobs.read": STAFF_ROLES + NATIONAL_ROLES,
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
    """The scope of a user: their unit and everything under it, or their agency and its child agencies; a national
    role (the ministry) every unit. An account of a province role with neither home sees nothing (fail closed: the
    database refuses one anyway)."""
    if user.role in NATIONAL_ROLES:
        return Scope(role=user.role, unit_ids=None, agency_ids=None)
    if user.unit is None and user.agency_id is None:
        return Scope(role=user.role, unit_ids=frozenset(), agency_ids=None)
    unit_ids = frozenset(descendant_ids(user.unit)) if user.unit is not None else None
    if unit_ids is not None:  # pre-July-2025 units lying wholly inside: their data and pages are the caller's too
        from survey.services.organisation.legacy_reach import legacy_within

        unit_ids |= legacy_within(unit_ids)
    agency_ids = frozenset(_agency_descendants(user.agency_id)) if user.agency_id is not None else None
    return Scope(role=user.role, unit_ids=unit_ids, agency_ids=agency_ids)


def within(scope: Scope, province: Unit) -> Scope:
    """A national caller's scope narrowed to one province as its Home Affairs sees it (today's units and the legacy
    ones lying inside): the ministry reading one province's pages sees that province's alerts, districts and
    places only. Any other scope is returned as it is (its own reach already bounds it)."""
    if not scope.national:
        return scope
    from survey.services.organisation.legacy_reach import legacy_within

    unit_ids = frozenset(descendant_ids(province))
    return Scope(role=scope.role, unit_ids=unit_ids | legacy_within(unit_ids), agency_ids=None)


def home_province_ids(scope: Scope) -> frozenset[int] | None:
    """Ids of the provinces the caller works in, with every unit above the caller's own (None: the operator,
    everywhere). A commune's staff work in their province even though its own unit is not in their scope; an
    agency's staff work in the province of their agencies. What a province made for itself (instruments) is
    read and used by everyone working in it, and by nobody else."""
    if scope.is_operator or scope.national:
        return None
    units = scope.unit_ids if scope.unit_ids is not None else frozenset(db.session.scalars(
        select(Agency.unit_id).where(Agency.id.in_(sorted(scope.agency_ids or ())))))
    return frozenset(ancestor_ids(units)) if units else frozenset()


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
    """SELECT of the accounts whose home unit and agency both lie in the scope (agency callers: agency accounts);
    national accounts (no home at all) only for the operator, never for a province."""
    agency_ok = User.agency_id.is_(None) | User.agency_id.in_(visible_agencies(scope).with_only_columns(Agency.id))
    unit_ok = User.unit_id.is_(None) | scope_filter(scope, User.unit_id)
    if scope.agency_ids is not None:
        unit_ok = User.unit_id.is_(None)
    national_ok = true() if scope.is_operator else User.role.not_in(NATIONAL_ROLES)
    return select(User).where(agency_ok, unit_ok, national_ok)


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
    """A staff account the caller may manage: its home unit or agency lies inside the caller's scope (a national
    account: the operator only)."""
    visible = user is not None and (user.unit_id is None or _sees_unit(scope, user.unit_id)) and (
        user.agency is None or scope.sees(user.agency.unit_id, user.agency.id)) and (
        user.role not in NATIONAL_ROLES or scope.is_operator)
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
