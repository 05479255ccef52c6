"""GET /api/v1/instruments: authentication, scope, and the description of versions, items, scales and routing."""
from __future__ import annotations

import pytest

from survey.extensions import db
from survey.instruments import builder
from survey.services.instruments import drafts
from survey.services.access.scope import scope_for


def _get(client, url, token=None):
    return client.get(url, headers={"Authorization": f"Bearer {token}"} if token else {})


@pytest.fixture
def own_draft(make_user):
    """Quảng Ninh's own kiosk instrument: v1 published (3 levels), v2 a draft that lost its rating item."""
    user = make_user("homeaffairs", unit="22")
    scope = scope_for(user)
    drafts.create_own_instrument("KIOSK-QUICK", "KIOSK-QN", {"vi": "Đánh giá nhanh", "en": "Quick"}, "22",
                                 user.email, scope)
    drafts.edit_draft("KIOSK-QN", 1, lambda d: builder.set_kiosk_scale(d, "sat3"), "3 levels", user.email, scope)
    drafts.publish_version("KIOSK-QN", 1, user.email, scope)
    drafts.new_version("KIOSK-QN", user.email, scope)
    drafts.edit_draft("KIOSK-QN", 2, lambda d: builder.drop_item(d, "Q"), "drop Q", user.email, scope)
    db.session.commit()


def test_needs_a_staff_caller(client, make_device):
    assert _get(client, "/api/v1/instruments").status_code == 401
    _device, token = make_device()
    assert _get(client, "/api/v1/instruments", token).status_code == 403


def test_lists_the_official_instruments_with_their_published_versions(client, make_token):
    body = _get(client, "/api/v1/instruments", make_token("viewer")).get_json()
    by_code = {i["code"]: i for i in body["instruments"]}
    assert set(by_code) == {"KIOSK-QUICK", "ONESTOP-61", "ONESTOP-118", "SIPAS-1001", "SIPAS-2640"}
    sipas = by_code["SIPAS-1001"]
    assert sipas["official"] and sipas["owner"] is None and sipas["current_version"] == 2
    assert (sipas["legal_basis"].startswith("Quyết định 1001/QĐ-BNV"), sipas["valid_from"], sipas["valid_to"]) == (
        True, "2023-12-11", None)
    assert (by_code["ONESTOP-118"]["valid_from"], by_code["ONESTOP-61"]["valid_to"]) == ("2025-07-01", "2025-06-30")
    assert [v["version"] for v in sipas["versions"]] == [1, 2]
    assert sipas["versions"][1]["method"] == "sipas-default-2-items"
    version = sipas["versions"][0]
    assert (version["version"], version["status"], version["method"]) == (1, "published", "sipas-default-1")
    assert len(version["definition_hash"]) == 64 and version["published_at"].endswith("Z")
    assert len(version["items"]) == 63 and [c["code"] for c in version["index"]] == ["A1", "A2", "A3"]


def test_items_carry_codes_scales_and_routing(client, make_token):
    body = _get(client, "/api/v1/instruments?code=SIPAS-1001", make_token("clerk")).get_json()
    items = {i["code"]: i for i in body["instruments"][0]["versions"][0]["items"]}
    assert items["A2.5.2"]["asked_if"] == [{"item": "X.4", "in": [1]}, {"item": "X.5", "in": [1]}]
    assert items["A2.5.2"]["codes"] == [1, 2, 3, 4, 5, 9] and items["A2.5.2"]["type"] == "sat5"
    assert items["P.3"]["scoring"] == "share_2_3" and items["age_band"]["profile"]
    assert body["scales"]["sat3"]["codes"] == [2, 4, 5]
    assert body["scales"]["sat5"]["labels"]["4"] == {"vi": "Hài lòng", "en": "Satisfied"}


def test_unknown_code_and_status_are_clear_errors(client, make_token):
    token = make_token()
    assert _get(client, "/api/v1/instruments?code=NOPE", token).status_code == 404
    response = _get(client, "/api/v1/instruments?status=some", token)
    assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "status"


def test_home_affairs_sees_its_own_instrument_and_its_draft_on_request(client, make_token, own_draft):
    token = make_token("homeaffairs", unit="22")
    kiosk = _get(client, "/api/v1/instruments?code=KIOSK-QN", token).get_json()["instruments"][0]
    assert kiosk["owner"] == "22" and not kiosk["official"] and kiosk["current_version"] == 1
    assert [v["version"] for v in kiosk["versions"]] == [1]
    assert kiosk["versions"][0]["items"][0]["type"] == "sat3"
    everything = _get(client, "/api/v1/instruments?code=KIOSK-QN&status=all", token).get_json()["instruments"][0]
    draft = everything["versions"][1]
    assert (draft["version"], draft["status"]) == (2, "draft")
    assert {e["code"] for e in draft["errors"]} == {"unknown_ask_if_item", "empty_factor"}


def test_drafts_stay_hidden_from_other_roles_and_provinces(client, make_token, own_draft):
    viewer = _get(client, "/api/v1/instruments?code=KIOSK-QN&status=all", make_token("viewer", unit="22"))
    assert [v["version"] for v in viewer.get_json()["instruments"][0]["versions"]] == [1]
    foreign = _get(client, "/api/v1/instruments", make_token("homeaffairs", unit="01")).get_json()
    assert "KIOSK-QN" not in {i["code"] for i in foreign["instruments"]}
    assert _get(client, "/api/v1/instruments?code=KIOSK-QN", make_token("homeaffairs", unit="01")).status_code == 404


def test_a_staff_session_works_too(client, login_as):
    login_as("manager", unit="22")
    assert client.get("/api/v1/instruments").status_code == 200
