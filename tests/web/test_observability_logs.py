"""Logs: one handler however many apps, JSON lines in production with the request's id on each line, the id carried
into the group commit's line, and every 5xx logged once with its traceback."""
from __future__ import annotations

import json
import logging
import contextvars
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from survey.errors import DomainError
from survey.observability import logs
from survey.services.access.devices import authenticate_kiosk
from survey.services.access.secrets import digest
from survey.services.responses.group_commit import GroupCommit, Submission
from survey.services.responses.record import prepare_response

NOW = datetime.now(timezone(timedelta(hours=7))).replace(microsecond=0)


def kiosk_body() -> dict:
    return {"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "submitted_at": NOW.isoformat(),
            "answers": {"Q": 4}}


class Busy(DomainError):
    status = 503


@pytest.fixture
def json_app(app, variant):
    """A variant logging JSON lines (as in production), with test-only routes; the test app's logging back after."""
    made = variant(LOG_FORMAT="json", PROPAGATE_EXCEPTIONS=False)

    @made.get("/test-log")
    def test_log():
        logging.getLogger("survey.test").info("first line", extra={"answer": 42})
        logging.getLogger("other.library").warning("second line")
        return "ok"

    @made.get("/test-crash")
    def test_crash():
        raise RuntimeError("the test's crash")

    @made.get("/test-busy")
    def test_busy():
        raise Busy("busy", "The database is busy")

    yield made
    logs.configure_logging(app)


def lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]


def test_each_line_of_a_request_is_json_with_the_given_request_id(json_app, capsys):
    capsys.readouterr()
    response = json_app.test_client().get("/test-log", headers={"X-Request-ID": "lb-7f3a.2"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.2"
    found = [line for line in lines(capsys) if line["logger"] in ("survey.test", "other.library")]
    assert [(line["level"], line["message"], line["request_id"]) for line in found] == [
        ("INFO", "first line", "lb-7f3a.2"), ("WARNING", "second line", "lb-7f3a.2")]
    assert found[0]["answer"] == 42
    assert datetime.fromisoformat(found[0]["time"]).tzinfo is not None


@pytest.mark.parametrize("given", ["", "has space", "x" * 65, "<script>", "-leading-dash"])
def test_a_missing_or_malformed_request_id_is_replaced_by_a_new_one(json_app, given):
    client = json_app.test_client()
    first = client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"]
    second = client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"]
    assert first != given and second != given and first != second
    assert len(first) == 16 and int(first, 16) >= 0


def test_development_lines_are_readable_text_with_the_request_id(variant, capsys):
    capsys.readouterr()
    development = variant()

    @development.get("/test-text-log")
    def test_text_log():
        logging.getLogger("survey.test").warning("plain line")
        return "ok"

    development.test_client().get("/test-text-log", headers={"X-Request-ID": "dev-1"})
    text = [line for line in capsys.readouterr().err.splitlines() if "plain line" in line]
    assert len(text) == 1 and " WARNING [dev-1] survey.test: plain line" in text[0]


def test_configuring_again_replaces_the_one_handler(app, variant):
    variant(LOG_FORMAT="json")
    variant(LOG_FORMAT="text")
    ours = [h for h in logging.getLogger().handlers if isinstance(h, logs.StderrHandler)]
    assert len(ours) == 1 and not isinstance(ours[0].formatter, logs.JsonFormatter)


def test_an_unhandled_error_is_logged_once_with_its_traceback(json_app, capsys):
    capsys.readouterr()
    response = json_app.test_client().get("/test-crash", headers={"X-Request-ID": "crash-1"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "crash-1"
    errors = [line for line in lines(capsys) if line["level"] == "ERROR"]
    assert len(errors) == 1
    assert errors[0]["request_id"] == "crash-1" and errors[0]["exc_type"] == "RuntimeError"
    assert "Traceback" in errors[0]["traceback"] and "the test's crash" in errors[0]["traceback"]


def test_a_5xx_answered_by_a_handler_is_logged_once_with_its_traceback(json_app, capsys):
    capsys.readouterr()
    response = json_app.test_client().get("/test-busy", headers={"X-Request-ID": "busy-1"})
    assert response.status_code == 503
    errors = [line for line in lines(capsys) if line["level"] in ("ERROR", "WARNING")]
    assert len(errors) == 1 and errors[0]["status"] == 503 and errors[0]["request_id"] == "busy-1"
    assert errors[0]["exc_type"] == "Busy" and "test_busy" in errors[0]["traceback"]


def test_a_4xx_is_not_logged_as_an_error(json_app, capsys):
    capsys.readouterr()
    assert json_app.test_client().get("/no-such-page").status_code == 404
    assert not [line for line in lines(capsys) if line["level"] in ("ERROR", "WARNING")]


def test_the_group_commit_logs_the_request_ids_it_wrote(client, make_device, caplog):
    _device, token = make_device()
    caplog.set_level(logging.INFO, logger="survey.group_commit")
    response = client.post("/api/v1/responses", json=kiosk_body(),
                           headers={"Authorization": f"Bearer {token}", "X-Request-ID": "kiosk-req-1"})
    assert response.status_code == 201 and response.headers["X-Request-ID"] == "kiosk-req-1"
    written = [r for r in caplog.records if r.name == "survey.group_commit"]
    assert len(written) == 1
    assert written[0].request_ids == ["kiosk-req-1"] and written[0].request_id == "kiosk-req-1"
    assert (written[0].batch_size, written[0].stored_new, written[0].already_stored) == (1, 1, 0)


def test_a_leader_names_every_request_of_its_batch(app, make_device, caplog):
    """Submissions prepared in three requests' contexts, written together by a leader outside all of them."""
    from survey.extensions import db

    _device, token = make_device()
    caller, token_hash = authenticate_kiosk(token), digest(token)
    body = kiosk_body()
    batch: list[Submission] = []

    def prepare(rid: str, payload: dict) -> None:
        logs.request_id.set(rid)  # what the request-id hook does in each request's thread
        batch.append(Submission(prepare_response(payload, device=caller), caller, token_hash))

    for rid, payload in (("a-1", body), ("b-2", kiosk_body()), ("c-3", body)):
        contextvars.copy_context().run(prepare, rid, payload)  # each request runs in its own context
    caplog.set_level(logging.INFO, logger="survey.group_commit")
    group = GroupCommit(db.engine)
    try:
        group.write_batch(batch)
    finally:
        group.close()
    written = [r for r in caplog.records if r.name == "survey.group_commit"]
    assert [(r.request_ids, r.stored_new, r.already_stored) for r in written] == [(["a-1", "b-2", "c-3"], 2, 1)]
    assert written[0].request_id == "-"  # written outside any request: the ids are in request_ids
