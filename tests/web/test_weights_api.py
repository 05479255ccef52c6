"""GET /api/v1/indices?weighted=1: the secondary figures appear beside the unweighted ones, only on request."""
from __future__ import annotations

from survey.extensions import db
from survey.services.access.scope import OPERATOR
from survey.services.indices.weights import import_margins
from tests.fixtures.factories import HOME_PROVINCE
from tests.fixtures.weights_data import MARGINS


def test_api_adds_weighted_figures_only_when_asked(profiled_data, client, make_token):  # noqa: F811
    c1 = profiled_data[0]
    import_margins(OPERATOR, HOME_PROVINCE, MARGINS)
    db.session.commit()
    headers = {"Authorization": f"Bearer {make_token('viewer')}"}
    url = f"/api/v1/indices?instrument=SIPAS-1001&period=2026&province={HOME_PROVINCE}"
    plain = client.get(url, headers=headers)
    weighted = client.get(url + "&weighted=1", headers=headers)
    assert plain.status_code == weighted.status_code == 200
    plain_rows = {r["unit_code"]: r for r in plain.get_json()["rows"]}
    rows = {r["unit_code"]: r for r in weighted.get_json()["rows"]}
    assert "weighted" not in plain_rows[c1]
    assert rows[c1]["weighted"] == {"index": 75.0, "n_weighted_cells": 2}
    assert {k: v for k, v in rows[c1].items() if k != "weighted"} == plain_rows[c1]


def test_openapi_documents_the_weighted_parameter(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    names = [p["name"] for p in spec["paths"]["/indices"]["get"]["parameters"]]
    assert "weighted" in names
    assert "weighted" in spec["components"]["schemas"]["IndexRow"]["properties"]
    assert spec["components"]["schemas"]["Indices"]["properties"]["rows"]["items"] == {
        "$ref": "#/components/schemas/IndexRow"}
