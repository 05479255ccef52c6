"""Legal basis and validity (methodology 2.5): ONESTOP-61 until 2025-06-30, ONESTOP-118 from 2025-07-01, the
instrument in force on a date, and a one-stop evaluation checked against its dossier's receipt date."""
from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import Response
from survey.services.instruments.legal import dossier_date_errors, instrument_in_force, receipt_date
from survey.services.instruments.versions import get_instrument, legal_summary
from survey.services.responses import record_response

NOW = datetime(2025, 8, 1, tzinfo=timezone.utc)


def evaluation(point: str, instrument: str, dossier: str) -> dict:
    return {"id": str(uuid.uuid4()), "instrument": instrument, "service_point": point, "dossier": dossier,
            "submitted_at": "2025-07-20T09:00:00+07:00", "answers": {f"I{k}": 2 for k in range(1, 10)}}


def test_instruments_carry_their_legal_basis_and_validity(app):
    assert legal_summary(get_instrument("ONESTOP-61")) == {
        "legal_basis": "Nghị định 61/2018/NĐ-CP; Thông tư 01/2018/TT-VPCP (Decree 61/2018/NĐ-CP, Circular "
                       "01/2018/TT-VPCP)", "valid_from": None, "valid_to": "2025-06-30"}
    decree_118 = legal_summary(get_instrument("ONESTOP-118"))
    assert "118/2025/NĐ-CP" in decree_118["legal_basis"] and decree_118["valid_from"] == "2025-07-01"
    assert decree_118["valid_to"] is None
    assert legal_summary(get_instrument("KIOSK-QUICK")) == {"legal_basis": None, "valid_from": None,
                                                            "valid_to": None}


@pytest.mark.parametrize(("kind", "day", "code"), [
    ("onestop", date(2025, 6, 30), "ONESTOP-61"), ("onestop", date(2025, 7, 1), "ONESTOP-118"),
    ("onestop", date(2019, 1, 1), "ONESTOP-61"), ("sipas-1001", date(2026, 3, 1), "SIPAS-1001"),
    ("sipas-2640", date(2021, 5, 1), "SIPAS-2640")])
def test_instrument_in_force(app, kind, day, code):
    assert instrument_in_force(kind, day).code == code


def test_no_instrument_in_force_is_not_found(app):
    with pytest.raises(NotFound):
        instrument_in_force("sipas-2640", date(2026, 1, 1))


@pytest.mark.parametrize(("dossier", "day"), [
    ("000.21.22.H49-250630-0001", date(2025, 6, 30)), ("G22.123.45-250701-AB0001", date(2025, 7, 1)),
    ("000.21.22.H49-251399-0001", None), ("no-date", None), (None, None)])
def test_receipt_date_from_either_dossier_format(dossier, day):
    assert receipt_date(dossier) == day


def test_dossier_received_before_decree_118_is_refused_under_onestop_118(app, make_service_point):
    point = make_service_point().code
    with pytest.raises(Invalid) as caught:
        record_response(evaluation(point, "ONESTOP-118", "000.21.22.H49-250630-0001"), channel="paper", now=NOW)
    assert caught.value.status == 422
    (error,) = caught.value.errors
    assert (error["field"], error["code"]) == ("instrument", "not_in_force")
    assert error["message"].startswith("ONESTOP-118 (Nghị định 118/2025/NĐ-CP")
    assert "2025-06-30" in error["message"] and "use ONESTOP-61" in error["message"]
    assert db.session.scalar(select(func.count(Response.id))) == 0


def test_dossier_received_on_1_july_2025_is_accepted_under_onestop_118(app, make_service_point):
    point = make_service_point().code
    assert record_response(evaluation(point, "ONESTOP-118", "000.21.22.H49-250701-0001"), channel="paper",
                           now=NOW).created
    with pytest.raises(Invalid) as caught:  # and ONESTOP-61 no longer applies to it
        record_response(evaluation(point, "ONESTOP-61", "000.21.22.H49-250701-0002"), channel="paper", now=NOW)
    assert "use ONESTOP-118" in caught.value.errors[0]["message"]
    assert record_response(evaluation(point, "ONESTOP-61", "000.21.22.H49-250630-0003"), channel="paper",
                           now=NOW).created


def test_other_instruments_and_evaluations_without_a_dossier_are_not_checked(app):
    assert dossier_date_errors("SIPAS-1001", "sipas-1001", "000.21.22.H49-200101-0001") == []
    assert dossier_date_errors("ONESTOP-118", "onestop", None) == []


def test_the_api_refuses_with_422_naming_the_instrument(client, make_device):
    _, token = make_device(instrument="ONESTOP-118")
    payload = {k: v for k, v in evaluation("", "ONESTOP-118", "000.21.22.H49-250630-0009").items()
               if k != "service_point"}
    payload["submitted_at"] = "2025-07-01T09:00:00+07:00"
    resp = client.post("/api/v1/responses", data=json.dumps(payload, ensure_ascii=False),
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert resp.status_code == 422
    assert "ONESTOP-118" in json.dumps(resp.get_json(), ensure_ascii=False)
