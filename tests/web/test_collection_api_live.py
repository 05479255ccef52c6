"""The submission API under a real server: fifty concurrent identical sends store one row; rate limits answer 429."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import redis
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Answer, Response
from tests.e2e.conftest import ServerProcess


def send(url: str, token: str, payload: dict) -> int:
    """POST a response; the HTTP status."""
    request = urllib.request.Request(f"{url}/api/v1/responses", data=json.dumps(payload).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def payload(**extra) -> dict:
    now = datetime.now(timezone(timedelta(hours=7)))
    return {"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "submitted_at": now.isoformat(),
            "answers": {"Q": 1, "R": [2, 5], "COMMENT": "Thái độ chưa tốt"}, **extra}


@pytest.fixture(scope="module")
def busy_server(session_app):
    """Four workers with eight threads each: enough real concurrency to race on the unique client id."""
    server = ServerProcess(session_app.config["SQLALCHEMY_DATABASE_URI"], workers=4, threads=8)
    server.start()
    yield server
    server.stop()


def test_fifty_concurrent_identical_sends_store_one_row(app, make_device, busy_server):
    _, token = make_device()
    body = payload(dossier="000.21.22.H49-260101-0042")
    statuses: list[int] = []
    barrier = threading.Barrier(50)

    def fire() -> None:
        barrier.wait()
        statuses.append(send(busy_server.url, token, body))

    threads = [threading.Thread(target=fire) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 49 + [201], (sorted(statuses), busy_server.logs()[-2000:])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 3


def test_concurrent_sends_of_different_responses_all_land(app, make_device, busy_server):
    _, token = make_device()
    bodies = [payload() for _ in range(40)]
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda b=b: statuses.append(send(busy_server.url, token, b))) for b in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 40
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 40


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_rate_limit_per_device_answers_429(app, make_device, storage):
    if storage == "redis" and not _redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    env = {"SURVEY_RATELIMIT_ENABLED": "true", "SURVEY_RATE_LIMIT_SUBMIT_DEVICE": "3/minute",
           "SURVEY_RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    if storage == "redis":
        env["SURVEY_REDIS_URL"] = "redis://127.0.0.1:6379/15"
    _, token = make_device()
    _, other = make_device()
    # In-memory counters live in each worker; Redis shares them, so two workers must still count together.
    workers = 2 if storage == "redis" else 1
    server = ServerProcess(app.config["SQLALCHEMY_DATABASE_URI"], env=env, workers=workers, threads=2)
    server.start()
    try:
        statuses = [send(server.url, token, payload()) for _ in range(5)]
        assert statuses == [201, 201, 201, 429, 429], server.logs()[-2000:]
        assert send(server.url, other, payload()) == 201  # the limit is per device
    finally:
        server.stop()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 4


def test_rate_limit_per_address_answers_429(app, make_device):
    env = {"SURVEY_RATELIMIT_ENABLED": "true", "SURVEY_RATE_LIMIT_SUBMIT_IP": "2/minute"}
    _, token = make_device()
    server = ServerProcess(app.config["SQLALCHEMY_DATABASE_URI"], env=env, workers=1, threads=2)
    server.start()
    try:
        statuses = [send(server.url, "dev_nonsense", payload()) for _ in range(2)]
        statuses.append(send(server.url, token, payload()))
        assert statuses == [401, 401, 429]
    finally:
        server.stop()


def test_sigkill_under_load_loses_no_acknowledged_response(app, make_device):
    import os
    import signal
    import time

    _, token = make_device()
    server = ServerProcess(app.config["SQLALCHEMY_DATABASE_URI"], workers=2, threads=4)
    server.start()
    acknowledged: list[str] = []
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            body = payload()
            try:
                if send(server.url, token, body) in (200, 201):
                    acknowledged.append(body["id"])
            except OSError:  # the server is gone: the send was never acknowledged
                return

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 100 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(server.process.pid, signal.SIGKILL)  # no graceful shutdown, mid-request
    server.process.wait(timeout=10)
    server.process = None
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acknowledged) >= 100
    db.session.rollback()
    stored = set(db.session.scalars(select(Response.client_id)))
    assert set(acknowledged) <= stored, len(set(acknowledged) - stored)
