"""/metrics: a 404 unless SURVEY_METRICS=1; guarded by SURVEY_METRICS_TOKEN; counts requests by endpoint and status,
their latency, kiosk submissions stored, group-commit batch sizes and the outbox lengths kiosks report."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from prometheus_client.parser import text_string_to_metric_families

NOW = datetime.now(timezone(timedelta(hours=7))).replace(microsecond=0)


@pytest.fixture
def metered(variant):
    """The app with metrics on (the metrics themselves are the process's: tests compare before and after)."""
    return variant(METRICS=1)


def scrape(client, **headers) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for s in family.samples}


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_a_404_unless_enabled(client):
    assert client.get("/metrics").status_code == 404


def test_requests_are_counted_by_endpoint_method_and_status_with_their_latency(metered):
    client = metered.test_client()
    before = scrape(client)
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no-such-page")
    after = scrape(client)
    ok = {"endpoint": "health.alive", "method": "GET", "status": "200"}
    assert value(after, "survey_http_requests_total", **ok) - value(before, "survey_http_requests_total", **ok) == 2
    missing = {"endpoint": "unmatched", "method": "GET", "status": "404"}
    assert value(after, "survey_http_requests_total", **missing) - value(
        before, "survey_http_requests_total", **missing) == 1
    timed = "survey_http_request_duration_seconds_count"
    assert value(after, timed, endpoint="health.alive") - value(before, timed, endpoint="health.alive") == 2
    assert value(after, "survey_http_request_duration_seconds_bucket", endpoint="health.alive", le="+Inf") >= 2


def test_a_token_guards_the_metrics_when_set(variant):
    client = variant(METRICS=1, METRICS_TOKEN="s3cret-metrics").test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Basic s3cret-metrics"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics"}).status_code == 200


def test_a_numeric_token_from_the_environment_is_compared_as_text(variant, monkeypatch):
    monkeypatch.setenv("SURVEY_METRICS_TOKEN", "12345")
    client = variant(METRICS=1, METRICS_TOKEN=12345).test_client()  # what from_prefixed_env makes of it
    assert client.get("/metrics", headers={"Authorization": "Bearer 12345"}).status_code == 200
    assert client.get("/metrics", headers={"Authorization": "Bearer 1234"}).status_code == 403


def test_submissions_batches_and_outbox_lengths_are_counted(metered, make_device):
    device, token = make_device()
    client = metered.test_client()
    body = {"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "submitted_at": NOW.isoformat(),
            "answers": {"Q": 3}}
    headers = {"Authorization": f"Bearer {token}", "X-Outbox-Length": "7"}
    before = scrape(client)
    assert client.post("/api/v1/responses", json=body, headers=headers).status_code == 201
    assert client.post("/api/v1/responses", json=body, headers=headers).status_code == 200
    assert client.post("/api/v1/devices/heartbeat", json={"queue_length": 2},
                       headers={"Authorization": f"Bearer {token}"}).status_code == 200
    after = scrape(client)

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("survey_submissions_stored_total", outcome="created") == 1
    assert grew("survey_submissions_stored_total", outcome="already_stored") == 1
    assert grew("survey_group_commit_batch_size_count") == 2 and grew("survey_group_commit_batch_size_sum") == 2
    assert grew("survey_kiosk_outbox_length_count") == 3 and grew("survey_kiosk_outbox_length_sum") == 7 + 7 + 2
    assert value(after, "survey_kiosk_outbox_last", device=str(device.id)) == 2


def test_a_device_revoked_elsewhere_counts_as_refused(metered, make_device):
    """Revoked by another server (this worker still remembers the token): refused as its response is written."""
    from sqlalchemy import text

    from survey.extensions import db

    device, token = make_device()
    client = metered.test_client()
    body = {"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "submitted_at": NOW.isoformat(),
            "answers": {"Q": 3}}
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/responses", json=body, headers=headers).status_code == 201  # token remembered
    before = scrape(client)
    db.session.execute(text("UPDATE devices SET revoked_at = CURRENT_TIMESTAMP WHERE id = :id"), {"id": device.id})
    db.session.commit()
    assert client.post("/api/v1/responses", json={**body, "id": str(uuid.uuid4())}, headers=headers).status_code == 403
    after = scrape(client)
    refused = ("survey_submissions_refused_total", (("reason", "revoked_device"),))
    assert after.get(refused, 0) - before.get(refused, 0) == 1


def test_gunicorn_start_empties_only_the_metric_files_of_the_last_run(tmp_path, monkeypatch):
    from survey.observability.metrics import on_starting

    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_123.db").write_bytes(b"old")
    (directory / "notes.txt").write_text("kept")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    on_starting(None)
    assert sorted(p.name for p in directory.iterdir()) == ["notes.txt"]
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "new" / "dir"))
    on_starting(None)
    assert (tmp_path / "new" / "dir").is_dir()
