"""Report data from the index service: real figures, scope per caller, suppression, and the PDFs they make."""
from __future__ import annotations

import io
import re
import unicodedata
from datetime import datetime, timezone

import pypdf
import pytest

from survey.errors import Forbidden, NotFound
from survey.reports.pdf import render_province_report, render_unit_summary
from survey.services.reports.province import province_report
from survey.services.reports.unit import province_unit_summaries, unit_summary
from survey.services.access.scope import OPERATOR, scope_for
from tests.fixtures.factories import HOME_PROVINCE
from tests.services.report_data import COMMENT, build

NOW = datetime(2026, 4, 2, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def data(app, make_service_point):
    return build(make_service_point)


def pdf_text(pdf: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", " ".join(p.extract_text() for p in pages)))


def test_unit_summary_carries_the_computed_figures(data):
    summary = unit_summary(OPERATOR, data.commune_a, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    assert (summary.level, summary.unit_code, summary.n) == ("commune", data.commune_a, 40)
    assert summary.index == 75.0 and not summary.suppressed
    assert summary.ci_low < 75.0 < summary.ci_high
    q = summary.items[0]
    assert (q.code, q.n_valid, q.pct, q.mean) == ("Q", 40, 75.0, 3.85)
    assert q.distribution == {1: 2, 2: 4, 3: 4, 4: 18, 5: 12, 9: 0}
    assert [(r.label.vi, r.count) for r in summary.low_score_reasons] == [
        ("Thời gian chờ đợi lâu", 6), ("Thái độ phục vụ chưa tốt", 4)]
    assert summary.comments == [COMMENT]
    assert summary.change.previous_period == "2025-Q4"
    assert summary.change.previous_index == pytest.approx(50.0) and summary.change.delta == pytest.approx(25.0)
    assert summary.change.flag == "above"
    # The province holds both communes: 50 respondents, 40 satisfied.
    assert summary.province.province_index == pytest.approx(80.0)
    assert summary.province.province_name.startswith("Tỉnh ")


def test_unit_summary_pdf_prints_the_real_figures(data):
    summary = unit_summary(OPERATOR, data.commune_a, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    text = pdf_text(render_unit_summary(summary))
    for expected in (summary.unit_name, data.commune_a, "Quý I năm 2026", "75,0%", "3,85", "+25,0 điểm, cao hơn",
                     "Quý IV năm 2025: 50,0", "Thời gian chờ đợi lâu 6", COMMENT, "KIOSK-QUICK v1", "Trang 1/1",
                     "UBND TỈNH"):
        assert expected in text, expected


def test_small_unit_is_suppressed_without_reasons_or_comments(data):
    summary = unit_summary(OPERATOR, data.commune_b, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    assert summary.n == 10 and summary.suppressed
    assert summary.index is None and summary.items[0].pct is None and summary.items[0].suppressed
    assert summary.low_score_reasons == [] and summary.comments == [] and summary.change is None
    text = pdf_text(render_unit_summary(summary))
    assert "ít hơn 30 phiếu" in text and "100,0" not in text


def test_a_commune_without_responses_gets_an_empty_summary_beside_others_with_data(data):
    # The province has data (communes A and B) but none for this commune: its summary is the empty one.
    from tests.fixtures.factories import commune_codes

    quiet = next(c for c in commune_codes(HOME_PROVINCE, 5) if c not in (data.commune_a, data.commune_b))
    summary = unit_summary(OPERATOR, quiet, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    assert (summary.unit_code, summary.n, summary.index, summary.suppressed) == (quiet, 0, None, True)
    assert all(item.n_valid == 0 and item.pct is None for item in summary.items)


def test_agency_and_service_point_summaries(data):
    point = unit_summary(OPERATOR, data.point_a, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    agency = unit_summary(OPERATOR, data.agency_a, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    assert (point.level, point.n, point.index) == ("service_point", 40, 75.0)
    assert (agency.level, agency.n, agency.index) == ("agency", 40, 75.0)


def test_default_instrument_is_the_one_answered(data):
    assert unit_summary(OPERATOR, data.commune_a, "2026-Q1", now=NOW).instrument_code == "KIOSK-QUICK"


def test_staff_get_only_their_own_units(data, make_user):
    manager = scope_for(make_user("manager", unit=data.commune_a))
    assert unit_summary(manager, data.commune_a, "2026-Q1", now=NOW).n == 40
    for other in (data.commune_b, data.point_b, HOME_PROVINCE):
        with pytest.raises(NotFound):
            unit_summary(manager, other, "2026-Q1", now=NOW)
    with pytest.raises(Forbidden):  # a clerk enters data but downloads no reports
        unit_summary(scope_for(make_user("clerk", unit=data.commune_a)), data.commune_a, "2026-Q1")


def test_province_report_ranks_only_units_with_enough_responses(data, make_user):
    home_affairs = scope_for(make_user("homeaffairs", unit=HOME_PROVINCE))
    report = province_report(home_affairs, HOME_PROVINCE, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    assert report.n == 50 and report.index == pytest.approx(80.0)
    assert [(r.rank, r.code, r.n, r.index) for r in report.communes] == [(1, data.commune_a, 40, 75.0)]
    assert {(s.code, s.n) for s in report.small_units} >= {(data.commune_b, 10)}
    assert [t.period for t in report.trend] == ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
    assert report.trend[-1].index == pytest.approx(80.0) and report.trend[-2].index == pytest.approx(50.0)
    assert report.trend[0].index is None and report.trend[0].n == 0
    text = pdf_text(render_province_report(report))
    assert f"1 {report.communes[0].name} {data.commune_a} 40 75,0" in text
    with pytest.raises(NotFound):  # outside the caller's units looks the same as unknown
        province_report(scope_for(make_user("manager", unit=data.commune_a)), HOME_PROVINCE, "2026-Q1")
    with pytest.raises(NotFound):
        province_report(scope_for(make_user("homeaffairs", unit="01")), HOME_PROVINCE, "2026-Q1")


def test_whole_province_batch_reuses_one_computation(data):
    tables, targets, summaries = province_unit_summaries(OPERATOR, HOME_PROVINCE, "2026-Q1", "KIOSK-QUICK", now=NOW)
    by_code = {s.unit_code: s for s in summaries}
    assert {(level, code) for level, code, _ in targets} >= {("commune", data.commune_a), ("agency", data.agency_a)}
    assert by_code[data.commune_a].index == 75.0 and by_code[data.commune_a].comments == [COMMENT]
    assert by_code[data.commune_b].suppressed
    single = unit_summary(OPERATOR, data.commune_a, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    assert by_code[data.commune_a] == single  # the batch path prints the same figures as the single one


def test_reasons_and_priorities_agree_between_tallies_and_raw_answers(data):
    tallied = unit_summary(OPERATOR, data.commune_a, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    raw = unit_summary(OPERATOR, data.commune_a, "2026-01-01..2026-03-30", instrument="KIOSK-QUICK", now=NOW)
    assert raw.period == "2026-01-01..2026-03-30"  # not whole months: counted from the raw answers
    assert raw.low_score_reasons == tallied.low_score_reasons and raw.index == tallied.index


def test_province_report_ranks_improvement_priorities(data):
    import uuid

    from survey.extensions import db
    from survey.services.responses import record_response

    # P.1: 20 of 30 say much/very much (66.67 %); P.2: 5 of 30 (16.67 %); 9 is no answer and not counted.
    answers = [{"P.1": 3, "P.2": 2}] * 5 + [{"P.1": 2, "P.2": 1}] * 15 + [{"P.1": 1, "P.2": 1}] * 10 + [{"P.1": 9}]
    for body in answers:
        record_response({"id": str(uuid.uuid4()), "instrument": "SIPAS-1001", "service_point": data.point_a,
                         "submitted_at": "2026-02-12T10:00:00+07:00", "answers": body}, channel="interview")
    db.session.commit()
    report = province_report(OPERATOR, HOME_PROVINCE, "2026-Q1", "SIPAS-1001", now=NOW)
    assert [round(p.pct, 2) for p in report.priorities] == [66.67, 16.67]
    assert report.priorities[0].label.vi.startswith("Nâng cao hơn nữa")
    text = pdf_text(render_province_report(report, lang="en"))
    assert f"{report.priorities[0].label.en} 66.7" in text and "IMPROVEMENT PRIORITIES" in text
