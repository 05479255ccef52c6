"""Scope: which role may do what, and which units, agencies, service points and kiosks each caller sees."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.errors import Forbidden, NotFound
from survey.extensions import db
from survey.models import Device, ServicePoint, User
from survey.services.access.scope import (ACTIONS, OPERATOR, STAFF_ROLES, Scope, can, check_agency, check_device,
                                   check_service_point, check_unit, check_user, require, scope_filter, scope_for,
                                   visible_devices, visible_service_points, visible_units, visible_users)
from survey.services.organisation.units import get_unit
from tests.fixtures.factories import commune_codes

ADMIN_ONLY = ("units.manage", "agencies.manage", "service_points.manage", "devices.manage", "instruments.manage",
              "accounts.manage", "tokens.manage", "audit.read", "results.publish", "contacts.delete",
              "campaigns.manage", "alerts.manage", "backup.run")


@pytest.mark.parametrize("action", ADMIN_ONLY)
def test_province_administration_is_home_affairs_only(action):
    for role in STAFF_ROLES + ("device",):
        assert can(Scope(role, frozenset(), None), action) is (role == "homeaffairs"), role
    assert can(OPERATOR, action)


@pytest.mark.parametrize("role, allowed", [
    ("manager", {"results.read", "reports.download", "comments.read", "comments.moderate", "devices.settings",
                 "contacts.read", "results.export", "responses.enter", "directory.read", "instruments.read",
                 "reports.subscribe", "alerts.read", "alerts.acknowledge", "jobs.read"}),
    ("clerk", {"responses.enter", "directory.read", "instruments.read", "jobs.read"}),
    ("viewer", {"results.read", "reports.download", "comments.read", "directory.read", "instruments.read",
                "alerts.read", "jobs.read"}),
    ("device", {"responses.submit"}),
])
def test_each_role_has_exactly_its_actions(role, allowed):
    scope = Scope(role, frozenset({1}), None)
    assert {a for a in ACTIONS if can(scope, a)} == allowed


def test_require_raises_forbidden_and_unknown_actions_fail_loudly():
    viewer = Scope("viewer", frozenset({1}), None)
    require(viewer, "results.read")
    with pytest.raises(Forbidden) as refused:
        require(viewer, "accounts.manage")
    assert refused.value.params["action"] == "accounts.manage"
    with pytest.raises(ValueError):
        can(viewer, "results.raed")


def test_small_cells_are_suppressed_below_home_affairs():
    assert not OPERATOR.suppresses_small_cells
    assert not Scope("homeaffairs", frozenset({1}), None).suppresses_small_cells
    for role in ("manager", "clerk", "viewer"):
        assert Scope(role, frozenset({1}), None).suppresses_small_cells


def test_home_affairs_sees_its_province_and_not_another(make_user):
    scope = scope_for(make_user("homeaffairs", unit="22"))
    home = get_unit(commune_codes("22", 1)[0])
    assert check_unit(scope, home) is home
    with pytest.raises(NotFound) as hidden:
        check_unit(scope, get_unit(commune_codes("01", 1)[0]))
    assert hidden.value.status == 404
    codes = {u.code for u in db.session.scalars(visible_units(scope))}
    assert "22" in codes and set(commune_codes("22", 3)) <= codes and "01" not in codes


def test_commune_staff_see_their_commune_only(make_user, make_service_point, make_device):
    home, other = commune_codes("22", 2)
    mine, theirs = make_service_point(unit=home), make_service_point(unit=other)
    my_kiosk, _ = make_device(service_point=mine.code)
    their_kiosk, _ = make_device(service_point=theirs.code)
    scope = scope_for(make_user("viewer", unit=home))
    assert [p.code for p in db.session.scalars(visible_service_points(scope))] == [mine.code]
    assert [d.id for d in db.session.scalars(visible_devices(scope))] == [my_kiosk.id]
    assert check_service_point(scope, mine) is mine and check_device(scope, my_kiosk) is my_kiosk
    with pytest.raises(NotFound):
        check_service_point(scope, theirs)
    with pytest.raises(NotFound):
        check_device(scope, their_kiosk)
    with pytest.raises(NotFound):
        check_agency(scope, theirs.agency)
    with pytest.raises(NotFound):
        check_unit(scope, get_unit(other))


def test_agency_managers_see_their_agency_and_the_ones_below(make_agency, make_service_point, make_user):
    home, other = commune_codes("22", 2)
    parent = make_agency(unit="22", code="000.30.22.H22", name="Sở")
    child = make_agency(unit="22", code="000.31.22.H22", name="Chi cục", parent=parent.code)
    sibling = make_agency(unit="22", code="000.32.22.H22", name="Sở khác")
    in_child = make_service_point(unit=home, agency=child.code)
    in_sibling = make_service_point(unit=other, agency=sibling.code)
    scope = scope_for(make_user("manager", unit=None, agency=parent.code))
    assert scope.agency_ids == {parent.id, child.id} and scope.unit_ids is None
    assert [p.code for p in db.session.scalars(visible_service_points(scope))] == [in_child.code]
    with pytest.raises(NotFound):
        check_service_point(scope, in_sibling)
    # A unit is visible to an agency manager only where their agencies sit.
    assert check_unit(scope, get_unit("22"))
    with pytest.raises(NotFound):
        check_unit(scope, get_unit(other))


def test_scope_filter_fails_closed_without_an_agency_column(make_agency, make_user, make_service_point):
    agency = make_agency(unit="22", code="000.33.22.H22")
    make_service_point(unit=commune_codes("22", 1)[0], agency=agency.code)
    scope = scope_for(make_user("manager", unit=None, agency=agency.code))
    assert db.session.scalars(select(ServicePoint).where(scope_filter(scope, ServicePoint.unit_id))).all() == []
    assert len(db.session.scalars(select(ServicePoint).where(
        scope_filter(scope, ServicePoint.unit_id, ServicePoint.agency_id))).all()) == 1
    assert len(db.session.scalars(select(Device).where(scope_filter(OPERATOR, Device.id))).all()) == 0


def test_accounts_are_managed_within_the_province(make_user):
    admin = scope_for(make_user("homeaffairs", unit="22"))
    local = make_user("viewer", unit=commune_codes("22", 1)[0])
    foreign = make_user("viewer", unit=commune_codes("01", 1)[0])
    assert check_user(admin, local) is local
    with pytest.raises(NotFound):
        check_user(admin, foreign)
    emails = set(db.session.scalars(visible_users(admin).with_only_columns(User.email)))
    assert local.email in emails and foreign.email not in emails
