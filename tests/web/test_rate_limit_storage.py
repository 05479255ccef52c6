"""Redis down never means 500 (limits fall back to memory, /healthz says so); per-worker limits divided (15.8/11)."""
from __future__ import annotations

import logging
import uuid

import pytest
import redis

from survey.extensions import limiter
from tests.fixtures.factories import PASSWORD
from tests.web.test_collection_api import body, post

DEAD_REDIS = "redis://127.0.0.1:6390/0"
LIVE_REDIS = "redis://127.0.0.1:6379/13"


@pytest.fixture
def limited(variant):
    """Variants with limits on; the shared limiter forgets any degradation afterwards."""
    yield lambda **overrides: variant(RATELIMIT_ENABLED=True, **overrides)
    limiter._storage_dead = False


def _heartbeat(client, token):
    return client.post("/api/v1/devices/heartbeat", json={"queue_length": 0},
                       headers={"Authorization": f"Bearer {token}"})


def test_a_dead_redis_degrades_to_memory_without_a_500(limited, make_device, make_user, caplog):
    app = limited(REDIS_URL=DEAD_REDIS, RATE_LIMIT_SUBMIT_DEVICE="3/minute", WORKERS=1)
    _device, token = make_device()
    user = make_user()
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        assert post(client, token, body()).status_code == 201
    assert any("unreachable" in r.getMessage() for r in caplog.records)
    assert app.test_client().get("/healthz").get_json() == {"status": "ok", "rate_limits": "degraded"}
    assert [_heartbeat(client, token).status_code for _ in range(3)] == [200, 200, 429]  # still limited, in memory
    signed_in = app.test_client().post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert signed_in.status_code == 302


def test_sign_in_first_also_degrades(limited, make_user):
    app = limited(REDIS_URL=DEAD_REDIS, LOGIN_RATE_LIMIT="2 per minute", WORKERS=1)
    user = make_user()
    client = app.test_client()
    statuses = [client.post("/auth/login", data={"email": user.email, "password": "wrong password!"}).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_a_live_redis_shares_the_limits(limited, make_device):
    prefix = f"test-{uuid.uuid4().hex}"
    app = limited(REDIS_URL=LIVE_REDIS, RATELIMIT_KEY_PREFIX=prefix, RATE_LIMIT_SUBMIT_DEVICE="2/minute", WORKERS=4)
    _device, token = make_device()
    try:
        client = app.test_client()
        assert post(client, token, body()).status_code == 201
        assert _heartbeat(client, token).status_code == 200
        assert _heartbeat(client, token).status_code == 429  # shared: not divided by the workers
        assert app.test_client().get("/healthz").get_json()["rate_limits"] == "shared"
        assert redis.Redis.from_url(LIVE_REDIS).keys(f"*{prefix}*")
    finally:
        store = redis.Redis.from_url(LIVE_REDIS)
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)


def test_per_worker_limits_are_divided_by_the_workers(limited, make_device, make_user):
    app = limited(RATELIMIT_STORAGE_URI="worker-memory://", RATE_LIMIT_SUBMIT_DEVICE="8/minute",
                  LOGIN_RATE_LIMIT="8 per minute", WORKERS=4)
    _device, token = make_device()
    user = make_user()
    client = app.test_client()
    assert [_heartbeat(client, token).status_code for _ in range(3)] == [200, 200, 429]
    statuses = [client.post("/auth/login", data={"email": user.email, "password": "wrong password!"}).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert app.test_client().get("/healthz").get_json() == {"status": "ok", "rate_limits": "per-worker"}
