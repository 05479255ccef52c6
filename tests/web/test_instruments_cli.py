"""`survey instruments …`: load is idempotent, files are checked before import, publish, list and show."""
from __future__ import annotations

import json

from sqlalchemy import select

from survey.extensions import db
from survey.instruments.definition import load_document
from survey.models import InstrumentVersion


def _ok(result):
    assert result.exit_code == 0, result.output
    return result.output


def _file(tmp_path, document, name="def.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_load_is_idempotent(runner):
    output = _ok(runner.invoke(args=["instruments", "load"]))
    assert "SIPAS-1001: unchanged" in output and "KIOSK-QUICK: unchanged" in output


def test_validate_prints_each_problem_and_fails(runner, tmp_path):
    doc = load_document("KIOSK-QUICK")
    doc["sections"][0]["items"][0]["weight"] = -1
    result = runner.invoke(args=["instruments", "validate", _file(tmp_path, doc)])
    assert result.exit_code == 1 and "Q: bad_weight:" in result.output
    assert _ok(runner.invoke(args=["instruments", "validate", _file(tmp_path, load_document("ONESTOP-61"))])) \
        .strip() == "valid"


def test_import_refuses_a_broken_file_and_writes_nothing(runner, tmp_path):
    doc = load_document("KIOSK-QUICK")
    doc.update(code="KIOSK-X", kind="poll")
    result = runner.invoke(args=["instruments", "import", _file(tmp_path, doc)])
    assert result.exit_code != 0 and "kind" in result.output
    assert "not a readable JSON" in runner.invoke(args=["instruments", "import", str(tmp_path / "none.json")]).output


def test_import_then_publish_a_new_official_version(runner, tmp_path):
    doc = load_document("SIPAS-2640")
    doc["version"] = 2
    assert "SIPAS-2640 v2: added" in _ok(runner.invoke(args=["instruments", "import", "--official",
                                                               _file(tmp_path, doc)]))
    assert "SIPAS-2640\tv2\tdraft" in _ok(runner.invoke(args=["instruments", "list"]))
    _ok(runner.invoke(args=["instruments", "publish", "SIPAS-2640", "2"]))
    status = db.session.scalar(select(InstrumentVersion.status).where(InstrumentVersion.version == 2))
    assert status == "published"
    again = runner.invoke(args=["instruments", "publish", "SIPAS-2640", "2"])
    assert again.exit_code != 0 and "already published" in again.output


def test_show_prints_the_api_description(runner):
    body = json.loads(_ok(runner.invoke(args=["instruments", "show", "KIOSK-QUICK"])))
    assert [i["code"] for i in body["items"]] == ["Q", "R", "COMMENT"]
    result = runner.invoke(args=["instruments", "show", "NOPE"])
    assert result.exit_code != 0 and "Unknown instrument NOPE" in result.output


def test_import_as_draft_then_import_again_with_publish_publishes_it(runner, tmp_path):
    doc = load_document("KIOSK-QUICK")
    doc["version"] = 2
    path = _file(tmp_path, doc)
    assert "v2: added" in _ok(runner.invoke(args=["instruments", "import", "--official", path]))
    assert "v2: published" in _ok(runner.invoke(args=["instruments", "import", "--official", "--publish", path]))
    assert "v2: unchanged" in _ok(runner.invoke(args=["instruments", "import", "--official", "--publish", path]))
