"""Backup and restore: every row of every table survives a round trip, between SQLite and PostgreSQL both ways."""
from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import date, datetime

import pytest
from sqlalchemy import select

from survey.errors import Conflict, Invalid
from survey.extensions import db
from survey.models import (Agency, Answer, AuditEntry, Comment, Contact, Device, Response, Unit, UnitSuccession)
from survey.services.access import accounts
from survey.services.access import audit
from survey.services.operations import backup, restore
from tests.services.backup_support import snapshot
from tests.fixtures.factories import commune_codes


def _fill(make_agency, make_service_point, make_device, make_user):
    """A little of everything, with awkward values: accents, quotes, newlines, NULLs, JSON, floats, booleans."""
    from survey.services.instruments.drafts import create_own_instrument
    from survey.services.instruments.versions import current_version
    from survey.services.access.scope import OPERATOR

    home = commune_codes("22", 1)[0]
    parent = make_agency(unit="22", code="000.10.22.H22", name="Sở Nội vụ")
    child = make_agency(unit="22", code="000.11.22.H22", name='Phòng "Cải cách"\nhành chính', parent=parent.code)
    newer = make_agency(unit="22", code="000.12.22.H22", name="Ban mới")
    # A parent created after its child: restore must not depend on id order.
    parent.parent_id = newer.id
    point = make_service_point(unit=home, agency=child.code, code="SP-BK", name="Quầy Một cửa")
    device, _token = make_device(service_point=point.code)
    device.settings = {"language": "en", "idle_seconds": 45, "note": "Tiếng Việt ✓"}
    user = make_user("manager", unit=home, email="quan.ly@example.vn")
    user.active = False
    accounts.add_token(user.email, "BI")
    legacy = Unit(code="193", name="Huyện cũ", search_name="huyen cu", level="district", vintage="legacy",
                  valid_from=date(1990, 1, 1), valid_to=date(2025, 6, 30))
    db.session.add(legacy)
    db.session.flush()
    db.session.add(UnitSuccession(legacy_unit_id=legacy.id,
                                  successor_unit_id=db.session.scalar(select(Unit.id).where(Unit.code == home)),
                                  share=0.35))
    create_own_instrument("KIOSK-QUICK", "QN-BK", {"vi": "Phiếu riêng", "en": "Own"}, "22", "test", OPERATOR)
    version = current_version("KIOSK-QUICK")
    items = {i.code: i for i in version.items}
    for n in range(3):
        response = Response(client_id=str(uuid.UUID(int=n + 7)), content_hash=f"{n:064d}",
                            instrument_version_id=version.id, service_point_id=point.id, unit_id=point.unit_id,
                            agency_id=point.agency_id, device_id=device.id if n else None, channel="kiosk",
                            submitted_at=datetime(2025, 8, 1, 2, 3, 4, 567890), local_date=date(2025, 8, 1),
                            sex=n % 2 + 1, officer="Nguyễn Văn A" if n else None)
        db.session.add(response)
        db.session.flush()
        db.session.add_all([Answer(response_id=response.id, item_id=items["Q"].id, code=n + 1),
                            Answer(response_id=response.id, item_id=items["R"].id, code=1),
                            Answer(response_id=response.id, item_id=items["R"].id, code=3)])
        db.session.add(Comment(response_id=response.id, item_id=items["COMMENT"].id, text=None if n == 2 else
                               f"Góp ý số {n}: 'chờ lâu'"))
        if n == 0:
            db.session.add(Contact(response_id=response.id, name="Trần Thị B", phone="0912345678"))
    audit.record("quan.ly@example.vn", "login.failed", "session", "failed", ip="10.0.0.1")
    db.session.commit()
    _tallies()


def _tallies() -> None:
    """Fill the roll-ups too when the index engine provides them."""
    import importlib

    try:
        tallies = importlib.import_module("survey.services.indices.tallies")
    except ModuleNotFoundError:
        return
    if hasattr(tallies, "rebuild_tallies"):
        tallies.rebuild_tallies()
        db.session.commit()


@pytest.mark.parametrize("target_kind", ["sqlite", "postgresql"])
def test_round_trip_keeps_every_row(app, runner, tmp_path, empty_database, target_kind,
                                    make_agency, make_service_point, make_device, make_user):
    _fill(make_agency, make_service_point, make_device, make_user)
    before = snapshot()
    path = tmp_path / "survey.zip"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() == "backup"

    target = empty_database(target_kind)
    with target.app_context():  # commands run in the current app context
        result = target.test_cli_runner().invoke(args=["restore", str(path)])
        assert result.exit_code == 0, result.output
        after = snapshot()
        # The restore's own audit entry comes after the restored rows.
        entry = after.pop("audit_log")[-1]
        assert entry[2].startswith("cli:") and entry[3:5] == ("restore", "survey.zip")
        restored_audit = after
        # New rows get fresh ids after a restore (PostgreSQL sequences moved past the restored ids).
        from survey.services.organisation.agencies import add_agency

        added = add_agency("000.99.22.H22", "Sở sau khôi phục", "22")
        db.session.commit()
        assert added.id > max(a.id for a in db.session.scalars(select(Agency).where(Agency.id != added.id)))
        db.session.remove()
    before.pop("audit_log")
    assert restored_audit == before
    assert len(before["units"]) > 3000 and len(before["answers"]) == 9


def test_restore_refuses_a_database_that_is_not_empty(app, tmp_path, make_agency):
    make_agency()
    buffer = io.BytesIO()
    backup.dump(buffer)
    buffer.seek(0)
    with pytest.raises(Conflict) as refused:
        restore.restore(buffer)
    assert refused.value.code == "not_empty" and "empty" in refused.value.message


def test_restore_cli_explains_a_non_empty_database(app, runner, tmp_path):
    path = tmp_path / "b.zip"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code != 0 and "not empty" in result.output


def test_restore_refuses_another_schema_revision(app, empty_database):
    buffer = io.BytesIO()
    backup.dump(buffer)
    tampered = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["revision"] = "9999"
                data = json.dumps(manifest).encode()
            dst.writestr(info, data)
    target = empty_database("sqlite")
    with target.app_context():
        tampered.seek(0)
        with pytest.raises(Conflict) as refused:
            restore.restore(tampered)
        assert refused.value.code == "revision_mismatch"
        db.session.remove()


def test_restore_refuses_a_file_that_is_not_a_backup(app):
    with pytest.raises(Invalid):
        restore.restore(io.BytesIO(b"not a zip at all"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "x")
    buffer.seek(0)
    with pytest.raises(Invalid):
        restore.restore(buffer)


def test_backup_lists_every_table_in_dependency_order(app, make_device):
    make_device()
    buffer = io.BytesIO()
    counts = backup.dump(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = [t["name"] for t in manifest["tables"]]
        assert names.index("units") < names.index("agencies") < names.index("service_points") < names.index("devices")
        assert set(names) == {t.name for t in backup.tables()}
        assert manifest["revision"] == backup.schema_revision() != ""
        devices = archive.read("tables/devices.jsonl").decode().splitlines()
        assert len(devices) == counts["devices"] == 1 and json.loads(devices[0])[0] == db.session.scalar(select(Device.id))
