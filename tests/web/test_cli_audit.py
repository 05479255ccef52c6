"""The command line's administrative acts are in the audit log, as the web's are (issue 15.11)."""
from __future__ import annotations

import getpass

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEntry, Device
from tests.fixtures.factories import commune_codes


def _ok(result):
    assert result.exit_code == 0, result.output
    return result.output


def _entries() -> list[tuple[str, str, str]]:
    db.session.expire_all()
    return [(e.actor, e.action, e.object) for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_devices_users_tokens_and_agencies_from_the_cli_are_audited(runner, monkeypatch):
    me = f"cli:{getpass.getuser()}"
    _ok(runner.invoke(args=["agencies", "add", "--code", "000.21.22.H22", "--name", "Sở Tư pháp", "--unit", "22"]))
    _ok(runner.invoke(args=["service-points", "add", "--code", "TTPVHCC-X", "--name", "Trung tâm",
                            "--agency", "000.21.22.H22", "--unit", commune_codes("22", 1)[0]]))
    _ok(runner.invoke(args=["devices", "add", "--service-point", "TTPVHCC-X"]))
    device_id = db.session.scalar(select(Device.id))
    _ok(runner.invoke(args=["devices", "revoke", str(device_id)]))
    monkeypatch.setenv("SURVEY_USER_PASSWORD", "a long enough password")
    _ok(runner.invoke(args=["users", "add", "--email", "clerk@example.vn", "--role", "clerk", "--unit", "22"]))
    _ok(runner.invoke(args=["tokens", "add", "--user", "clerk@example.vn"]))
    _ok(runner.invoke(args=["tokens", "revoke", "1"]))
    assert _entries() == [
        (me, "agency.create", "000.21.22.H22"),
        (me, "service_point.create", "TTPVHCC-X"),
        (me, "device.register", f"device:{device_id}"),
        (me, "device.revoke", f"device:{device_id}"),
        (me, "user.create", "clerk@example.vn"),
        (me, "token.issue", "token:1"),
        (me, "token.revoke", "token:1"),
    ]


def test_a_failed_cli_act_writes_no_audit_entry(runner):
    result = runner.invoke(args=["devices", "revoke", "999"])
    assert result.exit_code != 0
    assert _entries() == []


def test_cli_imports_are_audited(runner, tmp_path):
    me = f"cli:{getpass.getuser()}"
    csv = tmp_path / "agencies.csv"
    csv.write_text("code,name,unit\n000.21.22.H22,Sở Tư pháp,22\n", encoding="utf-8")
    output = _ok(runner.invoke(args=["agencies", "import", str(csv)]))
    assert output.startswith("1 agencies created")
    assert _entries() == [(me, "agencies.import", "agencies.csv")]
