"""API bodies are UTF-8 JSON without duplicate keys; 413 names its limit; private answers are not cached and carry
one charset (issue 15.11)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response
from tests.web.test_collection_api import body

EXPORTS = ("/api/v1/exports/indices?instrument=KIOSK-QUICK&period=2026&province=22&format=csv",
           "/api/v1/exports/indices?instrument=KIOSK-QUICK&period=2026&province=22&format=xlsx",
           "/api/v1/exports/responses?instrument=KIOSK-QUICK&period=2026&format=csv",
           "/api/v1/exports/responses?instrument=KIOSK-QUICK&period=2026&format=csv&part=codebook",
           "/reports/export/responses?instrument=KIOSK-QUICK&period=2026&format=csv")


def _send(client, token, raw: bytes, content_type: str = "application/json"):
    return client.post("/api/v1/responses", data=raw,
                       headers={"Authorization": f"Bearer {token}", "Content-Type": content_type})


def _stored() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Response))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_a_body_not_in_utf8_is_refused_naming_the_encoding(client, make_device, encoding):
    _device, token = make_device()
    answer = _send(client, token, json.dumps(body(), ensure_ascii=False).encode(encoding))
    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["code"] == "not_utf8" and "UTF-8" in answer.get_json()["errors"][0]["message"]
    assert _stored() == 0


def test_a_declared_charset_other_than_utf8_is_refused(client, make_device):
    _device, token = make_device()
    answer = _send(client, token, json.dumps(body()).encode(), "application/json; charset=latin-1")
    assert answer.status_code == 422 and answer.get_json()["errors"][0]["field"] == "Content-Type"
    assert _send(client, token, json.dumps(body()).encode(), "application/json; charset=UTF-8").status_code == 201


def test_duplicate_keys_are_refused_at_any_level(client, make_device):
    _device, token = make_device()
    valid = json.dumps(body(), ensure_ascii=False)
    top = valid.replace('{"id": ', '{"id": "00000000-0000-4000-8000-000000000000", "id": ', 1)
    nested = valid.replace('"answers": {"Q": 2', '"answers": {"Q": 1, "Q": 2', 1)
    for raw, key in ((top, "id"), (nested, "Q")):
        answer = _send(client, token, raw.encode())
        assert answer.status_code == 422, raw
        error = answer.get_json()["errors"][0]
        assert (error["field"], error["code"]) == (key, "duplicate_key") and repr(key) in error["message"]
    assert _stored() == 0
    assert _send(client, token, valid.encode()).status_code == 201


def test_413_names_the_limit(client, make_device):
    _device, token = make_device()
    answer = _send(client, token, json.dumps(body(COMMENT="x" * 70_000)).encode())
    assert answer.status_code == 413
    assert answer.get_json()["errors"] == [{"field": "body", "code": "too_large", "limit": 65536,
                                            "message": "the body is larger than the limit of 65536 bytes"}]


def _private(response) -> bool:
    response.get_data()  # streamed exports end their request context once read
    response.close()
    vary = {v.strip() for v in response.headers.get("Vary", "").split(",")}
    return response.headers.get("Cache-Control") == "no-store" and {"Authorization", "Cookie"} <= vary


def test_scoped_answers_are_not_cached(app, client, login_as, make_token):
    secret = make_token("homeaffairs", unit="22")
    api = app.test_client()
    for url in ("/api/v1/units?level=province", "/api/v1/service-points", "/api/v1/instruments", *EXPORTS[:4]):
        answer = api.get(url, headers={"Authorization": f"Bearer {secret}"})
        assert answer.status_code == 200 and _private(answer), url
    login_as("homeaffairs", unit="22")
    for url in ("/dashboard/", "/admin/accounts", *EXPORTS):
        answer = client.get(url)
        assert answer.status_code == 200 and _private(answer), url
    public = app.test_client().get("/static/css/app.css")
    assert not _private(public)


def test_every_content_type_carries_one_charset(app, client, login_as):
    login_as("homeaffairs", unit="22")
    seen = {}
    urls = [rule.rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"]
    for url in (*urls, *EXPORTS):
        answer = client.get(url)
        answer.get_data()
        answer.close()
        seen[url] = answer.headers.get("Content-Type", "")
    assert [url for url, kind in seen.items() if kind.count("charset=") > 1] == []
    assert seen[EXPORTS[2]] == "text/csv; charset=utf-8"
