"""Kiosk pages: enrolment by one-time link, the kiosk screen without login, the service worker, the size budget."""
from __future__ import annotations

import json
import re

import pytest

from survey.extensions import db
from survey.services.access import devices


@pytest.fixture
def enrolment(make_service_point):
    """(device, enrolment code) of a newly registered kiosk."""
    point = make_service_point()
    device, _token, code = devices.register_device(point.code, "Kiosk 1")
    db.session.commit()
    return device, code


def kiosk_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="kiosk-data">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_enrolment_link_confirms_then_sets_a_long_lived_httponly_cookie(client, enrolment):
    device, code = enrolment
    page = client.get(f"/kiosk/enrol/{code}")
    assert page.status_code == 200 and device.service_point.name in page.get_data(as_text=True)
    assert client.get(f"/kiosk/enrol/{code}").status_code == 200  # a link preview does not use the code up
    done = client.post(f"/kiosk/enrol/{code}")
    assert done.status_code == 302 and done.headers["Location"].endswith("/kiosk/")
    cookie = done.headers["Set-Cookie"]
    assert "kiosk_device=dev_" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Max-Age=315360000" in cookie
    assert client.get(f"/kiosk/enrol/{code}").status_code == 404  # one use only
    assert client.post(f"/kiosk/enrol/{code}").status_code == 404
    from survey.models import AuditEntry

    db.session.rollback()
    entry = db.session.query(AuditEntry).filter_by(action="device.enrol").one()
    assert entry.actor == f"device:{device.id}" and entry.object == device.service_point.code


def test_enrolled_browser_sees_the_kiosk_without_login(client, enrolment):
    device, code = enrolment
    client.post(f"/kiosk/enrol/{code}")
    page = client.get("/kiosk/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    data = kiosk_data(html)
    assert data["instrument"] == "KIOSK-QUICK" and data["version"] == 1
    assert [q["code"] for q in data["questions"]] == ["Q", "R", "COMMENT"]
    assert data["settings"]["idle_seconds"] == 60 and data["settings"]["idle_action"] == "discard"
    assert data["token"].startswith("dev_")
    assert set(data["strings"]) == {"vi", "en"} and data["strings"]["en"]["thanks"] == "Thank you!"
    assert '<html lang="vi">' in html
    assert "<script>" not in html and "style=" not in html  # the CSP allows no inline script or style


def test_kiosk_settings_come_from_the_device_then_the_instrument(client, enrolment, app):
    device, code = enrolment
    device.settings = {"idle_seconds": 20, "idle_action": "submit", "lang": "en"}
    db.session.commit()
    client.post(f"/kiosk/enrol/{code}")
    data = kiosk_data(client.get("/kiosk/").get_data(as_text=True))
    assert data["settings"]["idle_seconds"] == 20 and data["settings"]["idle_action"] == "submit"
    assert data["settings"]["lang"] == "en"


def test_sipas_kiosk_shows_the_a2_block_with_x5(client, make_service_point):
    point = make_service_point()
    _device, _token, code = devices.register_device(point.code, "Kiosk", "SIPAS-1001")
    db.session.commit()
    client.post(f"/kiosk/enrol/{code}")
    data = kiosk_data(client.get("/kiosk/").get_data(as_text=True))
    codes = [q["code"] for q in data["questions"]]
    # SIPAS-1001 version 2: X.5, 18 items, a general question per factor and A2.G (25 questions).
    assert codes[0] == "X.5" and codes[1] == "A2.1.1" and len(codes) == 25
    assert codes[4] == "A2.1.G" and codes[-1] == "A2.G" and "A2.1.4" not in codes
    assert data["version"] == 2 and data["implied"] == {"X.4": 1}


def test_without_enrolment_or_after_revocation_the_kiosk_explains(client, enrolment):
    device, code = enrolment
    assert client.get("/kiosk/").status_code == 401
    client.post(f"/kiosk/enrol/{code}")
    devices.revoke_device(device.id)
    db.session.commit()
    assert client.get("/kiosk/").status_code == 401


def test_service_worker_is_served_for_the_kiosk_scope(client):
    resp = client.get("/kiosk/sw.js")
    assert resp.status_code == 200
    assert resp.headers["Service-Worker-Allowed"] == "/kiosk/"
    assert resp.mimetype == "text/javascript" and b"caches" in resp.data
    manifest = client.get("/kiosk/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.get_json(force=True)["display"] == "fullscreen"


def test_kiosk_page_weighs_at_most_100_kb_with_its_css_and_js(client, enrolment):
    _device, code = enrolment
    client.post(f"/kiosk/enrol/{code}")
    html = client.get("/kiosk/").get_data(as_text=True)
    total = len(html.encode())
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert any(a.endswith(".css") or ".css?" in a for a in assets) and any(".js?" in a for a in assets)
    for url in assets:
        resp = client.get(url)
        assert resp.status_code == 200
        total += len(resp.data)
        resp.close()
    assert total <= 100 * 1024, total


def test_bad_device_settings_fall_back_to_defaults(client, enrolment):
    device, code = enrolment
    device.settings = {"idle_seconds": "soon", "thanks_seconds": 10_000, "idle_action": "explode", "counters": "A"}
    db.session.commit()
    client.post(f"/kiosk/enrol/{code}")
    settings = kiosk_data(client.get("/kiosk/").get_data(as_text=True))["settings"]
    assert settings["idle_seconds"] == 60 and settings["thanks_seconds"] == 60
    assert settings["idle_action"] == "discard" and settings["counters"] == []


def test_site_idle_time_applies_unless_the_device_sets_its_own(client, enrolment, app, monkeypatch):
    device, code = enrolment
    monkeypatch.setitem(app.config, "KIOSK_IDLE_SECONDS", 90)
    client.post(f"/kiosk/enrol/{code}")
    assert kiosk_data(client.get("/kiosk/").get_data(as_text=True))["settings"]["idle_seconds"] == 90
    device.settings = {"idle_seconds": 30}
    db.session.commit()
    assert kiosk_data(client.get("/kiosk/").get_data(as_text=True))["settings"]["idle_seconds"] == 30
