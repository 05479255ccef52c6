"""Restore refuses a backup that is incomplete, edited, injected, garbled, of another schema or not a backup at all:
a clear message naming the file and the problem, a non-zero exit, and nothing written to the target."""
from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from survey.extensions import db
from survey.services.access.devices import authenticate_kiosk
from survey.services.access.secrets import digest
from survey.services.operations import backup
from survey.services.responses.group_commit import record_kiosk_response
from tests.fixtures.scratch_db import create_database, drop_database
from tests.services.backup_support import rewrite, row_counts


@pytest.fixture(scope="module")
def target(database_url, tmp_path_factory):
    """An empty database of the tests' kind, migrated to head; each test leaves it empty (or fails)."""
    from flask_migrate import upgrade

    from survey.app import create_app

    url = (f"sqlite:///{tmp_path_factory.mktemp('target') / 'target.db'}" if database_url.startswith("sqlite")
           else create_database("survey_refusals"))
    made = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x",
                       "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    made.instance_path = str(tmp_path_factory.mktemp("instance"))
    with made.app_context():
        upgrade()
        db.session.remove()
    yield made
    with made.app_context():
        db.engine.dispose()
    if not url.startswith("sqlite"):
        drop_database(url)


@pytest.fixture
def taken(app, make_device, make_user):
    """A backup (bytes) of a small province: an account, a kiosk, three responses with answers and comments."""
    make_user("homeaffairs", email="so.noi.vu@example.vn")
    _device, token = make_device()
    kiosk = (authenticate_kiosk(token), digest(token))
    now = datetime.now(timezone(timedelta(hours=7))).replace(microsecond=0).isoformat()
    for n in range(3):
        record_kiosk_response({"id": str(uuid.UUID(int=n + 1)), "instrument": "KIOSK-QUICK", "submitted_at": now,
                               "answers": {"Q": 1, "R": [n + 1, 4], "COMMENT": f"Chờ lâu {n}"}}, *kiosk)
    db.session.remove()
    out = io.BytesIO()
    backup.dump(out)
    return out.getvalue()


def refused(target, tmp_path, data: bytes, *expected: str) -> str:
    """Restore `data` with the CLI into the target: assert a clean refusal naming `expected`, and nothing written."""
    path = tmp_path / "tampered.zip"
    path.write_bytes(data)
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(path)])
        assert result.exit_code != 0, result.output
        assert isinstance(result.exception, SystemExit), result.exception  # a message, not a traceback
        assert "Traceback" not in result.output
        for text in expected:
            assert text in result.output, result.output
        db.session.rollback()
        assert set(row_counts().values()) == {0}  # nothing written, not even the audit entry
        db.session.remove()
    return result.output


def _columns(data: bytes, table: str) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return next(e["columns"] for e in json.loads(archive.read("manifest.json"))["tables"] if e["name"] == table)


def _append(name: str, line: bytes):
    return lambda member, body: body + line if member == name else body


def test_a_manifest_with_a_table_removed_is_refused_naming_it(target, tmp_path, taken):
    def drop_answers(member: str, body: bytes) -> bytes | None:
        if member == "manifest.json":
            manifest = json.loads(body)
            manifest["tables"] = [e for e in manifest["tables"] if e["name"] != "answers"]
            return json.dumps(manifest).encode()
        return None if member == "tables/answers.jsonl" else body

    refused(target, tmp_path, rewrite(taken, drop_answers), "manifest.json lacks table(s) answers")


def test_an_edited_row_is_refused_naming_its_file(target, tmp_path, taken):
    edit = lambda member, body: body.replace("Chờ lâu 1".encode(), "Rất tốt 1".encode())  # noqa: E731
    refused(target, tmp_path, rewrite(taken, edit), "tables/comments.jsonl: its sha256")


def test_an_injected_home_affairs_account_is_refused(target, tmp_path, taken):
    columns = _columns(taken, "users")
    with zipfile.ZipFile(io.BytesIO(taken)) as archive:
        row = dict(zip(columns, json.loads(archive.read("tables/users.jsonl").splitlines()[0])))
    injected = json.dumps([{**row, "id": 900, "email": "intruder@example.vn"}[c] for c in columns]).encode() + b"\n"
    refused(target, tmp_path, rewrite(taken, _append("tables/users.jsonl", injected)), "tables/users.jsonl: its sha256")
    # Re-signed by a careful forger, an account pointing at no unit still fails the foreign-key check.
    orphan = json.dumps([{**row, "id": 901, "email": "x@example.vn", "unit_id": 10**8}[c] for c in columns])
    refused(target, tmp_path, rewrite(taken, _append("tables/users.jsonl", orphan.encode() + b"\n"), resign=True),
            "table users: 1 row(s) whose unit_id has no row in units")


def test_a_garbage_line_is_refused_naming_file_and_line(target, tmp_path, taken):
    refused(target, tmp_path, rewrite(taken, _append("tables/comments.jsonl", b"\x00garbage{\n"), resign=True),
            "tables/comments.jsonl, line 4: not a JSON row")
    # Valid JSON of the wrong shape, and a value of the wrong type, are named as precisely.
    refused(target, tmp_path, rewrite(taken, _append("tables/answers.jsonl", b"[1, 2]\n"), resign=True),
            "tables/answers.jsonl, line 10: not a row of the 3 columns")
    columns = _columns(taken, "comments")
    values = {"id": 900, "response_id": "five", "item_id": 1, "text": "x", "status": "visible",
              "created_at": "2026-01-01T00:00:00"}
    bad = json.dumps([values.get(c) for c in columns]).encode() + b"\n"
    refused(target, tmp_path, rewrite(taken, _append("tables/comments.jsonl", bad), resign=True),
            "tables/comments.jsonl, line 4, column response_id")


def test_a_duplicated_row_is_refused_naming_the_table(target, tmp_path, taken):
    def twice(member: str, body: bytes) -> bytes:
        return body + body.splitlines(keepends=True)[0] if member == "tables/answers.jsonl" else body

    output = refused(target, tmp_path, rewrite(taken, twice, resign=True), "answers")
    assert "pk_answers" in output or "UNIQUE constraint failed: answers" in output


def test_another_schema_revision_is_refused(target, tmp_path, taken):
    def older(member: str, body: bytes) -> bytes:
        return json.dumps({**json.loads(body), "revision": "0005"}).encode() if member == "manifest.json" else body

    refused(target, tmp_path, rewrite(taken, older), "The backup is at schema revision 0005 but this database is at")


def test_an_old_format_without_checksums_is_refused(target, tmp_path, taken):
    def version_one(member: str, body: bytes) -> bytes:
        return json.dumps({**json.loads(body), "format_version": 1}).encode() if member == "manifest.json" else body

    refused(target, tmp_path, rewrite(taken, version_one), "format version 1 is not supported")


def test_a_truncated_zip_or_another_file_is_refused(target, tmp_path, taken):
    refused(target, tmp_path, taken[: len(taken) // 2], "not a backup")
    refused(target, tmp_path, b"id,name\n1,not a zip\n", "not a backup")
    with zipfile.ZipFile(buffer := io.BytesIO(), "w") as archive:
        archive.writestr("manifest.json", "{not json")
    refused(target, tmp_path, buffer.getvalue(), "manifest.json is damaged")


def test_a_damaged_member_is_refused_naming_it(target, tmp_path, taken):
    with zipfile.ZipFile(io.BytesIO(taken)) as archive:
        info = archive.getinfo("tables/units.jsonl")
        start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 100
    broken = taken[:start] + bytes(b ^ 0xFF for b in taken[start:start + 64]) + taken[start + 64:]
    refused(target, tmp_path, broken, "tables/units.jsonl")


def test_backup_cli_prints_a_summary_and_the_manifest_says_what_it_holds(app, runner, tmp_path, taken):
    path = tmp_path / "b.zip"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest["format_version"] == 2 and manifest["database"] == db.engine.dialect.name
        assert manifest["revision"] == backup.schema_revision() and manifest["created_at"].endswith("Z")
        assert [e["name"] for e in manifest["tables"]] == [t.name for t in backup.tables()]
        for entry in manifest["tables"]:
            body = archive.read(entry["file"])
            assert entry["sha256"] == hashlib.sha256(body).hexdigest() and entry["rows"] == body.count(b"\n")
    rows = sum(e["rows"] for e in manifest["tables"])
    assert manifest["tables"][[e["name"] for e in manifest["tables"]].index("responses")]["rows"] == 3
    assert (f"{len(manifest['tables'])} tables, {rows} rows, {path.stat().st_size} bytes"
            in result.output)
