"""The public online form: one link per service point, QR codes, honeypot, CSRF, dossier rule, no JS needed."""
from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response


@pytest.fixture
def point(make_service_point):
    return make_service_point(name="Bộ phận Một cửa phường Bãi Cháy")


def count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Response))


def form_id(html: str) -> str:
    return re.search(r'name="id" value="([^"]+)"', html).group(1)


def test_form_shows_the_a2_block_with_faces_and_a_fresh_id(client, point):
    page = client.get(f"/s/{point.public_key}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert point.name in html and 'name="a.A2.1.1"' in html and 'name="r.sex"' in html
    assert 'name="a.A1.1.1"' not in html  # only the A2 block, as at a service centre
    assert "k-face" in html and "Rất hài lòng" in html
    assert uuid.UUID(form_id(html)) and form_id(client.get(f"/s/{point.public_key}").get_data(as_text=True)) != \
        form_id(html)
    assert "style=" not in html and "<script>" not in html


def test_submitting_the_form_stores_an_online_response(client, point):
    html = client.get(f"/s/{point.public_key}").get_data(as_text=True)
    data = {"id": form_id(html), "i": "SIPAS-1001", "a.X.5": "0", "a.A2.1.1": "5", "a.A2.3.1": "4",
            "a.A2.5.1": "2", "r.sex": "1", "a.COMMENT": ""}
    resp = client.post(f"/s/{point.public_key}", data=data)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/s/{point.public_key}/thanks")
    stored = db.session.scalar(select(Response))
    assert stored.channel == "online" and stored.service_point_id == point.id and stored.sex == 1
    assert sorted(a.code for a in stored.answers) == [0, 4, 5]  # A2.5.1 dropped: X.5 = 0 routes it out
    again = client.post(f"/s/{point.public_key}", data=data)  # a double submit stores nothing more
    assert again.status_code == 302 and count() == 1
    thanks = client.get(resp.headers["Location"])
    assert thanks.status_code == 200 and 'id="thanks"' in thanks.get_data(as_text=True)


def test_invalid_answers_come_back_with_messages_and_nothing_stored(client, point):
    resp = client.post(f"/s/{point.public_key}", data={"id": str(uuid.uuid4()), "i": "KIOSK-QUICK",
                                                       "a.Q": "8", "a.COMMENT": "x"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert 'class="sf-error"' in html and count() == 0


def test_kiosk_quick_online_and_one_rating_per_dossier(client, point):
    dossier = "000.21.22.H49-250701-0007"
    base = {"i": "KIOSK-QUICK", "a.Q": "4", "d": dossier}
    first = client.post(f"/s/{point.public_key}", data={**base, "id": str(uuid.uuid4())})
    assert first.status_code == 302
    second = client.post(f"/s/{point.public_key}", data={**base, "id": str(uuid.uuid4())})
    assert second.status_code == 409 and "Hồ sơ này đã được đánh giá" in second.get_data(as_text=True)
    assert count() == 1


def test_onestop_form_needs_a_dossier(client, point):
    resp = client.post(f"/s/{point.public_key}", data={"id": str(uuid.uuid4()), "i": "ONESTOP-61", "a.I1": "2"})
    assert resp.status_code == 422 and count() == 0
    ok = client.post(f"/s/{point.public_key}", data={"id": str(uuid.uuid4()), "i": "ONESTOP-61", "a.I1": "2",
                                                     "d": "H49.221.01-250701-010001"})
    assert ok.status_code == 302 and count() == 1


def test_honeypot_thanks_a_bot_and_stores_nothing(client, point):
    resp = client.post(f"/s/{point.public_key}", data={"id": str(uuid.uuid4()), "i": "KIOSK-QUICK", "a.Q": "5",
                                                       "website": "http://spam.example"})
    assert resp.status_code == 302 and count() == 0


def test_csrf_is_required_on_the_form(client, point, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    resp = client.post(f"/s/{point.public_key}", data={"id": str(uuid.uuid4()), "i": "KIOSK-QUICK", "a.Q": "5"})
    assert resp.status_code == 400 and count() == 0
    html = client.get(f"/s/{point.public_key}?i=KIOSK-QUICK").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    resp = client.post(f"/s/{point.public_key}", data={"id": form_id(html), "i": "KIOSK-QUICK", "a.Q": "5",
                                                       "csrf_token": token})
    assert resp.status_code == 302 and count() == 1


def test_unknown_link_is_404(client):
    assert client.get("/s/doesnotexist").status_code == 404
    assert client.get("/s/%00bad").status_code == 404


def test_qr_codes_in_png_and_svg_carry_the_link(client, point):
    png = client.get(f"/s/{point.public_key}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get(f"/s/{point.public_key}/qr.svg?d=000.21.22.H49-250701-0001")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert f"/s/{point.public_key}?d=000.21.22.H49-250701-0001".encode() in svg.data
    assert client.get(f"/s/{point.public_key}/qr.svg?d=nonsense").status_code == 422
    assert client.get(f"/s/{point.public_key}/qr.gif").status_code == 422
    card = client.get(f"/s/{point.public_key}/print?d=000.21.22.H49-250701-0001")
    assert card.status_code == 200 and b"qr.svg" in card.data


def test_qr_png_decodes_to_the_link(client, point):
    import segno

    link = f"http://localhost/s/{point.public_key}"
    assert client.get(f"/s/{point.public_key}/qr.png").data == _png(segno.make(link, error="m"))


def _png(code) -> bytes:
    import io

    out = io.BytesIO()
    code.save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def test_index_explains_to_citizens_and_lists_links_for_staff(client, point, login_as):
    html = client.get("/s/").get_data(as_text=True)
    assert point.public_key not in html
    go = client.post("/s/", data={"code": point.public_key})
    assert go.status_code == 302 and go.headers["Location"].endswith(f"/s/{point.public_key}")
    assert client.post("/s/", data={"code": "nope"}).status_code == 302
    login_as("homeaffairs")
    html = client.get("/s/").get_data(as_text=True)
    assert point.public_key in html and "qr.svg" in html


def test_a_form_left_open_for_hours_still_submits(client, point, app, monkeypatch):
    import time as time_module

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    html = client.get(f"/s/{point.public_key}?i=KIOSK-QUICK").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    later = time_module.time() + 12 * 3600
    monkeypatch.setattr(time_module, "time", lambda: later)  # itsdangerous reads the clock through time.time
    resp = client.post(f"/s/{point.public_key}", data={"id": form_id(html), "i": "KIOSK-QUICK", "a.Q": "4",
                                                       "csrf_token": token})
    assert resp.status_code == 302 and count() == 1
