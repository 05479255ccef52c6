"""The instrument builder screens: create from official, edit inside factors, kiosk scale, translate, preview,
publish with validation errors shown in place, and published versions refused."""
from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEntry
from survey.services.instruments.versions import get_version

BASE = "/admin/instruments"


def _create(client, base="SIPAS-1001", code="SIPAS-QN"):
    return client.post(f"{BASE}/", data={"base": base, "code": code, "name_vi": "Khảo sát Quảng Ninh",
                                          "name_en": "Quang Ninh survey"})


@pytest.fixture
def editor(client, login_as):
    return login_as("homeaffairs", unit="22")


@pytest.fixture
def own(client, editor):
    assert _create(client).status_code == 302
    return "SIPAS-QN"


@pytest.fixture
def kiosk(client, editor):
    assert _create(client, "KIOSK-QUICK", "KIOSK-QN").status_code == 302
    return "KIOSK-QN"


def _definition(code, number=1):
    db.session.expire_all()
    return get_version(code, number).definition


def test_only_home_affairs_may_open_the_builder(client, login_as):
    assert client.get(f"{BASE}/").status_code in (302, 401)
    login_as("viewer", unit="22")
    assert client.get(f"{BASE}/").status_code == 403


def test_index_lists_the_official_instruments_and_the_create_form(client, editor):
    page = client.get(f"{BASE}/?base=KIOSK-QUICK&lang=en").get_data(as_text=True)
    assert "SIPAS-1001" in page and "ONESTOP-61" in page and "Start your own instrument" in page
    assert '<option selected value="KIOSK-QUICK">' in page or 'value="KIOSK-QUICK" selected' in page


def test_create_own_instrument_opens_its_draft(client, editor):
    response = _create(client)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{BASE}/SIPAS-QN/v1")
    page = client.get(f"{BASE}/SIPAS-QN/v1?lang=en").get_data(as_text=True)
    assert "No problems: this draft can be published." in page
    assert "Add an item to A2.3" in page and "Add an item to PROFILE" not in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "instrument.create"))
    assert entry.actor == editor.email


def test_create_refuses_a_taken_code_with_the_reason(client, editor):
    page = _create(client, code="SIPAS-1001").get_data(as_text=True)
    assert "Đã có bộ phiếu khảo sát mang mã SIPAS-1001." in page


def test_official_versions_are_read_only_on_screen(client, editor):
    page = client.get(f"{BASE}/SIPAS-1001/v1?lang=en").get_data(as_text=True)
    assert "Remove" not in page and "Start my own from it" in page and "never changes" in page


def test_add_an_item_inside_a_factor(client, own):
    response = client.post(f"{BASE}/SIPAS-QN/v1/sections/A2.1/items", data={
        "add-A2.1-code": "A2.1.5", "add-A2.1-text_vi": unicodedata.normalize("NFD", "Nơi để xe an toàn."),
        "add-A2.1-text_en": "Safe parking."})
    assert response.status_code == 302
    items = [i for s in _definition("SIPAS-QN")["sections"] for f in s.get("sections", []) if f["code"] == "A2.1"
             for i in f["items"]]
    assert items[-1] == {"code": "A2.1.5", "type": "sat5", "weight": 1.0,
                         "text": {"vi": "Nơi để xe an toàn.", "en": "Safe parking."}}


def test_a_taken_item_code_is_shown_on_the_factor_form(client, own):
    response = client.post(f"{BASE}/SIPAS-QN/v1/sections/A2.1/items?lang=en", data={
        "add-A2.1-code": "A2.1.1", "add-A2.1-text_vi": "Trùng mã."})
    assert response.status_code == 422
    assert "This code is already used in the instrument." in response.get_data(as_text=True)


def test_dropping_a_routing_item_shows_the_problems_and_blocks_publishing(client, own):
    assert client.post(f"{BASE}/SIPAS-QN/v1/items/X.4/drop").status_code == 302
    page = client.get(f"{BASE}/SIPAS-QN/v1?lang=en").get_data(as_text=True)
    assert "problems stop publishing" in page
    assert "It is asked depending on an item that no longer exists." in page
    assert '<a href="#A2"><code>A2</code></a>' in page
    assert "disabled" in page
    response = client.post(f"{BASE}/SIPAS-QN/v1/publish?lang=en", follow_redirects=True)
    assert "Not published: 2 problems must be fixed first." in response.get_data(as_text=True)
    assert get_version("SIPAS-QN", 1).status == "draft"


def test_publish_then_edits_are_refused_and_the_next_version_starts(client, own):
    response = client.post(f"{BASE}/SIPAS-QN/v1/publish?lang=en", follow_redirects=True)
    assert "is published; it can no longer change." in response.get_data(as_text=True)
    assert get_version("SIPAS-QN", 1).status == "published"
    assert client.post(f"{BASE}/SIPAS-QN/v1/items/A2.1.1/drop").status_code == 409
    response = client.post(f"{BASE}/SIPAS-QN/new-version")
    assert response.status_code == 302 and response.headers["Location"].endswith("/SIPAS-QN/v2")
    assert get_version("SIPAS-QN", 2).status == "draft"


def test_choose_the_kiosk_scale(client, kiosk):
    page = client.get(f"{BASE}/KIOSK-QN/v1?lang=en").get_data(as_text=True)
    assert "Rating scale at the kiosk" in page
    assert client.post(f"{BASE}/KIOSK-QN/v1/scale", data={"scale": "sat3"}).status_code == 302
    assert _definition("KIOSK-QN")["settings"]["scale"] == "sat3"


def test_translate_saves_changed_wording_in_nfc(client, own):
    page = client.get(f"{BASE}/SIPAS-QN/v1/translate").get_data(as_text=True)
    assert 'name="en|i:A2.1.1"' in page and 'name="vi|c:C.1:2"' in page
    response = client.post(f"{BASE}/SIPAS-QN/v1/translate", data={
        "en|i:A2.1.1": unicodedata.normalize("NFD", "Information on procedures is easy to find (café)."),
        "en|c:C.1:2": "On the web"})
    assert response.status_code == 302
    doc = _definition("SIPAS-QN")
    a21 = next(i for s in doc["sections"] for f in s.get("sections", []) for i in f.get("items", [])
               if i["code"] == "A2.1.1")
    assert a21["text"]["en"] == "Information on procedures is easy to find (café)."
    # The Vietnamese wording is untouched: SIPAS-1001 version 2's (the version a province's own copy starts from).
    assert a21["text"]["vi"] == "Trụ sở cơ quan tiếp nhận hồ sơ, trả kết quả có biển hiệu, chỉ dẫn rõ ràng, dễ thấy."
    channel = next(i for s in doc["sections"] for i in s.get("items", []) if i["code"] == "C.1")
    assert channel["choices"][1]["text"]["en"] == "On the web"


def test_preview_at_kiosk_and_phone_size(client, kiosk):
    client.post(f"{BASE}/KIOSK-QN/v1/scale", data={"scale": "sat3"})
    page = client.get(f"{BASE}/KIOSK-QN/v1/preview?lang=vi").get_data(as_text=True)
    assert "device-tablet" in page and "Ông/Bà hài lòng như thế nào với sự phục vụ hôm nay?" in page
    assert page.count('class="option code-') == 3 + 7  # three rating levels, seven reasons
    assert "Thời gian chờ đợi lâu" in page
    assert "device-phone" in client.get(f"{BASE}/KIOSK-QN/v1/preview?size=phone").get_data(as_text=True)


def test_preview_of_the_a2_block_alone(client, editor):
    page = client.get(f"{BASE}/SIPAS-1001/v1/preview?block=A2&lang=en").get_data(as_text=True)
    assert "Handling feedback and complaints" in page and "Filed a complaint or recommendation" in page
    assert "Citizen participation" not in page


def test_preview_of_a_broken_draft_points_to_the_problems(client, own):
    client.post(f"{BASE}/SIPAS-QN/v1/items/X.4/drop")
    page = client.get(f"{BASE}/SIPAS-QN/v1/preview?lang=en").get_data(as_text=True)
    assert "fix them on the version page" in page and "device-tablet" not in page


def test_another_province_cannot_see_the_draft(client, own, login_as):
    login_as("homeaffairs", unit="01")
    assert client.get(f"{BASE}/SIPAS-QN/v1").status_code == 404
    assert client.post(f"{BASE}/SIPAS-QN/v1/items/A2.1.1/drop").status_code == 404
    # Refused before the form is even read, whether or not the form is valid.
    for data in ({}, {"scale": "sat3"}):
        assert client.post(f"{BASE}/SIPAS-QN/v1/scale", data=data).status_code == 404
        assert client.post(f"{BASE}/SIPAS-QN/v1/sections/A2.1/items", data=data).status_code == 404
    assert client.post(f"{BASE}/SIPAS-QN/v1/translate", data={}).status_code == 404


def test_the_builder_speaks_vietnamese_by_default(client, own):
    page = client.get(f"{BASE}/SIPAS-QN/v1?lang=vi").get_data(as_text=True)
    assert "Xem trước trên ki-ốt" in page and "Công bố" in page
