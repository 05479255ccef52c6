"""The kiosk staff panel's PIN (issue 19.16): set, kept and removed in the kiosk's settings by the staff who manage
the kiosk, stored and delivered only as a salted SHA-256, checked on the keypad (tests/e2e/test_kiosk.py)."""
from __future__ import annotations

import hashlib
import json
import re

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEntry, Device
from tests.fixtures.factories import commune_codes

FORM = {"language": "vi", "idle_seconds": "60", "idle_action": "discard", "instrument": "KIOSK-QUICK"}


def _device(device_id: int) -> Device:
    db.session.rollback()
    return db.session.get(Device, device_id)


def _kiosk_data(client, token: str) -> dict:
    """What the kiosk page of this device token ships to its script."""
    client.set_cookie("kiosk_device", token)
    html = client.get("/kiosk/").get_data(as_text=True)
    return json.loads(re.search(r'id="kiosk-data">(.*?)</script>', html, re.S).group(1))


def test_a_manager_sets_keeps_and_removes_the_pin(client, login_as, make_device, make_service_point):
    home = commune_codes("22", 1)[0]
    device, _ = make_device(service_point=make_service_point(unit=home).code)
    login_as("manager", unit=home)
    page = client.get(f"/admin/devices/{device.id}/settings").get_data(as_text=True)
    assert "Chưa đặt mã PIN" in page and 'inputmode="numeric"' in page
    assert client.post(f"/admin/devices/{device.id}/settings", data={**FORM, "pin": "2468"}).status_code == 302
    stored = _device(device.id).settings["staff_pin"]
    assert set(stored) == {"salt", "sha256"} and len(stored["salt"]) == 32
    assert stored["sha256"] == hashlib.sha256(f"{stored['salt']}:2468".encode()).hexdigest()
    assert "2468" not in json.dumps(_device(device.id).settings)
    assert "Đã đặt mã PIN" in client.get(f"/admin/devices/{device.id}/settings").get_data(as_text=True)
    # Saving other settings with the PIN field empty keeps the PIN.
    assert client.post(f"/admin/devices/{device.id}/settings", data={**FORM, "idle_seconds": "90"}).status_code == 302
    assert _device(device.id).settings["staff_pin"] == stored
    assert client.post(f"/admin/devices/{device.id}/settings", data={**FORM, "clear_pin": "y"}).status_code == 302
    assert "staff_pin" not in _device(device.id).settings
    pins = [e.details["pin"] for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "device.settings").order_by(AuditEntry.id))]
    assert pins == ["set", "kept", "removed"]


def test_a_bad_pin_is_refused_and_saves_nothing(client, login_as, make_device):
    device, _ = make_device()
    login_as("homeaffairs", unit="22")
    for bad in ({"pin": "12a4"}, {"pin": "123"}, {"pin": "123456789"}, {"pin": "2468", "clear_pin": "y"}):
        page = client.post(f"/admin/devices/{device.id}/settings", data={**FORM, **bad})
        assert page.status_code == 200, bad
        text = page.get_data(as_text=True)
        assert "Mã PIN phải gồm 4 đến 8 chữ số." in text or "Chỉ chọn một" in text, bad
        assert _device(device.id).settings == {}


def test_the_kiosk_receives_the_salted_digest_never_the_pin(client, login_as, make_device):
    device, token = make_device()
    login_as("homeaffairs", unit="22")
    client.post(f"/admin/devices/{device.id}/settings", data={**FORM, "pin": "135790"})
    data = _kiosk_data(client, token)
    pin = data["settings"]["staff_pin"]
    assert pin == _device(device.id).settings["staff_pin"] and "135790" not in json.dumps(data)
    assert data["strings"]["vi"]["staff_pin_title"] == "Mã PIN của cán bộ"
    assert data["strings"]["vi"]["staff_pin_locked"] == "Nhập sai quá nhiều lần: chờ {n} giây"


def test_no_pin_means_none_in_the_kiosk_settings(client, make_device):
    _device_row, token = make_device()
    assert _kiosk_data(client, token)["settings"]["staff_pin"] is None
