"""The campaign report as a download on the campaign page and from the CLI (issue 18)."""
from __future__ import annotations

import io
import re
import unicodedata

import pypdf
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEntry, Questionnaire


def _text(pdf: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", " ".join(p.extract_text() for p in pages)))


def test_home_affairs_downloads_the_report_from_the_campaign_page(client, login_as, field_campaign, app, monkeypatch):
    monkeypatch.setitem(app.config, "MIN_N", 5)
    login_as("homeaffairs", "22")
    page = client.get(f"/campaigns/{field_campaign.code}")
    assert f'href="/campaigns/{field_campaign.code}/report.pdf"' in page.text
    got = client.get(f"/campaigns/{field_campaign.code}/report.pdf")
    assert got.status_code == 200 and got.mimetype == "application/pdf"
    assert got.headers["Content-Disposition"] == 'attachment; filename="bao-cao-khao-sat-QN-FIELD-vi.pdf"'
    text = _text(got.data)
    assert "TỶ LỆ TRẢ LỜI THEO XÃ, PHƯỜNG" in text and "Kết quả chính thức (Bộ Nội vụ)" in text
    english = client.get(f"/campaigns/{field_campaign.code}/report.pdf?lang=en")
    assert "RESPONSE RATES BY COMMUNE" in _text(english.data)
    assert client.get(f"/campaigns/{field_campaign.code}/report.pdf?lang=fr").status_code == 422
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "report.download"))
    assert entry.object == field_campaign.code and entry.details["kind"] == "campaign"
    assert db.session.scalar(select(Questionnaire.weight).where(Questionnaire.weight.is_not(None))) is None
    assert client.get("/campaigns/NOPE/report.pdf").status_code == 404


def test_report_refused_to_others(client, login_as, field_campaign):
    login_as("viewer", field_campaign.communes[0])
    assert client.get(f"/campaigns/{field_campaign.code}/report.pdf").status_code == 403
    login_as("homeaffairs", "01")
    assert client.get(f"/campaigns/{field_campaign.code}/report.pdf").status_code == 404


def test_cli_writes_the_report(runner, field_campaign, tmp_path):
    target = tmp_path / "report.pdf"
    out = runner.invoke(args=["campaigns", "report", field_campaign.code, "-o", str(target), "--lang", "en"])
    assert out.exit_code == 0, out.output
    assert "SAMPLE BY COMMUNE (STRATUM)" in _text(target.read_bytes())
    vi = runner.invoke(args=["campaigns", "report", field_campaign.code, "-o", str(tmp_path / "vi.pdf")])
    assert vi.exit_code == 0 and "PHƯƠNG PHÁP" in _text((tmp_path / "vi.pdf").read_bytes())
    missing = runner.invoke(args=["campaigns", "report", "NOPE", "-o", str(tmp_path / "x.pdf")])
    assert missing.exit_code != 0 and "NOPE" in missing.output and not (tmp_path / "x.pdf").exists()
