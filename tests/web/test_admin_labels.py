"""Issue 19 item 13: the Vietnamese admin shows labels, not stored codes, and times in Asia/Ho_Chi_Minh, not UTC."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from survey import labels
from survey.extensions import db
from survey.models import AuditEntry, Device
from survey.services.access import audit

ROOT = Path(__file__).resolve().parents[2]


def test_agency_and_point_kinds_are_labelled_in_vietnamese(client, login_as, make_agency, make_service_point):
    make_agency(unit="22", code="000.40.22.H22", name="Sở Thử", kind="department")
    make_service_point(code="SP-LABEL")
    login_as("homeaffairs", unit="22")
    agencies = client.get("/admin/agencies?lang=vi").get_data(as_text=True)
    assert "<td>Sở, ngành</td>" in agencies and "<td>department</td>" not in agencies
    points = client.get("/admin/service-points").get_data(as_text=True)
    assert "<td>Trung tâm</td>" in points and "<td>centre</td>" not in points


def test_instrument_kinds_are_labelled(client, login_as):
    login_as("homeaffairs", unit="22")
    page = client.get("/admin/instruments/?lang=vi").get_data(as_text=True)
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert not {"kiosk", "onestop", "sipas-1001", "sipas-2640"} & set(cells)
    assert "Phiếu đánh giá tại ki-ốt" in cells


def test_audit_actions_and_times_are_local_and_translated(client, login_as):
    user = login_as("homeaffairs", unit="22")
    # 20:30 UTC on 1 March is 03:30 on 2 March in Viet Nam (UTC+7).
    db.session.add(AuditEntry(actor=user.email, action="agency.create", object="000.1.22.H22", outcome="ok",
                              details={}, at=datetime(2026, 3, 1, 20, 30, 5)))
    db.session.commit()
    page = client.get("/admin/audit?lang=vi").get_data(as_text=True)
    assert "02/03/2026 03:30:05" in page and "2026-03-01 20:30" not in page
    assert 'data-action="agency.create">Thêm cơ quan</td>' in page
    assert "(UTC)" not in page.split("<table")[1]


def test_device_last_seen_is_local_time(client, login_as, make_device):
    device, _token = make_device()
    db.session.get(Device, device.id).last_seen_at = datetime(2026, 3, 1, 23, 5)
    db.session.commit()
    login_as("homeaffairs", unit="22")
    page = client.get("/admin/devices?lang=vi").get_data(as_text=True)
    assert "02/03/2026 06:05" in page and "Last seen (UTC)" not in page and "(UTC)" not in page


def test_every_audit_action_in_the_code_has_a_label():
    """The class of problem: an action recorded anywhere in survey/ but missing from the label table."""
    names = {getattr(audit, n) for n in ("LOGIN", "LOGIN_FAILED", "LOGOUT", "PASSWORD_CHANGE", "EXPORT",
                                         "REPORT_DOWNLOAD")}
    for path in (ROOT / "survey").rglob("*.py"):
        names |= set(re.findall(r"record\(\s*[^,()]+(?:\([^)]*\))?,\s*f?\"([a-z_]+(?:\.[a-z_]+)?)\"",
                                path.read_text(encoding="utf-8")))
    assert "agency.create" in names and "device.enrol" in names  # the scan finds them
    missing = sorted(n for n in names if n not in labels.AUDIT_ACTIONS)
    assert missing == []

