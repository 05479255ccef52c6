"""Issue 19 item 18: no English leftovers in the Vietnamese builder; the item-code field suggests instead of
pre-filling; the question type of an added item is chosen from the registry; the preview is the kiosk itself."""
from __future__ import annotations

import re

import pytest

from survey.dashboard import page_charts
from survey.extensions import db
from survey.services.instruments.versions import get_version

BASE = "/admin/instruments"


@pytest.fixture
def own(client, login_as):
    login_as("homeaffairs", unit="22")
    client.post(f"{BASE}/", data={"base": "SIPAS-1001", "code": "SIPAS-QN", "name_vi": "Khảo sát QN",
                                  "name_en": "QN survey"})
    return "SIPAS-QN"


def _items(code):
    db.session.expire_all()
    doc = get_version(code, 1).definition
    return {i["code"]: i for s in doc["sections"] for f in s.get("sections", []) for i in f.get("items", [])}


def test_vietnamese_version_page_has_no_english_source_note(client, own):
    page = client.get(f"{BASE}/SIPAS-1001/v1?lang=vi").get_data(as_text=True)
    assert "Item wording from a public" not in page and "Decision 1001/QĐ-BNV of" not in page
    assert "Căn cứ pháp lý" in page and "Quyết định 1001/QĐ-BNV" in page
    english = client.get(f"{BASE}/SIPAS-1001/v1?lang=en").get_data(as_text=True)
    assert "Decision 1001/QĐ-BNV of 11/12/2023" in english


def test_item_code_is_a_suggestion_not_a_prefilled_value(client, own):
    page = client.get(f"{BASE}/SIPAS-QN/v1").get_data(as_text=True)
    field = re.search(r'<input[^>]*id="add-A2.1-code"[^>]*>', page).group(0)
    assert 'placeholder="A2.1.' in field and 'value="A2.1.' not in field
    suggested = re.search(r'placeholder="(A2\.1\.\d+)"', field).group(1)
    # Left empty, the suggested code is used.
    response = client.post(f"{BASE}/SIPAS-QN/v1/sections/A2.1/items", data={
        "add-A2.1-code": "", "add-A2.1-qtype": "sat5", "add-A2.1-text_vi": "Có chỗ ngồi chờ."})
    assert response.status_code == 302
    assert _items("SIPAS-QN")[suggested]["text"]["vi"] == "Có chỗ ngồi chờ."


def test_added_item_takes_the_chosen_registry_type(client, own):
    page = client.get(f"{BASE}/SIPAS-QN/v1?lang=vi").get_data(as_text=True)
    select = page.split('id="add-A2.1-qtype"', 1)[1].split("</select>", 1)[0]
    assert 'value="sat3"' in select and 'value="sat5"' in select and 'value="text"' not in select
    response = client.post(f"{BASE}/SIPAS-QN/v1/sections/A2.1/items", data={
        "add-A2.1-code": "A2.1.9", "add-A2.1-qtype": "sat3", "add-A2.1-text_vi": "Ba mức."})
    assert response.status_code == 302 and _items("SIPAS-QN")["A2.1.9"]["type"] == "sat3"
    refused = client.post(f"{BASE}/SIPAS-QN/v1/sections/A2.1/items?lang=en", data={
        "add-A2.1-code": "A2.1.10", "add-A2.1-qtype": "text", "add-A2.1-text_vi": "Tự do."})
    assert refused.status_code == 422 and "Choose one of the offered answer scales." in refused.get_data(as_text=True)
    assert "A2.1.10" not in _items("SIPAS-QN")


def test_preview_is_the_kiosk_page_and_stores_nothing(client, own):
    version = client.get(f"{BASE}/SIPAS-QN/v1").get_data(as_text=True)
    assert f"{BASE}/SIPAS-QN/v1/kiosk" in version
    page = client.get(f"{BASE}/SIPAS-QN/v1/kiosk?lang=vi").get_data(as_text=True)
    assert 'body class="kiosk"' in page and "css/kiosk.css" in page and "js/kiosk.js" in page
    data = re.search(r'id="kiosk-data">(.*?)</script>', page, re.S).group(1)
    assert '"api": "/admin/instruments/kiosk-preview-sink"' in data and "A2.1.1" in data
    sink = client.post(f"{BASE}/kiosk-preview-sink", json={"id": "x"})
    assert sink.status_code == 201 and sink.get_json()["stored"] is False


def test_plural_of_the_item_chart_description(app):
    with app.test_request_context("/?lang=en"):
        one = page_charts.ngettext("Share of each answer, from very dissatisfied to very satisfied, for %(num)d "
                                   "question.", "Share of each answer, from very dissatisfied to very satisfied, "
                                   "for %(num)d questions.", 1)
        assert one.endswith("for 1 question.")
    source = open(page_charts.__file__, encoding="utf-8").read()
    assert "for %(count)d questions" not in source
