"""GET /api/v1/indices and `survey indices`: the same document, scoped to the caller, errors naming the field."""
from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import datetime, timezone

import pytest

from survey.extensions import db
from survey.services.responses import record_response
from tests.fixtures.factories import FOREIGN_PROVINCE, HOME_PROVINCE, commune_codes

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def submit(point: str, q: int, when: str = "2026-02-10T09:00:00+07:00") -> None:
    record_response({"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "service_point": point,
                     "submitted_at": when, "answers": {"Q": q}}, channel="kiosk", now=NOW)


@pytest.fixture
def kiosks(app, make_service_point):
    """Two communes of the home province: 40 ratings (30 satisfied) and 35 ratings (14 satisfied)."""
    c1, c2 = commune_codes(HOME_PROVINCE, 2)
    p1, p2 = make_service_point(unit=c1).code, make_service_point(unit=c2).code
    for q in [5] * 10 + [4] * 20 + [2] * 10:
        submit(p1, q)
    for q in [4] * 14 + [3] * 11 + [1] * 10:
        submit(p2, q)
    db.session.commit()
    return c1, c2


def get(client, token: str | None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/indices", query_string=params, headers=headers)


def test_api_gives_the_spec_document_with_hand_checked_figures(client, kiosks, make_token):
    c1, c2 = kiosks
    resp = get(client, make_token("homeaffairs"), instrument="KIOSK-QUICK", period="2026-Q1", by="commune",
               province=HOME_PROVINCE)
    assert resp.status_code == 200
    doc = resp.get_json()
    assert {"instrument", "instrument_version", "method_version", "period", "by", "min_n", "computed_at",
            "rows"} <= set(doc)
    assert (doc["instrument"], doc["period"], doc["by"], doc["min_n"]) == ("KIOSK-QUICK", "2026-Q1", "commune", 30)
    rows = {r["unit_code"]: r for r in doc["rows"]}
    # pct(Q) for c1 = 30/40 = 75 %, Wilson [59.81, 85.81]; c2 = 14/35 = 40 %.
    assert (rows[c1]["index"], rows[c1]["n"]) == (75.0, 40)
    assert (rows[c1]["items"]["Q"]["ci_low"], rows[c1]["items"]["Q"]["ci_high"]) == (59.81, 85.81)
    assert rows[c1]["items"]["Q"]["mean"] == 3.75  # (10·5 + 20·4 + 10·2) / 40
    assert (rows[c2]["index"], rows[c2]["components"]["SAT"]) == (40.0, {"pct": 40.0, "n": 35})
    assert rows[c2]["ci_low"] < 40.0 < rows[c2]["ci_high"]


def test_api_is_scoped_to_the_callers_units(client, kiosks, make_token):
    c1, _ = kiosks
    doc = get(client, make_token("manager", unit=c1), instrument="KIOSK-QUICK", period="2026").get_json()
    assert [r["unit_code"] for r in doc["rows"]] == [c1]
    foreign = get(client, make_token("homeaffairs", unit=FOREIGN_PROVINCE), instrument="KIOSK-QUICK",
                  period="2026", province=HOME_PROVINCE)
    assert foreign.status_code == 403


def test_api_needs_a_staff_caller(client, kiosks, make_device):
    assert get(client, None, instrument="KIOSK-QUICK", period="2026").status_code == 401
    _device, token = make_device()
    assert get(client, token, instrument="KIOSK-QUICK", period="2026").status_code == 403


@pytest.mark.parametrize(("params", "field"), [
    ({"instrument": "KIOSK-QUICK", "period": "2026-13"}, "period"),
    ({"instrument": "KIOSK-QUICK", "period": "2026", "by": "planet"}, "by"),
    ({"instrument": "NOPE", "period": "2026"}, "instrument"),
    ({"instrument": "KIOSK-QUICK", "period": "2026", "province": "99"}, "province"),
])
def test_api_rejects_bad_parameters_with_422_naming_the_field(client, make_token, params, field):
    resp = get(client, make_token("homeaffairs"), **params)
    assert resp.status_code == 422
    assert resp.get_json()["errors"][0]["field"] == field


def test_api_accepts_from_and_to_dates(client, kiosks, make_token):
    doc = get(client, make_token("homeaffairs"), instrument="KIOSK-QUICK", by="province",
              **{"from": "2026-02-10", "to": "2026-02-10"}).get_json()
    assert doc["period"] == "2026-02-10..2026-02-10" and doc["rows"][0]["n"] == 75


def test_cli_json_is_the_api_document_and_csv_is_flat(runner, client, kiosks, make_token):
    args = ["indices", "--instrument", "KIOSK-QUICK", "--period", "2026-Q1", "--by", "commune",
            "--province", HOME_PROVINCE]
    out = runner.invoke(args=[*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    cli_doc = json.loads(out.output)
    api_doc = get(client, make_token("homeaffairs"), instrument="KIOSK-QUICK", period="2026-Q1", by="commune",
                  province=HOME_PROVINCE).get_json()
    assert {k: v for k, v in cli_doc.items() if k != "computed_at"} == \
        {k: v for k, v in api_doc.items() if k != "computed_at"}
    table = runner.invoke(args=args)
    assert table.exit_code == 0 and "KIOSK-QUICK v1" in table.output and "75.00" in table.output
    csv_out = runner.invoke(args=[*args, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(csv_out.output)))
    assert {"unit_code", "n", "index", "ci_low", "ci_high", "suppressed", "incomplete", "SAT.pct", "SAT.n",
            "Q.pct", "Q.n_valid", "Q.mean", "Q.ci_low", "Q.ci_high"} <= set(rows[0])
    assert {r["unit_code"]: r["index"] for r in rows}[kiosks[0]] == "75.0"


def test_cli_reports_a_bad_period_without_a_traceback(runner, app):
    out = runner.invoke(args=["indices", "--instrument", "SIPAS-1001", "--period", "someday"])
    assert out.exit_code != 0 and "Traceback" not in out.output and "period" in out.output.lower()


def test_clerks_enter_data_but_cannot_read_indices(client, kiosks, make_token):
    resp = get(client, make_token("clerk", unit=kiosks[0]), instrument="KIOSK-QUICK", period="2026")
    assert resp.status_code == 403


def test_cli_table_compares_with_the_period_before(runner, kiosks):
    c1, _ = kiosks
    point = db.session.execute(db.text("SELECT sp.code FROM service_points sp JOIN units u ON u.id = sp.unit_id "
                                       "WHERE u.code = :c"), {"c": c1}).scalar()
    for _ in range(40):
        submit(point, 5, when="2025-11-20T09:00:00+07:00")  # 2025-Q4: everyone satisfied
    db.session.commit()
    out = runner.invoke(args=["indices", "--instrument", "KIOSK-QUICK", "--period", "2026-Q1", "--by", "commune",
                              "--province", HOME_PROVINCE, "--trend"])
    assert out.exit_code == 0, out.output
    line = next(line for line in out.output.splitlines() if c1 in line)
    # 75 % now against 100 % before: z = −25 / SE(now) ≈ −3.6, significantly lower.
    assert "100.00" in line and "below" in line
