"""The campaign report (issue 18): design, sample, RR1 per commune, design-based estimates by commune and overall,
the Ministry's figures beside them; and the official figures in the provincial report."""
from __future__ import annotations

import io
import re
import unicodedata
from datetime import datetime, timezone

import pypdf
import pytest

from survey.errors import NotFound
from survey.extensions import db
from survey.reports.campaign_pdf import render_campaign_report
from survey.services.access.scope import OPERATOR, scope_for
from survey.services.campaigns import estimates
from survey.services.campaigns.report import campaign_report

NOW = datetime(2026, 10, 20, 3, 0, tzinfo=timezone.utc)


def pdf_text(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", " ".join(p.extract_text() for p in pages)))


def test_report_data_holds_the_sample_the_rates_and_the_estimates(field_campaign):
    c1, c2, c3 = field_campaign.communes
    data = campaign_report(OPERATOR, field_campaign.code, 5, NOW)
    assert [s.code for s in data.strata] == [c1, c2, c3]
    s1, s2, s3 = data.strata
    assert (s1.frame_villages, s1.frame_population, s1.villages, s1.issued) == (3, 1600, 2, 12)
    assert (s1.completed, s1.refused, s1.not_reached, s1.ineligible) == (9, 1, 1, 1)
    assert s1.response_rate == pytest.approx(100 * 9 / 11)  # RR1 = completed / (issued − ineligible)
    assert (s2.issued, s2.completed, s2.outstanding) == (12, 11, 1) and (s3.villages, s3.issued) == (1, 6)
    assert data.totals.issued == 30 and data.totals.completed == 26 and data.totals.villages == 5
    assert data.totals.response_rate == pytest.approx(100 * 26 / 29)
    doc = estimates.estimates_document(OPERATOR, field_campaign.code, "province", 5)["rows"][0]
    assert data.overall is not None and data.overall.value == doc["index"] and data.overall.se == doc["se"]
    assert (data.overall.ci_low, data.overall.ci_high, data.overall.n) == (doc["ci_low"], doc["ci_high"], 26)
    assert [e.code for e in data.communes] == [c1, c2, c3]
    assert data.communes[2].se == 0  # a lonely stratum estimated on its own: no interval (docs/campaigns.md)
    assert {c.code for c in data.components} >= {"A2", "A2.1", "A2.3"}
    assert any(r.label.startswith("Chỉ số SIPAS") and r.ours == doc["index"] for r in data.official)
    assert all(r.unit_name in ("Toàn quốc", "Quảng Ninh") for r in data.official)


def test_report_pdf_in_vietnamese_and_english(field_campaign):
    data = campaign_report(OPERATOR, field_campaign.code, 5, NOW)
    text = pdf_text(render_campaign_report(data, "vi"))
    assert text == unicodedata.normalize("NFC", text)
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BÁO CÁO", "Tỉnh Quảng Ninh", "Đợt khảo sát: QN-FIELD",
                  "PHƯƠNG PHÁP", "MẪU KHẢO SÁT THEO XÃ, PHƯỜNG", "TỶ LỆ TRẢ LỜI THEO XÃ, PHƯỜNG",
                  "Không liên hệ được", "Kết quả chính thức (Bộ Nội vụ)", "hai phép đo khác nhau", "Toàn quốc",
                  "Trang 1/", "sipas-design-1", "đang khảo sát", "1.600"):
        assert words in text, words
    assert "89,7" in text  # RR1 of the province, 26 / 29, with a decimal comma
    assert "81,8" in text  # the first commune's RR1, 9 / 11
    overall = data.overall
    assert f"{overall.value:.1f}".replace(".", ",") in text
    english = pdf_text(render_campaign_report(data, "en"))
    for words in ("SOCIALIST REPUBLIC OF VIET NAM", "RESPONSE RATES BY COMMUNE", "Kết quả chính thức (Bộ Nội vụ)",
                  "Two different measurements", "Not reached", "in fieldwork", "89.7"):
        assert words in english, words


def test_report_is_for_home_affairs_of_the_province(field_campaign, make_user):
    assert campaign_report(scope_for(make_user("homeaffairs", "22")), field_campaign.code, 5).overall is not None
    for role, unit in (("homeaffairs", "01"), ("manager", field_campaign.communes[0])):
        with pytest.raises(Exception) as caught:
            campaign_report(scope_for(make_user(role, unit)), field_campaign.code, 5)
        assert caught.value.status in (403, 404)
    with pytest.raises(NotFound):
        campaign_report(OPERATOR, "NO-SUCH", 5)


def test_report_of_a_campaign_without_answers(app, field_campaign):
    from survey.services.campaigns import manage

    manage.create_campaign(OPERATOR, "QN-EMPTY", "22", "SIPAS-1001", None, NOW.date(), NOW.date(), 1, 2, None, 1)
    db.session.flush()
    data = campaign_report(OPERATOR, "QN-EMPTY", 5, NOW)
    assert data.strata == [] and data.overall is None and data.totals.issued == 0
    text = pdf_text(render_campaign_report(data, "vi"))
    assert "Chưa có phiếu trả lời." in text and "chưa chọn mẫu" in text


def test_provincial_report_prints_the_official_figures_beside_its_own(app, make_service_point):
    from survey.reports.pdf import render_province_report
    from survey.services.reports.province import province_report
    from tests.services.report_data import build

    build(make_service_point)
    report = province_report(OPERATOR, "22", "2026-Q1", "KIOSK-QUICK", now=NOW)
    index_rows = [r for r in report.official if r.label.startswith("Chỉ số SIPAS")]
    assert {(r.year, r.unit_name) for r in index_rows} == {(2024, "Toàn quốc"), (2023, "Toàn quốc"),
                                                          (2023, "Quảng Ninh")}
    assert all(r.ours == report.index and r.ci_low == report.ci_low for r in index_rows)
    assert all(r.ours is None for r in report.official if not r.label.startswith("Chỉ số SIPAS"))
    text = pdf_text(render_province_report(report, "vi"))
    assert "Kết quả chính thức (Bộ Nội vụ)" in text and "hai phép đo khác nhau" in text
    assert "90,61" in text and "83,94" in text and "Bắc Kạn" not in text  # the province's own and national only
    assert f"{report.index:.2f}".replace(".", ",") in text
    english = pdf_text(render_province_report(report, "en"))
    assert "Kết quả chính thức (Bộ Nội vụ)" in english and "Two different measurements" in english


def test_estimates_read_the_same_codes_from_the_packed_answers_as_from_the_answers_table(field_campaign):
    import numpy as np
    from sqlalchemy import select

    from survey.models import Answer, Campaign, Item
    from survey.services.campaigns.estimates import _answers, compute_weights

    campaign = db.session.scalar(select(Campaign).where(Campaign.code == field_campaign.code))
    done = compute_weights(campaign.id)
    items = ["A2.1.1", "A2.1.2", "A2.3.2", "A2.4.1", "A2.5.1"]
    packed = _answers(campaign, done, items)
    rows = {rid: k for k, rid in enumerate(int(r) for r in done["response_id"])}
    table = np.zeros_like(packed)
    for rid, code, value in db.session.execute(select(Answer.response_id, Item.code, Answer.code).join(Item)
                                               .where(Answer.response_id.in_(list(rows)), Item.code.in_(items))):
        table[rows[rid], items.index(code)] = value
    assert (packed == table).all() and (packed[:, 2] == 9).all() and (packed[:, 4] == 0).all()
