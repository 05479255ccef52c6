"""Searching and paging the province's agencies, service points, kiosks and accounts (screens and CLI alike).

Search is accent-insensitive: the query is folded like the stored `search_name` ("Ha Long" finds "Hạ Long"),
and codes match case-insensitively. Accounts have no folded column; a province has a few hundred, so they are
folded here after the scoped query.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from sqlalchemy import Select, func, or_, select

from survey.errors import NotFound
from survey.extensions import db
from survey.models import Agency, Device, ServicePoint, User
from survey.services.access.scope import (Scope, require, visible_agencies, visible_devices, visible_service_points,
                                          visible_users)
from survey.services.organisation.units import descendant_ids, find_unit
from survey.text import fold

PAGE_SIZE = 50
STATES = ("active", "inactive", "all")


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, how many match in all, its number (from 1) and the page size."""

    rows: list[Any]
    total: int
    number: int = 1
    size: int = PAGE_SIZE
    query: str = ""

    @property
    def pages(self) -> int:
        """How many pages the matches fill (at least one, so an empty list reads "page 1 of 1")."""
        return max(1, ceil(self.total / self.size)) if self.size else 1

    @property
    def first(self) -> int:
        """The 1-based position of the page's first row (0 when empty)."""
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        """The 1-based position of the page's last row."""
        return (self.number - 1) * self.size + len(self.rows)


def _page(stmt: Select, number: int, size: int | None, query: str) -> Page:
    """Count the matches and read one page of them (size None: every row)."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    if size is None:
        return Page(list(db.session.scalars(stmt)), total, 1, max(total, 1), query)
    number = min(max(number, 1), max(1, ceil(total / size)))
    rows = list(db.session.scalars(stmt.limit(size).offset((number - 1) * size)))
    return Page(rows, total, number, size, query)


def _matches(query: str, folded_column, *code_columns):
    """WHERE clause: the folded name contains the folded query, or a code contains it (any case)."""
    folded = fold(query)
    clauses = [folded_column.contains(folded, autoescape=True)]
    clauses += [func.lower(column).contains(query.strip().lower(), autoescape=True) for column in code_columns]
    return or_(*clauses)


def _state(stmt: Select, column, state: str) -> Select:
    if state == "active":
        return stmt.where(column.is_(True))
    if state == "inactive":
        return stmt.where(column.is_(False))
    return stmt


def _in_province(province: str | None):
    """The unit ids under a province code (None: no filter); NotFound for an unknown code."""
    if not province:
        return None
    unit = find_unit(province)
    if unit.level != "province":
        raise NotFound("not_a_province", f"{province} is not a province", unit=province)
    return sorted(descendant_ids(unit))


def _search_places(scope: Scope, action: str, visible: Select, model, query: str, page: int, size: int | None,
                   state: str, province: str | None) -> Page:
    """Agencies or service points (`model`) in the caller's scope whose folded name or code contains the query,
    active or not, optionally within a province, by code."""
    require(scope, action)
    stmt = _state(visible, model.active, state)
    if query.strip():
        stmt = stmt.where(_matches(query, model.search_name, model.code))
    units = _in_province(province)
    if units is not None:
        stmt = stmt.where(model.unit_id.in_(units))
    return _page(stmt.order_by(model.code), page, size, query)


def search_agencies(scope: Scope, query: str = "", page: int = 1, size: int | None = PAGE_SIZE,
                    state: str = "all", province: str | None = None) -> Page:
    """Agencies in the caller's scope whose name or identifier contains the query, by identifier."""
    return _search_places(scope, "agencies.manage", visible_agencies(scope), Agency, query, page, size, state,
                          province)


def search_service_points(scope: Scope, query: str = "", page: int = 1, size: int | None = PAGE_SIZE,
                          state: str = "all", province: str | None = None) -> Page:
    """Service points in the caller's scope whose name or code contains the query, by code."""
    return _search_places(scope, "service_points.manage", visible_service_points(scope), ServicePoint, query, page,
                          size, state, province)


def search_devices(scope: Scope, query: str = "", page: int = 1, size: int | None = PAGE_SIZE,
                   state: str = "all", service_point: str | None = None, province: str | None = None) -> Page:
    """Kiosks at the caller's service points whose name or service point contains the query; live ones first
    (state "active": not revoked; "inactive": revoked)."""
    require(scope, "devices.settings")
    stmt = visible_devices(scope).join(ServicePoint, ServicePoint.id == Device.service_point_id)
    if state in ("active", "inactive"):
        stmt = stmt.where(Device.revoked_at.is_(None) if state == "active" else Device.revoked_at.is_not(None))
    if query.strip():
        stmt = stmt.where(or_(func.lower(Device.name).contains(query.strip().lower(), autoescape=True),
                              _matches(query, ServicePoint.search_name, ServicePoint.code)))
    if service_point:
        stmt = stmt.where(ServicePoint.code == service_point)
    units = _in_province(province)
    if units is not None:
        stmt = stmt.where(ServicePoint.unit_id.in_(units))
    return _page(stmt.order_by(Device.revoked_at.is_not(None), Device.id), page, size, query)


def search_users(scope: Scope, query: str = "", page: int = 1, size: int | None = PAGE_SIZE,
                 state: str = "all", role: str | None = None) -> Page:
    """Accounts the caller manages whose e-mail or name contains the query (accents ignored), by e-mail."""
    require(scope, "accounts.manage")
    stmt = _state(visible_users(scope), User.active, state).order_by(User.email)
    if role:
        stmt = stmt.where(User.role == role)
    users = list(db.session.scalars(stmt))
    folded = fold(query)
    if folded:
        users = [u for u in users if folded in fold(u.email) or folded in fold(u.name or "")]
    total = len(users)
    if size is None:
        return Page(users, total, 1, max(total, 1), query)
    number = min(max(page, 1), max(1, ceil(total / size)))
    return Page(users[(number - 1) * size:number * size], total, number, size, query)
