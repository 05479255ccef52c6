"""Scale-out: two app servers (separate gunicorn masters, two workers each) on one PostgreSQL and one Redis.

The same responses sent to both at once are each stored once; the sign-in limit is counted across both exactly;
a kiosk revoked through one server is refused by the other at once (although its workers remember the token);
the audit log holds what was done on each; each server's /metrics adds up its two workers; the group commit's log
lines name the requests they wrote. Runs when PostgreSQL and Redis answer on 127.0.0.1 (required under CI=true).
"""
from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.deploy.servers import AppServer, browser, call, csrf_token, delete_keys
from tests.fixtures.scratch_db import scratch_postgres

pytestmark = pytest.mark.postgres
NOW = datetime.now(timezone(timedelta(hours=7))).replace(microsecond=0)
REDIS_DB = 13  # a number no other test uses; this run's keys also carry their own prefix
ADMIN, PASSWORD = "admin@scaleout.example.vn", "a long enough password"
RESPONSES = 24
OUTBOX = 3  # what the kiosk reports waiting in its outbox with each submission


@pytest.fixture
def redis_client(request):
    redis = pytest.importorskip("redis")
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but Redis does not answer on 127.0.0.1:6379")
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    yield client
    client.close()


@pytest.fixture
def database(request):
    if not request.config.pg_available:
        pytest.skip("PostgreSQL is not available on 127.0.0.1:5432")
    with scratch_postgres("survey_scaleout") as url:
        yield url


def seed(url: str) -> dict:
    """Migrate the scratch database, load units and instruments, add an administrator and three kiosks."""
    from flask_migrate import upgrade

    from survey.app import create_app
    from survey.extensions import db
    from survey.services.access import accounts, devices
    from survey.services.instruments.versions import load_official_instruments
    from survey.services.organisation import agencies
    from survey.services.organisation.units import load_current_units
    from tests.fixtures.factories import commune_codes

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "seed", "TESTING": True})
    with app.app_context():
        upgrade()
        load_current_units()
        load_official_instruments()
        commune = commune_codes("22", 1)[0]
        agencies.add_agency("000.00.31.H22", "UBND xã", commune, None, "commune_centre")
        agencies.add_service_point("SP-SCALE", "Trung tâm Phục vụ hành chính công", "000.00.31.H22", commune)
        kiosks = [devices.register_device("SP-SCALE", name=f"Kiosk {n}") for n in range(3)]
        accounts.add_user(ADMIN, "homeaffairs", PASSWORD, "22")
        db.session.commit()
        found = {"kiosks": [(device.id, token) for device, token, _enrol in kiosks]}
        db.engine.dispose()
    return found


def query(url: str, sql: str, **params) -> list[tuple]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def body(client_id: str) -> dict:
    return {"id": client_id, "instrument": "KIOSK-QUICK", "submitted_at": NOW.isoformat(), "answers": {"Q": 4}}


def submit(server: AppServer, token: str, payload: dict, request_id: str | None = None) -> tuple[int, dict, object]:
    headers = {"Authorization": f"Bearer {token}", "X-Outbox-Length": str(OUTBOX),
               **({"X-Request-ID": request_id} if request_id else {})}
    return call("POST", f"{server.url}/api/v1/responses", payload, headers)


def metrics(server: AppServer) -> dict:
    status, _headers, text = call("GET", f"{server.url}/metrics")
    assert status == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def sign_in(server: AppServer, opener, email: str, password: str) -> int:
    page = call("GET", f"{server.url}/auth/login", opener=opener)[2]
    return call("POST", f"{server.url}/auth/login", opener=opener,
                form={"csrf_token": csrf_token(page), "email": email, "password": password})[0]


def revoke(server: AppServer, opener, device_id: int) -> int:
    page = call("GET", f"{server.url}/admin/devices", opener=opener)[2]
    return call("POST", f"{server.url}/admin/devices/{device_id}/revoke", opener=opener,
                form={"csrf_token": csrf_token(page)})[0]


def test_two_servers_share_one_database_and_one_redis(database, redis_client, tmp_path):
    seeded = seed(database)
    (kiosk_id, kiosk_token), (other_id, other_token), (third_id, third_token) = seeded["kiosks"]
    prefix = f"scaleout{uuid.uuid4().hex[:8]}"
    delete_keys(redis_client, f"*{prefix}*")
    env = {"SURVEY_DATABASE_URL": database, "SURVEY_SECRET_KEY": "shared-secret-of-the-province",
           "SURVEY_REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}", "SURVEY_RATELIMIT_KEY_PREFIX": prefix,
           "SURVEY_LOGIN_RATE_LIMIT": "5 per hour", "SURVEY_METRICS": "1", "SURVEY_LOG_FORMAT": "json"}
    servers = [AppServer("a", env, tmp_path), AppServer("b", env, tmp_path)]
    a, b = servers
    try:
        for server in servers:
            server.start()
        for server in servers:
            ready = server.wait_ready()
            assert ready["checks"]["redis"]["ok"] is True and ready["checks"]["rate_limits"]["state"] == "shared"

        # The same responses to both servers at once: each stored once, one 201 and one 200 per response.
        ids = [str(uuid.uuid4()) for _ in range(RESPONSES)]
        jobs = [(server, client_id, f"{server.name}-{n}") for n, client_id in enumerate(ids) for server in servers]
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda job: (job, submit(job[0], kiosk_token, body(job[1]), job[2])), jobs))
        statuses = {client_id: sorted(answer[0] for (_s, cid, _r), answer in answers if cid == client_id)
                    for client_id in ids}
        assert all(found == [200, 201] for found in statuses.values()), statuses
        assert query(database, "SELECT count(*), count(DISTINCT client_id) FROM responses WHERE device_id = :d",
                     d=kiosk_id) == [(RESPONSES, RESPONSES)]
        assert query(database, "SELECT count(*) FROM answers") == [(RESPONSES,)]  # Q only, once each

        # Each server's /metrics adds up its two workers: what it stored is what it answered.
        for server in servers:
            answered = [answer[0] for (s, _c, _r), answer in answers if s is server]
            seen = metrics(server)
            assert seen.get(("survey_submissions_stored_total", (("outcome", "created"),)), 0) == answered.count(201)
            assert seen.get(("survey_submissions_stored_total", (("outcome", "already_stored"),)), 0) == \
                answered.count(200)
            assert seen[("survey_kiosk_outbox_length_count", ())] == RESPONSES
            assert seen[("survey_kiosk_outbox_length_sum", ())] == RESPONSES * OUTBOX
            assert seen[("survey_kiosk_outbox_last", (("device", str(kiosk_id)),))] == OUTBOX

        # Every request that stored a response is named by a group-commit line of the server that answered it.
        for server in servers:
            logged = {rid for line in server.json_lines() if line.get("logger") == "survey.group_commit"
                      for rid in line.get("request_ids", [])}
            created = {rid for (s, _c, rid), answer in answers if s is server and answer[0] == 201}
            assert created and created <= logged

        # The sign-in limit (5 an hour per address) is counted across both servers, exactly.
        admin = browser()
        assert sign_in(a, admin, ADMIN, PASSWORD) == 302  # 1 of 5
        attempts = [(server, f"nobody{n}@scaleout.example.vn") for n in range(4) for server in servers]
        with ThreadPoolExecutor(max_workers=8) as pool:
            tried = list(pool.map(lambda job: sign_in(job[0], browser(), job[1], "wrong password"), attempts))
        assert sorted(tried) == [200] * 4 + [429] * 4, tried

        # Kiosks used on both servers (their workers remember the tokens), then revoked through the other server.
        for server in servers:
            for _ in range(4):
                assert submit(server, other_token, body(str(uuid.uuid4())))[0] == 201
                assert submit(server, third_token, body(str(uuid.uuid4())))[0] == 201
        assert revoke(a, admin, other_id) == 302
        assert submit(b, other_token, body(str(uuid.uuid4())))[0] == 403
        assert submit(b, other_token, body(ids[0]))[0] == 403  # not even a resend of a stored response
        assert call("POST", f"{b.url}/api/v1/devices/heartbeat", {"queue_length": 1},
                    {"Authorization": f"Bearer {other_token}"})[0] == 403
        assert revoke(b, admin, third_id) == 302  # the session made on server a works on server b
        for _ in range(4):  # whichever worker of server a answers
            assert submit(a, third_token, body(str(uuid.uuid4())))[0] == 403
        assert submit(a, kiosk_token, body(str(uuid.uuid4())))[0] == 201  # the others still submit

        # The audit log holds what was done on each server.
        audit = query(database, "SELECT actor, action, object, outcome FROM audit_log ORDER BY id")
        assert [row for row in audit if row[1] == "login"] == [(ADMIN, "login", "session", "ok")]
        assert sorted(row[0] for row in audit if row[1] == "login.failed") == sorted(
            email for (_s, email), status in zip(attempts, tried) if status == 200)
        assert [row[:3] for row in audit if row[1] == "device.revoke"] == [
            (ADMIN, "device.revoke", f"device:{other_id}"), (ADMIN, "device.revoke", f"device:{third_id}")]
        assert query(database, "SELECT count(*) FROM responses WHERE device_id IN (:o, :t)",
                     o=other_id, t=third_id) == [(16,)]
    finally:
        for server in servers:
            server.stop()
        delete_keys(redis_client, f"*{prefix}*")
