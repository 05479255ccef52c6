"""The `survey` commands: clear errors, secrets alone on the last line, nothing written on failure."""
from __future__ import annotations

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Agency, Device, Response, ServicePoint, User
from tests.fixtures.factories import commune_codes


def _ok(result):
    assert result.exit_code == 0, result.output
    return result.output


def _agency_and_point(runner):
    commune = commune_codes("22", 1)[0]
    _ok(runner.invoke(args=["agencies", "add", "--code", "000.21.22.H22", "--name", "Sở Tư pháp", "--unit", "22"]))
    _ok(runner.invoke(args=["service-points", "add", "--code", "TTPVHCC-X", "--name", "Trung tâm Phục vụ hành chính công",
                            "--agency", "000.21.22.H22", "--unit", commune]))


def test_agency_and_service_point_commands(runner):
    _agency_and_point(runner)
    point = db.session.scalar(select(ServicePoint).where(ServicePoint.code == "TTPVHCC-X"))
    assert point.agency.name == "Sở Tư pháp"


def test_bad_agency_code_is_a_clear_error_and_writes_nothing(runner):
    result = runner.invoke(args=["agencies", "add", "--code", "21-22", "--name", "X", "--unit", "22"])
    assert result.exit_code != 0
    assert "000.21.22.H49" in result.output
    assert db.session.scalar(select(func.count(Agency.id))) == 0


def test_unknown_unit_is_named(runner):
    result = runner.invoke(args=["agencies", "add", "--code", "000.21.22.H22", "--name", "X", "--unit", "77777"])
    assert result.exit_code != 0 and "77777" in result.output


def test_device_token_is_alone_on_the_last_line(runner):
    _agency_and_point(runner)
    output = _ok(runner.invoke(args=["devices", "add", "--service-point", "TTPVHCC-X"]))
    token = output.strip().splitlines()[-1]
    assert token.startswith("dev_") and " " not in token
    from survey.services.access.devices import authenticate_device
    assert authenticate_device(token).service_point.code == "TTPVHCC-X"


def test_user_and_token_commands(runner, monkeypatch):
    monkeypatch.setenv("SURVEY_USER_PASSWORD", "a long enough password")
    _ok(runner.invoke(args=["users", "add", "--email", "Clerk@Example.vn", "--role", "clerk", "--unit", "22"]))
    assert db.session.scalar(select(User.email)) == "clerk@example.vn"
    token = _ok(runner.invoke(args=["tokens", "add", "--user", "clerk@example.vn"])).strip().splitlines()[-1]
    from survey.services.access.accounts import authenticate_token
    assert authenticate_token(token).role == "clerk"


def test_short_password_is_refused(runner, monkeypatch):
    monkeypatch.setenv("SURVEY_USER_PASSWORD", "short")
    result = runner.invoke(args=["users", "add", "--email", "a@b.vn", "--role", "viewer", "--unit", "22"])
    assert result.exit_code != 0 and "at least" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_ensure_admin_prints_a_generated_password_once(runner, monkeypatch):
    monkeypatch.delenv("SURVEY_ADMIN_PASSWORD", raising=False)
    password = _ok(runner.invoke(args=["users", "ensure-admin", "--province", "22"])).strip().splitlines()[-1]
    assert len(password) >= 12
    again = _ok(runner.invoke(args=["users", "ensure-admin", "--province", "22"]))
    assert password not in again


def test_demo_makes_plausible_data_reproducibly(runner):
    _ok(runner.invoke(args=["demo", "--province", "22", "--responses", "3000", "--seed", "7"]))
    assert db.session.scalar(select(func.count(Response.id)).where(Response.campaign_id.is_(None))) == 3000
    channels = dict(db.session.execute(select(Response.channel, func.count()).group_by(Response.channel)).all())
    assert set(channels) == {"kiosk", "online", "paper", "interview"}
    points = db.session.scalar(select(func.count(func.distinct(Response.service_point_id))))
    assert points > 20  # spread over the province's communes
    _ok(runner.invoke(args=["demo", "--province", "22", "--responses", "10", "--if-empty"]))
    assert db.session.scalar(select(func.count(Response.id)).where(Response.campaign_id.is_(None))) == 3000


def test_demo_refuses_unknown_province(runner):
    result = runner.invoke(args=["demo", "--province", "99", "--responses", "10"])
    assert result.exit_code != 0 and "99" in result.output
    assert db.session.scalar(select(func.count(Device.id))) == 0


def test_demo_client_ids_are_valid_time_ordered_uuids(runner):
    import uuid

    _ok(runner.invoke(args=["demo", "--province", "22", "--responses", "500", "--seed", "3"]))
    rows = db.session.execute(select(Response.client_id, Response.submitted_at)
                              .where(Response.campaign_id.is_(None)).order_by(Response.id)).all()
    assert all(uuid.UUID(c).version == 7 for c, _ in rows)
    assert [c for c, _ in rows] == sorted(c for c, _ in rows)


def test_the_run_sequence_twice_keeps_all_data(runner, monkeypatch):
    """scripts/run's steps (reference data, demo --if-empty, ensure-admin) change nothing the second time."""
    monkeypatch.setenv("SURVEY_ADMIN_PASSWORD", "a long admin password")
    steps = [["units", "load"], ["instruments", "load"],
             ["demo", "--province", "22", "--responses", "300", "--seed", "1", "--if-empty"],
             ["users", "ensure-admin", "--province", "22"]]

    def snapshot():
        kiosk_online = select(func.count(Response.id)).where(Response.campaign_id.is_(None))
        return (db.session.scalar(kiosk_online), db.session.scalar(select(func.count(User.id))),
                db.session.scalar(select(func.count(ServicePoint.id))))

    for step in steps:
        _ok(runner.invoke(args=step))
    first = snapshot()
    for step in steps:
        _ok(runner.invoke(args=step))
    assert snapshot() == first == (300, 1, first[2])


def test_demo_tallies_equal_a_full_rebuild(runner):
    """The roll-ups counted from the chunks in memory are exactly those recounted from the stored answers."""
    from survey.services.indices.tallies import rebuild_tallies
    from tests.fixtures.tallies import stored_tallies

    _ok(runner.invoke(args=["demo", "--province", "22", "--responses", "2500", "--seed", "5"]))
    _ok(runner.invoke(args=["demo", "--province", "22", "--responses", "700", "--seed", "6"]))  # adds to stored
    loaded = stored_tallies()
    assert loaded[0] and loaded[1]
    rebuild_tallies()
    db.session.commit()
    assert stored_tallies() == loaded


def test_agency_csv_with_a_bad_row_imports_nothing(runner, tmp_path):
    """Each row is tried in a savepoint; a later bad row must still undo the earlier good ones (SQLite too)."""
    path = tmp_path / "agencies.csv"
    path.write_text("code,name,unit\n000.31.22.H22,Sở Tư pháp,22\n000.32.22.H22,Sở Y tế,99999\n", encoding="utf-8")
    result = runner.invoke(args=["agencies", "import", str(path)])
    assert result.exit_code != 0 and "line 3" in result.output and "99999" in result.output
    db.session.rollback()
    assert db.session.scalar(select(func.count(Agency.id))) == 0
