"""Province-made instruments are offered wherever a kiosk's or a service point's instrument is chosen (issue 19.5/6)."""
from __future__ import annotations

import re

import pytest

from survey.extensions import db
from survey.models import Device
from survey.services.access.scope import OPERATOR


def own_instrument(base: str, code: str, province: str = "22") -> None:
    """Publish a province's own copy of an official instrument."""
    from survey.services.instruments.drafts import create_own_instrument, publish_version

    create_own_instrument(base, code, {"vi": f"Phiếu riêng {code}", "en": f"Own {code}"}, province, "test", OPERATOR)
    publish_version(code, 1, "test", OPERATOR)
    db.session.commit()


@pytest.fixture
def own(app):
    own_instrument("KIOSK-QUICK", "QN-KIOSK")
    own_instrument("KIOSK-QUICK", "HN-KIOSK", province="01")  # another province's: never offered in 22


def options(html: str, name: str = "instrument") -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'value="([^"]+)"', select)


def selected(html: str, name: str = "instrument") -> str:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    return re.search(r'<option selected value="([^"]+)"', select).group(1)


def test_register_form_offers_the_provinces_own_instruments(client, login_as, own, make_service_point):
    login_as("homeaffairs")
    point = make_service_point()
    page = client.get("/admin/devices").get_data(as_text=True)
    assert options(page) == ["KIOSK-QUICK", "SIPAS-1001", "QN-KIOSK"]  # no one-stop, no 2640, no other province
    assert "QN-KIOSK — Phiếu riêng QN-KIOSK" in page
    done = client.post("/admin/devices", data={"service_point": point.code, "instrument": "QN-KIOSK"})
    assert done.status_code == 200 and "/kiosk/enrol/" in done.get_data(as_text=True)
    assert db.session.query(Device).one().instrument_code == "QN-KIOSK"
    refused = client.post("/admin/devices", data={"service_point": point.code, "instrument": "HN-KIOSK"})
    assert refused.status_code in (200, 422) and db.session.query(Device).count() == 1


def test_saving_settings_keeps_a_province_made_instrument(client, login_as, own, make_device):
    login_as("homeaffairs")
    device, _token = make_device(instrument="QN-KIOSK")
    page = client.get(f"/admin/devices/{device.id}/settings").get_data(as_text=True)
    assert "QN-KIOSK" in options(page) and selected(page) == "QN-KIOSK"
    saved = client.post(f"/admin/devices/{device.id}/settings", data={
        "language": "en", "idle_seconds": "90", "idle_action": "discard", "counters": "",
        "instrument": selected(page)})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Device, device.id).instrument_code == "QN-KIOSK"


def test_a_manager_saves_settings_of_a_province_made_kiosk(client, login_as, own, make_device):
    device, _token = make_device(instrument="QN-KIOSK")
    login_as("manager", unit=device.service_point.unit.code)
    saved = client.post(f"/admin/devices/{device.id}/settings", data={
        "language": "vi", "idle_seconds": "60", "idle_action": "submit", "counters": "Quầy 1"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Device, device.id).instrument_code == "QN-KIOSK"


def test_another_provinces_instrument_is_refused_in_settings(client, login_as, own, make_device):
    login_as("homeaffairs")
    device, _token = make_device()
    page = client.post(f"/admin/devices/{device.id}/settings", data={
        "language": "vi", "idle_seconds": "60", "idle_action": "discard", "instrument": "HN-KIOSK"})
    assert page.status_code != 302
    db.session.expire_all()
    assert db.session.get(Device, device.id).instrument_code == "KIOSK-QUICK"
