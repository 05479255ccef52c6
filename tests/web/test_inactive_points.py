"""Issue 19 item 15: a deactivated service point refuses new kiosk and online submissions with a clear message
(paper entry of questionnaires filled in before stays possible); kiosks are registered from a CSV on the web."""
from __future__ import annotations

import io
import json
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from survey.errors import Invalid
from survey.extensions import db
from survey.models import Device, Response
from survey.services.access.scope import OPERATOR
from survey.services.organisation import agencies
from survey.services.responses import record_response

NOW = datetime.now(timezone(timedelta(hours=7))).replace(microsecond=0)


def _count(model=Response) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def _close(code: str) -> None:
    agencies.get_service_point(code).active = False
    db.session.commit()


def _kiosk_body() -> dict:
    return {"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "submitted_at": NOW.isoformat(),
            "answers": {"Q": 2}}


def test_kiosk_of_a_deactivated_point_is_refused_with_the_reason(client, make_device):
    device, token = make_device()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    assert client.post("/api/v1/responses", data=json.dumps(_kiosk_body()), headers=headers).status_code == 201
    _close(device.service_point.code)  # after the token was remembered by the API
    refused = client.post("/api/v1/responses", data=json.dumps(_kiosk_body()), headers=headers)
    assert refused.status_code == 422
    assert "deactivated" in refused.get_data(as_text=True) and _count() == 1


def test_online_form_of_a_deactivated_point_says_so(client, make_service_point):
    point = make_service_point(name="Bộ phận Một cửa phường Bãi Cháy")
    assert client.get(f"/s/{point.public_key}").status_code == 200
    _close(point.code)
    page = client.get(f"/s/{point.public_key}?lang=vi")
    assert page.status_code == 409 and "Bãi Cháy" in page.get_data(as_text=True)
    assert "không còn tham gia khảo sát" in page.get_data(as_text=True)
    sent = client.post(f"/s/{point.public_key}", data={"id": str(uuid.uuid4()), "a.Q": "2", "i": "KIOSK-QUICK"})
    assert sent.status_code == 409 and _count() == 0


def test_online_channel_is_refused_but_paper_is_still_entered(app, make_service_point):
    point = make_service_point()
    _close(point.code)
    body = {**_kiosk_body(), "service_point": point.code}
    with pytest.raises(Invalid) as refused:
        record_response(body, channel="online", scope=OPERATOR)
    assert refused.value.errors == [{"field": "service_point", "code": "inactive",
                                     "message": f"service point {point.code} has been deactivated and no longer "
                                                "takes responses"}]
    db.session.rollback()
    assert record_response(body, channel="paper", scope=OPERATOR).created  # filled in before it closed
    db.session.commit()
    assert _count() == 1


def test_web_import_registers_kiosks_and_shows_each_link_once(client, login_as, make_service_point):
    make_service_point(code="SP-A")
    login_as("homeaffairs", unit="22")
    data = "service_point,name,instrument\nSP-A,Quầy 1,\nSP-A,Quầy 2,SIPAS-1001\n".encode()
    page = client.post("/admin/devices/import", data={"file": (io.BytesIO(data), "k.csv")},
                       content_type="multipart/form-data")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    links = re.findall(r"/kiosk/enrol/(enr_[\w-]+)", page.get_data(as_text=True))
    assert len(set(links)) == 2 and _count(Device) == 2
    assert links[0] not in client.get("/admin/devices").get_data(as_text=True)


def test_web_import_with_a_bad_row_registers_nothing_and_names_it(client, login_as, make_service_point):
    make_service_point(code="SP-A")
    login_as("homeaffairs", unit="22")
    data = "service_point,name\nSP-A,Quầy 1\nSP-X,Quầy 2\n".encode()
    page = client.post("/admin/devices/import?lang=vi", data={"file": (io.BytesIO(data), "k.csv")},
                       content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Dòng 3" in html and "SP-X" in html and _count(Device) == 0
    empty = client.post("/admin/devices/import", data={}, content_type="multipart/form-data")
    assert empty.status_code == 422 and _count(Device) == 0
    assert client.get("/admin/devices/import").status_code == 200
