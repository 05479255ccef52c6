"""The OpenAPI document is made from the declarations the endpoints validate with: it covers every /api/v1 route,
its own example is accepted, its patterns are envelope.py's, and schemathesis finds no 5xx and no answer that the
document does not describe."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from survey.services.responses import contract, envelope
from survey.web import CSP

ROOT = Path(__file__).resolve().parents[2]


def spec(client) -> dict:
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    return resp.get_json()


def resolve(doc: dict, node: dict) -> dict:
    while "$ref" in node:
        node = doc["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_every_api_route_and_method_is_in_the_document(client, app):
    doc = spec(client)
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            served |= {(path, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert served and served == documented, served ^ documented


def test_an_undeclared_route_is_missing_from_the_document(variant):
    # What the test above catches: a route added without @declared is not in the document.
    from survey.api.openapi import document

    fresh = variant()
    fresh.add_url_rule("/api/v1/undeclared", "api.undeclared", lambda: "")
    with fresh.test_request_context():
        paths = document()["paths"]
    assert "/undeclared" not in paths and "/indices" in paths


def test_the_documents_example_body_is_accepted(client, make_device):
    doc = spec(client)
    submission = resolve(doc, doc["paths"]["/responses"]["post"]["requestBody"]["content"]["application/json"]
                         ["schema"])
    example = submission["examples"][0]
    _device, token = make_device()
    resp = client.post("/api/v1/responses", data=json.dumps(example),
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json() == {"id": example["id"], "status": "stored"}


def test_the_submission_schema_carries_envelope_patterns_and_limits(client):
    props = resolve(spec(client), {"$ref": "#/components/schemas/Submission"})["properties"]
    assert set(props) == set(envelope.FIELDS)
    assert props["instrument"]["pattern"] == envelope.INSTRUMENT_CODE.pattern
    nullable = {name: next(p for p in props[name]["anyOf"] if p["type"] != "null")
                for name in ("service_point", "agency", "procedure", "field", "dossier", "counter", "officer")}
    assert nullable["agency"]["pattern"] == envelope.AGENCY_CODE.pattern
    assert re.match(nullable["agency"]["pattern"], "000.00.00.H49")
    assert nullable["service_point"]["pattern"] == envelope.POINT_CODE.pattern
    assert nullable["procedure"]["pattern"] == envelope.PROCEDURE_CODE.pattern
    assert nullable["field"]["pattern"] == envelope.FIELD_CODE.pattern
    for code in ("000.21.22.H49-250701-0001", "H49.221.01-250701-010001"):
        assert re.match(nullable["dossier"]["pattern"], code)
        assert any(p.match(code) for p in envelope.DOSSIER_CODES)
    assert nullable["counter"]["maxLength"] == 40 and nullable["officer"]["maxLength"] == 80
    assert props["channel"]["enum"] == ["kiosk", "online", "paper", "interview"]
    assert props["id"]["format"] == "uuid" and props["submitted_at"]["format"] == "date-time"
    assert props["version"]["anyOf"][0] == {"type": "integer", "minimum": 1, "maximum": contract.MAX_VERSION}


def test_formerly_undocumented_parameters_and_statuses_are_documented(client):
    doc = spec(client)

    def params(path):
        return {p["name"] for p in doc["paths"][path]["get"]["parameters"]}

    assert {"from", "to", "lang", "weighted", "by", "province", "channel", "sex"} <= params("/indices")
    assert {"code", "status"} <= params("/instruments")
    assert {"version", "lang"} <= params("/reports/unit")
    assert {"version", "format", "part"} <= params("/exports/responses")
    post = doc["paths"]["/responses"]["post"]["responses"]
    assert {"200", "201", "401", "403", "409", "413", "414", "415", "422", "429", "503"} <= set(post)
    assert {"401", "403", "404", "414", "422", "429"} <= set(doc["paths"]["/instruments"]["get"]["responses"])


def test_a_bad_query_parameter_answers_422_naming_it(client, make_token):
    headers = {"Authorization": f"Bearer {make_token('homeaffairs')}"}
    resp = client.get("/api/v1/indices?instrument=SIPAS-1001&period=2026&by=planet&weighted=yes", headers=headers)
    assert resp.status_code == 422
    assert sorted(e["field"] for e in resp.get_json()["errors"]) == ["by", "weighted"]
    missing = client.get("/api/v1/reports/unit?period=2026", headers=headers)
    assert missing.status_code == 422 and missing.get_json()["errors"][0]["field"] == "unit"
    # the check comes after authentication: no token is 401 whatever the query
    assert client.get("/api/v1/indices?by=planet").status_code == 401


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.sources: list[str] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            src = dict(attrs).get("src")
            self._open = src is None
            if src:
                self.sources.append(src)
        if any(name == "style" or name.startswith("on") for name, _ in attrs):
            self.inline.append(tag)

    def handle_data(self, data):
        if self._open and data.strip():
            self.inline.append(data)

    def handle_endtag(self, tag):
        self._open = False


def test_the_docs_page_uses_own_static_files_under_the_csp(client):
    resp = client.get("/api/v1/docs")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert resp.headers["Content-Security-Policy"] == CSP and "script-src 'self'" in CSP
    page = _Scripts()
    page.feed(resp.get_data(as_text=True))
    assert page.inline == [] and len(page.sources) == 2
    for src in page.sources:
        assert src.startswith("/static/")
        assert client.get(src).status_code == 200
    assert 'data-spec-url="/api/v1/openapi.json"' in resp.get_data(as_text=True)
    vendor = ROOT / "static" / "vendor" / "swagger-ui"
    assert "Apache License" in (vendor / "LICENSE").read_text()


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(app, make_device, make_token, mode):
    from tests.web.schemathesis_run import run

    _device, device_token = make_device()
    failures = run(app, mode, device_token=device_token, staff_token=make_token("homeaffairs"))
    assert failures == [], "\n\n".join(failures)


def test_the_respondent_profile_declares_every_profile_field():
    from survey.models.responses import PROFILE_FIELDS

    assert tuple(contract.RespondentProfile.model_fields) == PROFILE_FIELDS
