"""/healthz answers without the database; /readyz answers 503 naming each failed condition: the database
unreachable, its migrations not at head, Redis configured but unreachable (rate-limit degradation is reported)."""
from __future__ import annotations

import contextlib

import pytest
from flask_migrate import upgrade

from survey.extensions import limiter
from survey.observability import health
from tests.fixtures.scratch_db import scratch_postgres


@contextlib.contextmanager
def empty_database(app, tmp_path):
    """A new empty database of the test app's backend."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with scratch_postgres("survey_readyz") as url:
        yield url


def unreachable(app, tmp_path) -> str:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}"
    return "postgresql+psycopg://postgres@127.0.0.1:1/nothing"  # nothing listens on port 1


def ready(app):
    response = app.test_client().get("/readyz")
    return response.status_code, response.get_json()


def test_a_migrated_database_without_redis_is_ready(app):
    status, body = ready(app)
    assert status == 200 and body["status"] == "ready"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"]["current"] == body["checks"]["migrations"]["head"]
    assert body["checks"]["migrations"]["head"] and body["checks"]["migrations"]["ok"] is True
    assert body["checks"]["redis"] == {"ok": None, "configured": False}


def test_healthz_answers_without_touching_the_database(app, variant, tmp_path):
    down = variant(SQLALCHEMY_DATABASE_URI=unreachable(app, tmp_path))
    response = down.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "rate_limits": "per-worker"}
    status, body = ready(down)
    assert status == 503 and body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is False and body["checks"]["database"]["error"] == "OperationalError"
    assert body["checks"]["migrations"] == {"ok": False, "current": None, "head": body["checks"]["migrations"]["head"]}


def test_an_empty_database_is_not_ready(app, variant, tmp_path):
    with empty_database(app, tmp_path) as url:
        empty = variant(SQLALCHEMY_DATABASE_URI=url)
        status, body = ready(empty)
        with empty.app_context():
            from survey.extensions import db
            db.engine.dispose()
    assert status == 503 and body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"]["ok"] is False and body["checks"]["migrations"]["current"] is None


def test_a_database_one_migration_behind_is_not_ready_until_upgraded(app, variant, tmp_path):
    from survey.extensions import db

    with empty_database(app, tmp_path) as url:
        behind = variant(SQLALCHEMY_DATABASE_URI=url)
        head = ready(behind)[1]["checks"]["migrations"]["head"][0]
        with behind.app_context():
            upgrade(revision="0005")
        status, body = ready(behind)
        with behind.app_context():
            upgrade()
        after = ready(behind)
        with behind.app_context():
            db.engine.dispose()
    assert head != "0005"
    assert status == 503 and body["checks"]["migrations"] == {"ok": False, "current": ["0005"], "head": [head]}
    assert after[0] == 200 and after[1]["checks"]["migrations"]["current"] == [head]


def test_redis_configured_but_unreachable_is_not_ready(app, variant):
    dead = variant(REDIS_URL="redis://127.0.0.1:1/0", RATELIMIT_ENABLED=True)
    status, body = ready(dead)
    assert status == 503 and body["status"] == "unavailable"
    assert body["checks"]["redis"] == {"ok": False, "configured": True, "error": "ConnectionError"}
    assert body["checks"]["database"]["ok"] is True and body["checks"]["migrations"]["ok"] is True
    assert body["checks"]["rate_limits"]["state"] == "shared"


def test_a_reachable_redis_is_ready(app, variant):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    live = variant(REDIS_URL="redis://127.0.0.1:6379/14", RATELIMIT_ENABLED=True)
    status, body = ready(live)
    assert status == 200 and body["checks"]["redis"] == {"ok": True, "configured": True}


def test_degraded_rate_limits_are_reported(app, variant, make_device, monkeypatch):
    monkeypatch.setattr(limiter, "_storage_dead", False)  # put back as it was after the test
    dead = variant(REDIS_URL="redis://127.0.0.1:1/0", RATELIMIT_ENABLED=True)
    assert dead.test_client().get("/healthz").get_json()["rate_limits"] == "shared"  # not known to be down yet
    _device, token = make_device()
    heartbeat = dead.test_client().post("/api/v1/devices/heartbeat", json={"queue_length": 0},
                                        headers={"Authorization": f"Bearer {token}"})
    assert heartbeat.status_code == 200  # counted in memory meanwhile
    assert dead.test_client().get("/healthz").get_json() == {"status": "ok", "rate_limits": "degraded"}
    status, body = ready(dead)
    assert status == 503 and body["checks"]["rate_limits"] == {"ok": True, "state": "degraded", "degraded": True}
    assert body["checks"]["redis"]["ok"] is False


def test_other_modules_add_their_own_checks_and_fields(app, monkeypatch):
    monkeypatch.setitem(health.READINESS_CHECKS, "jobs", lambda _app: {"ok": False, "waiting": 12})
    monkeypatch.setitem(health.LIVENESS_FIELDS, "version", lambda _app: "test")
    status, body = ready(app)
    assert status == 503 and body["checks"]["jobs"] == {"ok": False, "waiting": 12}
    assert app.test_client().get("/healthz").get_json()["version"] == "test"
