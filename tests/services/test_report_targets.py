"""Progress against targets in the PDFs (issue 23): the unit summary's section and the provincial report's table,
from the same progress() the dashboards and the scorecard show; absent when no target is set."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from datetime import date, datetime, timezone
from pathlib import Path

import pypdf
import pytest

from survey.extensions import db
from survey.reports.pdf import render_province_report, render_unit_summary
from survey.services.access.scope import OPERATOR
from survey.services.reports.province import province_report
from survey.services.reports.unit import province_unit_summaries, unit_summary
from survey.services.targets.manage import set_target
from survey.services.targets.progress import progress
from tests.fixtures.factories import HOME_PROVINCE
from tests.services.report_data import build

NOW = datetime(2026, 4, 2, 1, 0, tzinfo=timezone.utc)  # the Q1 report is made on 2 April: year to date = Q1
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def data(app, make_service_point):
    return build(make_service_point)


def _target(level: str, code: str, value: str, year: str = "2026", instrument: str = "KIOSK-QUICK") -> None:
    set_target(OPERATOR, HOME_PROVINCE, {"level": level, "code": code, "year": year, "instrument": instrument,
                                         "target": value})
    db.session.commit()


def extracted(pdf: bytes) -> str:
    """The PDF's text as printed (the renderer writes NFC: a decomposed mark would be a bug, so no normalising)."""
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))


def save_pages(pdf: bytes, name: str) -> None:
    """The PDF and its pages as PNGs under test-artifacts/ (pdftoppm), for a person to look at."""
    if shutil.which("pdftoppm") is None:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(ARTIFACTS / f"{name}.pdf"), str(ARTIFACTS / name)],
                   check=True, timeout=120)


def test_unit_pdf_shows_progress_against_its_target(data):
    _target("commune", data.commune_a, "80")
    summary = unit_summary(OPERATOR, data.commune_a, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    mine = next(p for p in progress(OPERATOR, HOME_PROVINCE, "KIOSK-QUICK", 2026, "commune", date(2026, 3, 31), 30)
                if p.code == data.commune_a)
    shown = summary.progress
    assert (shown.year, shown.target, shown.as_of, shown.value, shown.gap) == (2026, 80.0, date(2026, 3, 31), 75.0,
                                                                              -5.0)
    # The same projection as the dashboards and the scorecard: year to date = Q1 here (40 answers, 75 %).
    assert shown.ytd == mine.ytd and (shown.ytd.value, shown.ytd.low, shown.ytd.high) == (
        75.0, summary.ci_low, summary.ci_high)
    assert shown.status == mine.status == "uncertain"  # the interval straddles 80
    pdf = render_unit_summary(summary)
    save_pages(pdf, "targets-unit-summary")
    text = extracted(pdf)
    assert text == unicodedata.normalize("NFC", text)
    low, high = (f"{v:.1f}".replace(".", ",") for v in (summary.ci_low, summary.ci_high))
    for expected in ("II. TIẾN ĐỘ SO VỚI CHỈ TIÊU", "Chỉ tiêu năm 2026 80,0%", "Kết quả kỳ này 75,0% (Quý I năm 2026)",
                     "Chênh lệch so với chỉ tiêu −5,0 điểm",
                     f"Dự báo cuối năm 75,0% (khoảng tin cậy 95%: {low}–{high}), theo kết quả từ đầu năm đến "
                     "31/03/2026", "Đánh giá Chưa chắc chắn: khoảng dự báo có chứa chỉ tiêu"):
        assert expected in text, expected
    english = extracted(render_unit_summary(summary, "en"))
    assert "PROGRESS AGAINST THE TARGET" in english and "Gap to the target −5.0 points" in english


def test_on_track_and_off_track_read_from_the_whole_interval(data):
    _target("commune", data.commune_a, "50")
    above = unit_summary(OPERATOR, data.commune_a, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    assert above.progress.status == "on_track" and above.progress.gap == 25.0
    assert "Đúng hướng: cả khoảng dự báo đạt chỉ tiêu" in extracted(render_unit_summary(above))
    _target("commune", data.commune_a, "99")
    below = unit_summary(OPERATOR, data.commune_a, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    assert below.progress.status == "off_track"
    assert "Chệch hướng: cả khoảng dự báo thấp hơn chỉ tiêu" in extracted(render_unit_summary(below))


def test_no_target_for_the_year_or_instrument_means_no_section(data):
    _target("commune", data.commune_a, "80", year="2025")
    _target("commune", data.commune_a, "80", instrument="SIPAS-1001")
    summary = unit_summary(OPERATOR, data.commune_a, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    assert summary.progress is None
    text = extracted(render_unit_summary(summary))
    assert "TIẾN ĐỘ" not in text and "Chỉ tiêu" not in text
    report = province_report(OPERATOR, HOME_PROVINCE, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    assert report.progress is None and "TIẾN ĐỘ" not in extracted(render_province_report(report))


def test_a_suppressed_unit_shows_its_target_without_figures(data):
    _target("commune", data.commune_b, "90")  # commune B: 10 answers, under min_n
    summary = unit_summary(OPERATOR, data.commune_b, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    assert (summary.progress.target, summary.progress.value, summary.progress.ytd) == (90.0, None, None)
    text = extracted(render_unit_summary(summary))
    assert "Chỉ tiêu năm 2026 90,0%" in text and "Kết quả kỳ này — (Quý I năm 2026)" in text
    assert "Đánh giá Chưa đánh giá được" in text and "100,0" not in text


def test_agency_pdf_and_the_whole_province_batch_agree(data):
    _target("agency", data.agency_a, "70")
    single = unit_summary(OPERATOR, data.agency_a, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    assert single.progress.target == 70.0 and single.progress.status == "uncertain"
    _tables, _targets, summaries = province_unit_summaries(OPERATOR, HOME_PROVINCE, "2026-Q1", "KIOSK-QUICK",
                                                           now=NOW)
    by_code = {s.unit_code: s for s in summaries}
    assert by_code[data.agency_a].progress == single.progress
    assert by_code[data.commune_a].progress is None


def test_province_report_lists_the_units_with_targets(data):
    _target("commune", data.commune_a, "80")
    _target("commune", data.commune_b, "90")
    _target("agency", data.agency_a, "50")
    _target("province", HOME_PROVINCE, "85")  # the province's own target is not a row of the units' table
    report = province_report(OPERATOR, HOME_PROVINCE, "2026-Q1", instrument="KIOSK-QUICK", now=NOW)
    table = report.progress
    assert (table.year, table.as_of) == (2026, date(2026, 3, 31))
    rows = {r.code: r for r in table.rows}
    assert [r.level for r in table.rows] == ["commune", "commune", "agency"]
    assert (rows[data.commune_a].target, rows[data.commune_a].value, rows[data.commune_a].status) == (
        80.0, 75.0, "uncertain")
    assert (rows[data.commune_b].value, rows[data.commune_b].ytd, rows[data.commune_b].status) == (None, None, None)
    assert rows[data.agency_a].status == "on_track"
    pdf = render_province_report(report)
    save_pages(pdf, "targets-province-report")
    text = extracted(pdf)
    ytd = rows[data.commune_a].ytd
    ci = f"{ytd.low:.1f}–{ytd.high:.1f}".replace(".", ",")
    assert "TIẾN ĐỘ SO VỚI CHỈ TIÊU NĂM 2026" in text
    assert f"{data.commune_a} 80,0 75,0 75,0 {ci} chưa chắc chắn" in text
    assert f"{data.commune_b} 90,0 — — — —" in text
    assert f"{data.agency_a} 50,0 75,0 75,0 {ci} đúng hướng" in text
    assert "theo kết quả từ đầu năm đến 31/03/2026" in text
