"""One device credential (issue 19.10) and the public URL of printed enrolment links (19.11)."""
from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timezone

from survey.extensions import db
from survey.services.access import devices


def submit(client, token: str):
    body = {"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "answers": {"Q": 4},
            "submitted_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    return client.post("/api/v1/responses", data=json.dumps(body),
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def test_the_printed_token_keeps_working_after_enrolment(client, make_service_point):
    point = make_service_point()
    _device, printed, code = devices.register_device(point.code, "Kiosk 1")
    db.session.commit()
    done = client.post(f"/kiosk/enrol/{code}")
    assert done.status_code == 302
    cookie = re.search(r"kiosk_device=([^;]+);", done.headers["Set-Cookie"]).group(1)
    assert cookie == printed  # one credential: the kiosk holds the token that was printed
    assert submit(client, printed).status_code == 201


def test_a_used_link_does_not_give_the_token_to_another_browser(client, make_service_point):
    point = make_service_point()
    _device, printed, code = devices.register_device(point.code, "Kiosk 1")
    db.session.commit()
    client.post(f"/kiosk/enrol/{code}")
    again = client.application.test_client().post(f"/kiosk/enrol/{code}")
    assert again.status_code == 404 and "kiosk_device" not in again.headers.get("Set-Cookie", "")


def _point(runner):
    from tests.web.test_cli import _agency_and_point

    _agency_and_point(runner)


def test_devices_add_prints_links_on_the_port_scripts_run_serves(app, runner, monkeypatch):
    _point(runner)
    monkeypatch.setitem(app.config, "PUBLIC_URL", None)
    monkeypatch.setenv("PORT", "5077")
    out = runner.invoke(args=["devices", "add", "--service-point", "TTPVHCC-X"])
    assert out.exit_code == 0 and "http://127.0.0.1:5077/kiosk/enrol/enr_" in out.output
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://khaosat.quangninh.gov.vn/")
    out = runner.invoke(args=["devices", "add", "--service-point", "TTPVHCC-X"])
    assert "https://khaosat.quangninh.gov.vn/kiosk/enrol/enr_" in out.output


def test_devices_add_refuses_an_instrument_a_kiosk_cannot_ask(runner):
    _point(runner)
    out = runner.invoke(args=["devices", "add", "--service-point", "TTPVHCC-X", "--instrument", "SIPAS-2640"])
    assert out.exit_code != 0 and "SIPAS-2640" not in out.output.split("one of")[-1]
