"""The audit log: every administrative act, sign-in and privacy action leaves an entry (UTC, actor, outcome);
entries cannot be changed; Home Affairs reads its own province's entries with filters."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from survey.errors import Forbidden
from survey.extensions import db
from survey.models import AuditEntry, Device, User
from survey.models.base import utcnow
from survey.services.access import audit
from survey.services.access.scope import OPERATOR, scope_for
from tests.fixtures.factories import PASSWORD, commune_codes


def _entries():
    db.session.expire_all()
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def test_every_administrative_act_is_audited(client, make_user, make_service_point, make_device):
    home = commune_codes("22", 1)[0]
    admin = make_user("homeaffairs", unit="22", email="admin@example.vn")
    point = make_service_point(unit=home)
    kiosk, _ = make_device(service_point=point.code)
    client.post("/auth/login", data={"email": admin.email, "password": "wrong password"})
    client.post("/auth/login", data={"email": admin.email, "password": PASSWORD})
    client.post("/admin/agencies", data={"code": "000.61.22.H22", "name": "Sở A", "unit": home, "kind": "department"})
    client.post("/admin/service-points", data={"code": "SP-AUD", "name": "Quầy", "agency": "000.61.22.H22",
                                               "unit": home, "kind": "counter"})
    client.post("/admin/devices", data={"service_point": "SP-AUD", "instrument": "KIOSK-QUICK"})
    client.post(f"/admin/devices/{kiosk.id}/settings", data={"language": "vi", "idle_seconds": "60",
                                                             "instrument": "KIOSK-QUICK"})
    client.post(f"/admin/devices/{kiosk.id}/revoke")
    client.post("/admin/accounts", data={"email": "clerk@example.vn", "role": "clerk", "unit": home})
    clerk = db.session.scalar(select(User).where(User.email == "clerk@example.vn"))
    client.post(f"/admin/accounts/{clerk.id}/disable")
    client.post(f"/admin/accounts/{clerk.id}/enable")
    client.post(f"/admin/accounts/{clerk.id}/reset")
    client.post("/admin/tokens", data={"email": "clerk@example.vn", "label": "x"})
    from survey.models import ApiToken

    client.post(f"/admin/tokens/{db.session.scalar(select(ApiToken.id))}/revoke")
    client.get("/admin/contacts")
    new = "another long password"
    client.post("/auth/password", data={"current": PASSWORD, "new": new, "confirm": new})
    client.post("/auth/logout")
    entries = _entries()
    assert [e.action for e in entries] == [
        "login.failed", "login", "agency.create", "service_point.create", "device.register", "device.settings",
        "device.revoke", "user.create", "user.disable", "user.enable", "user.reset", "token.issue", "token.revoke",
        "contact.view", "password.change", "logout"]
    assert {e.actor for e in entries} == {admin.email}
    assert entries[0].outcome == "failed" and all(e.outcome == "ok" for e in entries[1:])
    assert entries[7].object == "clerk@example.vn" and entries[4].object.startswith("device:")
    assert all(abs(e.at - utcnow()) < timedelta(minutes=5) for e in entries)  # naive UTC, not local time


def test_refused_acts_write_nothing_but_failures_of_sign_in(client, login_as, make_user):
    login_as("manager", unit=commune_codes("22", 1)[0])
    client.post("/admin/accounts", data={"email": "x@example.vn", "role": "viewer", "unit": "22"})
    assert _entries() == []


def test_entries_are_append_only(app):
    entry = audit.record("cli", "backup", "b.zip")
    db.session.commit()
    entry.outcome = "failed"
    with pytest.raises(Forbidden):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(Forbidden):
        db.session.delete(db.session.get(AuditEntry, entry.id))
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).outcome == "ok"


def test_long_values_are_cut_to_the_columns(app):
    entry = audit.record("x" * 500 + "@example.vn", "a" * 100, "o" * 500, "failed")
    db.session.commit()
    assert (len(entry.actor), len(entry.action), len(entry.object)) == (200, 60, 200)
    assert audit.record("", "login.failed").actor == "anonymous"


def test_viewer_filters_by_actor_action_and_date(client, login_as, make_user):
    a = make_user("viewer", unit="22", email="lan@example.vn")
    b = make_user("viewer", unit="22", email="minh@example.vn")
    for actor, action, days in ((a.email, "login", 3), (a.email, "export", 1), (b.email, "login", 0)):
        audit.record(actor, action, "x").at = utcnow() - timedelta(days=days)
    db.session.commit()
    login_as("homeaffairs", unit="22")

    def rows(query):
        page = client.get(f"/admin/audit?{query}").get_data(as_text=True)
        return re.findall(r'<td>(\S+@example\.vn)</td><td data-action="([\w.]+)">', page)

    assert rows("actor=LAN") == [(a.email, "export"), (a.email, "login")]
    assert rows("action=login") == [(b.email, "login"), (a.email, "login")]
    today = utcnow().date()
    assert rows(f"since={today - timedelta(days=2)}&until={today - timedelta(days=1)}") == [(a.email, "export")]
    assert client.get("/admin/audit?since=not-a-date").status_code == 200  # ignored, not an error


def test_viewer_shows_only_the_provinces_own_accounts_and_kiosks(client, login_as, make_user, make_device,
                                                                 make_service_point):
    local = make_user("viewer", unit=commune_codes("22", 1)[0], email="local@example.vn")
    foreign = make_user("viewer", unit=commune_codes("01", 1)[0], email="foreign@example.vn")
    kiosk, _ = make_device()
    far_kiosk, _ = make_device(service_point=make_service_point(unit=commune_codes("01", 1)[0]).code)
    for actor in (local.email, foreign.email, f"device:{kiosk.id}", f"device:{far_kiosk.id}", "cli",
                  "unknown@example.vn"):
        audit.record(actor, "export", "x")
    db.session.commit()
    mine = {e.actor for e in audit.search(scope_for(make_user("homeaffairs", unit="22")))}
    assert mine == {local.email, f"device:{kiosk.id}"}
    assert len(audit.search(OPERATOR)) == 6
    with pytest.raises(Forbidden):
        audit.search(scope_for(local))
    login_as("homeaffairs", unit="22")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "local@example.vn" in page and "foreign@example.vn" not in page


def test_viewer_pages_through_old_entries(client, login_as):
    admin = login_as("homeaffairs", unit="22")
    start = datetime(2025, 1, 1)
    for i in range(105):
        audit.record(admin.email, "export", f"file-{i:03d}").at = start + timedelta(minutes=i)
    db.session.commit()
    first = client.get("/admin/audit").get_data(as_text=True)
    assert "file-104" in first and "file-004" not in first and "page=2" in first
    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert "file-004" in second and "file-104" not in second


def test_device_revocation_is_attributed(client, login_as, make_device):
    device, _ = make_device()
    admin = login_as("homeaffairs", unit="22")
    client.post(f"/admin/devices/{device.id}/revoke")
    entry = _entries()[-1]
    assert (entry.actor, entry.action, entry.object) == (admin.email, "device.revoke", f"device:{device.id}")
    assert db.session.get(Device, device.id).revoked_at is not None
