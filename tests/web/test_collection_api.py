"""POST /api/v1/responses answers every status of SPEC 2.3 and writes nothing unless the whole response is valid."""
from __future__ import annotations

import json
import unicodedata
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Answer, Comment, Device, Response
from survey.services.access import devices

NOW = datetime.now(timezone(timedelta(hours=7))).replace(microsecond=0)


def body(**overrides) -> dict:
    """A valid KIOSK-QUICK response; overrides replace or (None) remove fields."""
    data = {"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "submitted_at": NOW.isoformat(),
            "answers": {"Q": 2, "R": [3, 1], "COMMENT": "Chờ lâu quá"}}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client, token, payload, **headers):
    return client.post("/api/v1/responses", data=json.dumps(payload, ensure_ascii=False),
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", **headers})


def count(model=Response) -> int:
    db.session.rollback()  # see what other connections committed
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def kiosk(make_device):
    device, token = make_device()
    return device, token


def test_valid_response_is_stored_with_answers_comment_and_place(client, kiosk):
    device, token = kiosk
    payload = body()
    resp = post(client, token, payload)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json() == {"id": payload["id"], "status": "stored"}
    stored = db.session.scalar(select(Response).where(Response.client_id == payload["id"]))
    assert stored.channel == "kiosk" and stored.device_id == device.id
    assert stored.service_point_id == device.service_point_id
    assert stored.agency_id == device.service_point.agency_id and stored.unit_id == device.service_point.unit_id
    codes = sorted(a.code for a in stored.answers)
    assert codes == [1, 2, 3]  # Q=2, R=[1,3]: one row per chosen code
    comment = db.session.scalar(select(Comment).where(Comment.response_id == stored.id))
    assert comment.text == "Chờ lâu quá" and comment.status == "new"
    assert stored.local_date == NOW.date()


def test_same_id_same_content_answers_200_and_stores_once(client, kiosk):
    _, token = kiosk
    payload = body()
    assert post(client, token, payload).status_code == 201
    again = post(client, token, payload)
    assert again.status_code == 200 and again.get_json()["status"] == "already_stored"
    assert count() == 1


def test_resend_with_equivalent_content_is_the_same_content(client, kiosk):
    # Multi-select order, an explicit version, the offset and NFD text do not change the content.
    _, token = kiosk
    payload = body()
    assert post(client, token, payload).status_code == 201
    utc = NOW.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    same = {**payload, "version": 1, "submitted_at": utc,
            "answers": {"Q": 2, "R": [1, 3], "COMMENT": unicodedata.normalize("NFD", "Chờ lâu quá")}}
    assert post(client, token, same).status_code == 200
    assert count() == 1


def test_same_id_different_content_is_a_conflict(client, kiosk):
    _, token = kiosk
    payload = body()
    assert post(client, token, payload).status_code == 201
    resp = post(client, token, {**payload, "answers": {"Q": 5}})
    assert resp.status_code == 409
    assert resp.get_json()["error"] == "id_reused"
    assert count() == 1 and count(Answer) == 3


def test_one_rating_per_dossier_per_channel(client, kiosk):
    _, token = kiosk
    dossier = "000.21.22.H49-250701-0001"
    assert post(client, token, body(dossier=dossier)).status_code == 201
    resp = post(client, token, body(dossier=dossier.lower()))
    assert resp.status_code == 409
    data = resp.get_json()
    assert data["error"] == "dossier_rated" and "already been rated" in data["message"]
    assert post(client, token, body(dossier=dossier, channel="online")).status_code == 201
    assert count() == 2


@pytest.mark.parametrize("payload, field, code", [
    (body(answers={"Q": 7}), "answers.Q", "out_of_scale"),
    (body(answers={"Q": "5"}), "answers.Q", "wrong_type"),
    (body(answers={"Q": True}), "answers.Q", "wrong_type"),
    (body(answers={"Q": 5, "ZZ": 1}), "answers.ZZ", "unknown_item"),
    (body(answers={"Q": 5, "R": [1]}), "answers.R", "routed_out"),
    (body(answers={"R": [1]}), "answers.Q", "required"),
    (body(answers={"Q": 1, "R": [1, 1]}), "answers.R", "duplicate_code"),
    (body(answers={"Q": 1, "COMMENT": "x" * 501}), "answers.COMMENT", "too_long"),
    (body(answers={"Q": 1, "COMMENT": "a\u0000b"}), "answers.COMMENT", "bad_character"),
    (body(answers=[2]), "answers", "wrong_type"),
    (body(answers={}), "answers.Q", "required"),
    (body(id="not-a-uuid"), "id", "bad_format"),
    (body(id=None), "id", "required"),
    (body(instrument="NOPE"), "instrument", "unknown"),
    (body(instrument=None), "instrument", "required"),
    (body(version=99), "version", "unknown"),
    (body(version="1"), "version", "wrong_type"),
    (body(submitted_at="2026-03-01T09:30:00"), "submitted_at", "no_offset"),
    (body(submitted_at=(NOW + timedelta(days=1)).isoformat()), "submitted_at", "in_future"),
    (body(submitted_at="yesterday"), "submitted_at", "bad_format"),
    (body(submitted_at="2001-01-01T00:00:00+07:00"), "submitted_at", "too_old"),
    (body(channel="fax"), "channel", "unknown"),
    (body(service_point="ELSEWHERE"), "service_point", "not_this_device"),
    (body(agency="000.99.99.H99"), "agency", "unknown"),
    (body(agency="nonsense"), "agency", "bad_format"),
    (body(dossier="HS-123"), "dossier", "bad_format"),
    (body(dossier="000.21.22.H49-251399-0001"), "dossier", "bad_format"),
    (body(counter="x" * 41), "counter", "too_long"),
    (body(respondent={"sex": 1}), "respondent.sex", "unknown_item"),
    (body(instrument="SIPAS-1001", answers={"A2.1.1": 4}, respondent={"sex": 3}), "respondent.sex", "not_a_code"),
    (body(extra=1), "extra", "unknown_field"),
])
def test_invalid_responses_answer_422_naming_the_field_and_write_nothing(client, kiosk, payload, field, code):
    _, token = kiosk
    resp = post(client, token, payload)
    assert resp.status_code == 422, resp.get_json()
    errors = resp.get_json()["errors"]
    assert {"field": field, "code": code} in [{"field": e["field"], "code": e["code"]} for e in errors], errors
    assert all(e["message"] for e in errors)
    assert count() == 0 and count(Answer) == 0 and count(Comment) == 0


def test_profile_codes_go_to_the_response_columns(client, make_device):
    _, token = make_device(instrument="SIPAS-1001")
    payload = body(instrument="SIPAS-1001", answers={"A2.1.1": 4, "A2.3.2": 9, "X.5": 1, "A2.5.1": 2},
                   respondent={"sex": 2, "age_band": 3})
    resp = post(client, token, payload)
    assert resp.status_code == 201, resp.get_json()
    stored = db.session.scalar(select(Response))
    assert (stored.sex, stored.age_band, stored.education) == (2, 3, None)
    assert sorted(a.code for a in stored.answers) == [1, 2, 4, 9]


def test_a2_5_needs_x5_at_a_kiosk_showing_the_a2_block(client, make_device):
    _, token = make_device(instrument="SIPAS-1001")
    resp = post(client, token, body(instrument="SIPAS-1001", answers={"A2.1.1": 4, "A2.5.1": 2}))
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == "answers.A2.5.1"


def test_no_token_is_401_unknown_token_401_revoked_403(client, kiosk):
    device, token = kiosk
    resp = client.post("/api/v1/responses", json=body())
    assert resp.status_code == 401
    assert post(client, "dev_unknown", body()).status_code == 401
    devices.revoke_device(device.id)
    db.session.commit()
    assert post(client, token, body()).status_code == 403
    assert count() == 0


def test_staff_token_cannot_submit(client, make_token):
    assert post(client, make_token(), body()).status_code in (401, 403)
    assert count() == 0


def test_too_large_body_is_413(client, kiosk):
    _, token = kiosk
    resp = post(client, token, body(answers={"Q": 1, "COMMENT": "x" * 70_000}))
    assert resp.status_code == 413
    assert resp.get_json()["error"]
    assert count() == 0


@pytest.mark.parametrize("raw, status", [
    (b"{not json", 422), (b"\xff\xfe{}", 422), (b"[" * 5000 + b"]" * 5000, 422), (b"null", 422), (b"", 422),
    (b'"text"', 422), (b'{"id": NaN}', 422),
])
def test_malformed_bodies_are_4xx(client, kiosk, raw, status):
    _, token = kiosk
    resp = client.post("/api/v1/responses", data=raw,
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert resp.status_code == status
    assert resp.get_json()["errors"][0]["field"]
    assert count() == 0


def test_non_json_content_type_is_415(client, kiosk):
    _, token = kiosk
    resp = client.post("/api/v1/responses", data=json.dumps(body()),
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"})
    assert resp.status_code == 415
    assert resp.get_json()["errors"][0]["field"] == "Content-Type"


def test_outbox_length_header_is_reported_on_the_device(client, kiosk):
    device, token = kiosk
    assert post(client, token, body(), **{"X-Outbox-Length": "7"}).status_code == 201
    db.session.rollback()
    seen = db.session.get(Device, device.id)
    assert seen.queue_length == 7 and seen.last_seen_at is not None


def test_heartbeat_reports_the_queue(client, kiosk):
    device, token = kiosk
    resp = client.post("/api/v1/devices/heartbeat", json={"queue_length": 3},
                       headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200
    db.session.rollback()
    assert db.session.get(Device, device.id).queue_length == 3
    bad = client.post("/api/v1/devices/heartbeat", json={"queue_length": -1},
                      headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 422


def test_openapi_document_describes_every_v1_endpoint(client, app):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    for path in ("/responses", "/indices", "/instruments", "/units", "/service-points"):
        assert path in doc["paths"], path
    statuses = set(doc["paths"]["/responses"]["post"]["responses"])
    assert {"200", "201", "401", "403", "409", "413", "422", "429"} <= statuses
    served = {rule.rule.removeprefix("/api/v1").replace("<code>", "{code}") for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/")}
    assert served <= set(doc["paths"]), served - set(doc["paths"])


def test_openapi_references_resolve_and_operations_are_complete(client):
    doc = client.get("/api/v1/openapi.json").get_json()

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(doc):
        target = doc
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
    ids = []
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            assert method in ("get", "post") and op["responses"] and op["summary"], path
            ids.append(op["operationId"])
    assert len(ids) == len(set(ids))


def test_rate_limit_answers_429_with_retry_after_and_counts_per_device(make_device, variant):
    _, token = make_device()
    _, other = make_device()
    db.session.commit()
    limited_app = variant(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="worker-memory://",
                          RATE_LIMIT_SUBMIT_DEVICE="2/minute", RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}")
    with limited_app.test_client() as client:
        statuses = [post(client, token, body()).status_code for _ in range(2)]
        limited = post(client, token, body())
        assert statuses == [201, 201] and limited.status_code == 429
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert limited.get_json()["error"] == "too_many_requests"
        assert "2 per 1 minute" in limited.get_json()["message"]
        assert post(client, other, body()).status_code == 201  # another kiosk has its own allowance
    assert db.session.scalar(select(func.count()).select_from(Response)) == 3
