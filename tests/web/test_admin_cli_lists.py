"""Issue 19 item 15: `survey … list` print plain tables a newcomer can read; `survey devices import` registers
kiosks from a CSV all or nothing and prints each enrolment link."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AuditEntry, Device
from survey.services.organisation import agencies
from tests.fixtures.factories import commune_codes


def _ok(result):
    assert result.exit_code == 0, result.output
    return result.output


def _count(model=Device) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_service_points_list_filters_by_province_and_folded_search(runner, make_service_point):
    make_service_point(unit=commune_codes("22", 1)[0], code="HL-01", name="Bộ phận Một cửa Hạ Long")
    make_service_point(unit=commune_codes("22", 1)[0], code="CP-01", name="Bộ phận Một cửa Cẩm Phả")
    make_service_point(unit=commune_codes("01", 1)[0], code="HN-01", name="Bộ phận Một cửa Hà Nội")
    out = _ok(runner.invoke(args=["service-points", "list", "--province", "22", "--search", "Ha Long"]))
    lines = out.splitlines()
    assert lines[0].split() == ["code", "name", "kind", "agency", "unit", "state"]
    assert len(lines) == 3 and lines[1].startswith("HL-01 ") and "Hạ Long" in lines[1]
    assert lines[1].split()[-1] == "active" and lines[-1] == "1 service point(s)."
    everything = _ok(runner.invoke(args=["service-points", "list"]))
    assert all(code in everything for code in ("HL-01", "CP-01", "HN-01")) and "3 service point(s)." in everything
    bad = runner.invoke(args=["service-points", "list", "--province", "99999"])
    assert bad.exit_code != 0 and "99999" in bad.output and "Traceback" not in bad.output


def test_agencies_users_and_devices_lists(runner, make_agency, make_device, make_service_point, make_user):
    make_agency(unit="22", code="000.31.22.H22", name="Sở Tài chính")
    user = make_user("viewer", email="lan@example.vn")
    user.name = "Trần Lan"
    db.session.commit()
    point = make_service_point(code="SP-DEV")
    make_device(service_point=point.code)
    out = _ok(runner.invoke(args=["agencies", "list", "--search", "tai chinh"]))
    assert "000.31.22.H22" in out and "Sở Tài chính" in out and out.splitlines()[-1] == "1 agencies."
    users = _ok(runner.invoke(args=["users", "list", "--search", "tran"]))
    assert "lan@example.vn" in users and "viewer" in users and users.splitlines()[-1] == "1 account(s)."
    devices = _ok(runner.invoke(args=["devices", "list", "--service-point", "SP-DEV"]))
    assert "awaiting enrolment" in devices and devices.splitlines()[-1] == "1 device(s)."


def test_devices_import_prints_one_link_per_kiosk(runner, app, make_service_point, tmp_path, monkeypatch):
    monkeypatch.setenv("PORT", "5077")  # `./scripts/run` serves there when no public address is configured
    monkeypatch.setitem(app.config, "PUBLIC_URL", "")
    make_service_point(code="SP-A")
    make_service_point(code="SP-B")
    csv_file = tmp_path / "kiosks.csv"
    csv_file.write_text("service_point,name,instrument\nSP-A,Quầy 1,KIOSK-QUICK\nSP-B,Quầy 2,\n", encoding="utf-8")
    out = _ok(runner.invoke(args=["devices", "import", str(csv_file)]))
    links = re.findall(r"http://127\.0\.0\.1:5077/kiosk/enrol/enr_[\w-]+", out)
    assert len(links) == 2 and len(set(links)) == 2 and "2 kiosk(s) registered." in out
    assert _count() == 2
    db.session.expire_all()
    assert db.session.scalar(select(AuditEntry.details).where(AuditEntry.action == "devices.import")) == {"created": 2}


def test_devices_import_is_all_or_nothing_and_names_bad_rows(runner, make_service_point, tmp_path):
    make_service_point(code="SP-A")
    closed = make_service_point(code="SP-C")
    agencies.get_service_point(closed.code).active = False
    db.session.commit()
    csv_file = tmp_path / "kiosks.csv"
    csv_file.write_text("service_point,name,instrument\nSP-A,Quầy 1,\nSP-NONE,Quầy 2,\nSP-A,Quầy 3,NOPE\n"
                        "SP-C,Quầy 4,\n", encoding="utf-8")
    result = runner.invoke(args=["devices", "import", str(csv_file)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "line 3" in result.output and "SP-NONE" in result.output
    assert "line 4" in result.output and "instrument" in result.output
    assert "line 5" in result.output and "deactivated" in result.output
    assert "line 2" not in result.output and _count() == 0
