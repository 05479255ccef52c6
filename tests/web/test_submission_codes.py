"""Codes in a submission are checked at input (no leading = + - @, only letters, digits and . _ -), and the agency a
kiosk names must be of its service point's province: 422 naming the field, nothing written."""
from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from survey.errors import Invalid
from survey.extensions import db
from survey.models import Response
from survey.services.organisation import agencies
from tests.fixtures.factories import commune_codes


def body(**extra) -> dict:
    return {"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "submitted_at": "2025-09-10T09:00:00+07:00",
            "answers": {"Q": 3}, **extra}


def post(client, token, payload):
    return client.post("/api/v1/responses", data=json.dumps(payload),
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Response))


@pytest.mark.parametrize("field, value", [
    ("field", "=HYPERLINK(\"http://x\",\"y\")"), ("field", "+1"), ("field", "@SUM(A1)"), ("field", "Tư pháp"),
    ("procedure", "-1.001234"), ("procedure", "1.001234;x"), ("service_point", "=SP"), ("service_point", "-SP1"),
    ("agency", "=000.02.00.H01"),
])
def test_codes_with_formula_or_odd_characters_are_refused(client, make_device, field, value):
    _device, token = make_device()
    resp = post(client, token, body(**{field: value}))
    assert resp.status_code == 422
    assert field in {e["field"] for e in resp.get_json()["errors"]}
    assert count() == 0


@pytest.mark.parametrize("field, value", [("procedure", "1.001234"), ("procedure", "2.002345.000.00.00.H12"),
                                          ("field", "TP-01"), ("field", "G09.TP")])
def test_ordinary_codes_are_accepted(client, make_device, field, value):
    _device, token = make_device()
    assert post(client, token, body(**{field: value})).status_code == 201


def test_a_kiosk_cannot_name_another_provinces_agency(client, make_device, make_agency):
    hanoi = make_agency(unit="01", code="000.02.00.H01", name="Sở Hà Nội")
    neighbour = make_agency(unit="22", code="000.21.22.H22", name="Sở Quảng Ninh")
    _device, token = make_device()
    resp = post(client, token, body(agency=hanoi.code))
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["field"] == "agency"
    assert resp.get_json()["errors"][0]["code"] == "other_province"
    assert count() == 0
    assert post(client, token, body(agency=neighbour.code)).status_code == 201


def test_service_point_and_agency_of_two_provinces_are_refused(app, make_agency):
    hanoi = make_agency(unit="01", code="000.02.00.H01")
    home = commune_codes("22", 1)[0]
    with pytest.raises(Invalid) as caught:
        agencies.add_service_point("SP-MIX", "Quầy", hanoi.code, home)
    assert caught.value.errors[0]["field"] == "agency"
    with pytest.raises(Invalid) as caught:
        agencies.add_agency("000.33.22.H22", "Phòng", home, parent=hanoi.code)
    assert caught.value.errors[0]["field"] == "parent"
    with pytest.raises(Invalid):
        agencies.add_service_point("=SP", "Quầy", hanoi.code, "01")
