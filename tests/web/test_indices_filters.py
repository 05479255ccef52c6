"""GET /api/v1/indices with filters: the filtered figures equal the breakdown row of that value, the document
echoes the filters, bad filters answer 422 naming the field, and the OpenAPI document lists the parameters."""
from __future__ import annotations

import pytest

from survey.models.responses import PROFILE_FIELDS
from tests.fixtures.factories import HOME_PROVINCE


def get(client, token: str, **params):
    return client.get("/api/v1/indices", query_string={"instrument": "SIPAS-1001", "period": "2026-Q1",
                                                        "province": HOME_PROVINCE, **params},
                      headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("name, value, by", [("channel", "paper", "channel"), ("sex", "2", "sex"),
                                             ("procedure", "1.001234", "procedure")])
def test_filter_equals_the_breakdown_row_of_that_value(client, dataset, make_token, name, value, by):
    token = make_token("homeaffairs")
    filtered = get(client, token, by="province", **{name: value})
    assert filtered.status_code == 200, filtered.get_data(as_text=True)
    doc = filtered.get_json()
    assert doc["filters"] == {name: int(value) if name == "sex" else value}
    row = {r["unit_code"]: r for r in get(client, token, by=by).get_json()["rows"]}[value]
    mine = doc["rows"][0]
    assert (mine["n"], mine["index"], mine["components"]) == (row["n"], row["index"], row["components"])
    unfiltered = get(client, token, by="province").get_json()["rows"][0]
    assert mine["n"] < unfiltered["n"]


def test_filters_combine(client, dataset, make_token):
    token = make_token("homeaffairs")
    both = get(client, token, by="sex", channel="online").get_json()
    alone = get(client, token, by="sex").get_json()
    assert both["filters"] == {"channel": "online"}
    assert sum(r["n"] for r in both["rows"]) < sum(r["n"] for r in alone["rows"])


@pytest.mark.parametrize("params, fields", [
    ({"channel": "fax"}, ["channel"]),
    ({"sex": "9"}, ["sex"]),
    ({"age_band": "young", "channel": "pigeon"}, ["channel", "age_band"]),
])
def test_bad_filters_answer_422_naming_the_field(client, dataset, make_token, params, fields):
    resp = get(client, make_token("homeaffairs"), **params)
    assert resp.status_code == 422
    assert [e["field"] for e in resp.get_json()["errors"]] == fields


def test_openapi_lists_the_filter_parameters(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    names = {p["name"] for p in spec["paths"]["/indices"]["get"]["parameters"]}
    assert {"channel", "field", "procedure", *PROFILE_FIELDS} <= names
    assert "filters" in spec["components"]["schemas"]["Indices"]["properties"]
