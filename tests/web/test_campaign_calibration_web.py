"""Calibrated campaign weights from the CLI, the API and the campaign page (a refusal without margins, a document
that says which weights it used), and closing a campaign in the audit log from the CLI and the web."""
from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEntry, Campaign
from survey.services.access.scope import OPERATOR
from survey.services.campaigns import estimates

MARGINS = "sex,age_band,population\n1,2,300\n1,3,200\n1,4,100\n2,2,250\n2,3,250\n2,4,150\n"


@pytest.fixture
def small_n(app, monkeypatch):
    monkeypatch.setitem(app.config, "MIN_N", 1)


def _margins(runner, tmp_path) -> None:
    path = tmp_path / "margins.csv"
    path.write_text(MARGINS)
    out = runner.invoke(args=["weights", "import", "--province", "22", str(path)])
    assert out.exit_code == 0, out.output


def test_cli_estimates_and_export_with_and_without_calibration(runner, field_campaign, tmp_path):
    code = field_campaign.code
    refused = runner.invoke(args=["campaigns", "estimates", code, "--calibrate"])
    assert refused.exit_code != 0 and "no sex × age band margins" in refused.output and "calibrate" in refused.output
    out = tmp_path / "x.csv"
    refused = runner.invoke(args=["campaigns", "export", code, "-o", str(out), "--calibrate"])
    assert refused.exit_code != 0 and "margins" in refused.output and not out.exists()
    plain = runner.invoke(args=["campaigns", "estimates", code])
    assert plain.exit_code == 0 and "Weights: not calibrated" in plain.output and "không hiệu chỉnh" in plain.output
    _margins(runner, tmp_path)
    table = runner.invoke(args=["campaigns", "estimates", code, "--calibrate"])
    assert table.exit_code == 0 and "Weights: calibrated to sex × age band" in table.output
    doc = json.loads(runner.invoke(args=["campaigns", "estimates", code, "--calibrate", "--format", "json"]).output)
    assert doc["calibrated"] is True and doc["calibration"]["respondents_in_cells"] > 0
    rows = list(csv.reader(io.StringIO(runner.invoke(
        args=["campaigns", "estimates", code, "--calibrate", "--format", "csv"]).output)))
    assert rows[0][9] == "calibrated" and rows[1][9] == "1"
    done = runner.invoke(args=["campaigns", "export", code, "-o", str(out), "--calibrate"])
    assert done.exit_code == 0 and "calibrated to the sex × age-band margins" in done.output
    exported = list(csv.DictReader(out.open(encoding="utf-8")))
    want = estimates.compute_weights(db.session.scalar(select(Campaign.id).where(Campaign.code == code)), True)
    want_by_code = dict(zip(want["code"], want["weight"]))
    assert {r["calibrated"] for r in exported} == {"1"}
    assert all(float(r["weight"]) == pytest.approx(want_by_code[r["questionnaire"]], abs=1e-9) for r in exported)
    uncalibrated = runner.invoke(args=["campaigns", "export", code, "-o", str(out)])
    assert uncalibrated.exit_code == 0 and "not calibrated" in uncalibrated.output
    assert {r["calibrated"] for r in csv.DictReader(out.open(encoding="utf-8"))} == {"0"}


def test_api_calibrate_parameter(client, login_as, runner, field_campaign, small_n, tmp_path):
    code = field_campaign.code
    login_as("homeaffairs", "22")
    refused = client.get(f"/api/v1/campaigns/{code}/estimates?calibrate=1")
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0] == {"field": "calibrate", "code": "no_margins",
                                                "message": refused.get_json()["errors"][0]["message"]}
    assert "margins" in refused.get_json()["message"]
    assert client.get(f"/api/v1/campaigns/{code}/estimates?calibrate=maybe").status_code == 422
    plain = client.get(f"/api/v1/campaigns/{code}/estimates").get_json()
    assert plain["calibrated"] is False and "calibration" not in plain
    _margins(runner, tmp_path)
    body = client.get(f"/api/v1/campaigns/{code}/estimates?calibrate=1&by=commune").get_json()
    assert body["calibrated"] is True and body["calibration"]["margins"] == "sex × age_band"
    province = client.get(f"/api/v1/campaigns/{code}/estimates?calibrate=true").get_json()["rows"][0]
    want = estimates.estimates_document(OPERATOR, code, "province", 1, calibrate=True)["rows"][0]
    assert province["index"] == want["index"] and province["se"] == want["se"]
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/campaigns/{code}/estimates"]["get"]
    assert "calibrate" in {p["name"] for p in operation["parameters"]} and "422" in operation["responses"]


def test_campaign_page_switch(client, login_as, runner, field_campaign, small_n, tmp_path):
    code = field_campaign.code
    login_as("homeaffairs", "22")
    page = client.get(f"/campaigns/{code}")
    assert page.status_code == 200 and 'id="calibrate-form"' in page.text and 'data-calibrated="no"' in page.text
    refused = client.get(f"/campaigns/{code}?calibrate=1")
    assert refused.status_code == 422 and 'id="calibration-problem"' in refused.text
    assert "Tỉnh chưa có số liệu dân số theo giới tính × nhóm tuổi" in refused.text
    assert 'data-calibrated="no"' in refused.text and 'id="estimates"' in refused.text  # still the plain figures
    _margins(runner, tmp_path)
    calibrated = client.get(f"/campaigns/{code}?calibrate=1")
    assert calibrated.status_code == 200 and 'data-calibrated="yes"' in calibrated.text
    assert "Trọng số đã hiệu chỉnh theo cơ cấu giới tính × nhóm tuổi" in calibrated.text
    assert 'name="calibrate" value="1" id="calibrate" checked' in calibrated.text


def _closings() -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "campaign.close")))


def test_closing_is_audited_from_the_cli(runner, field_campaign):
    assert runner.invoke(args=["campaigns", "close", field_campaign.code]).exit_code == 0
    (entry,) = _closings()
    assert entry.actor.startswith("cli:") and entry.object == field_campaign.code and entry.outcome == "ok"
    assert entry.details["status_before"] == "fieldwork" and entry.details["completed"] > 0
    assert runner.invoke(args=["campaigns", "close", field_campaign.code]).exit_code != 0
    assert len(_closings()) == 1  # a refused close is no act


def test_closing_is_audited_from_the_web(client, login_as, field_campaign):
    user = login_as("homeaffairs", "22")
    assert client.post(f"/campaigns/{field_campaign.code}/close", data={"confirm": "1"}).status_code == 302
    (entry,) = _closings()
    assert entry.actor == user.email and entry.object == field_campaign.code
    client.post(f"/campaigns/{field_campaign.code}/close")  # unconfirmed: nothing happens, nothing recorded
    assert len(_closings()) == 1
    viewer = client.get("/admin/audit?action=campaign.")
    assert viewer.status_code == 200 and "campaign.close" in viewer.text


def test_creating_drawing_and_the_frame_are_audited(runner, field_campaign):
    db.session.expire_all()
    acts = {(e.action, e.object) for e in db.session.scalars(select(AuditEntry))}
    assert {("frame.import", "22"), ("campaign.create", field_campaign.code),
            ("campaign.draw", field_campaign.code)} <= acts
