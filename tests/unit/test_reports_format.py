"""Formatting, labels and fonts behind the PDFs: Vietnamese number style, periods, local time, glyph coverage."""
from __future__ import annotations

import subprocess
import sys
import unicodedata
from datetime import datetime, timezone

import pytest

from survey.reports.data import Bilingual
from survey.reports.fmt import dateline, integer, interval, local_stamp, number, period_label, signed
from survey.reports.fonts import BOLD, BOLD_OBLIQUE, OBLIQUE, REGULAR, font_dir, missing_glyphs, vietnamese_letters
from survey.reports.labels import LABELS


@pytest.mark.parametrize("value, lang, digits, expected", [
    (84.72, "vi", 1, "84,7"), (84.72, "en", 1, "84.7"), (78.25, "vi", 1, "78,3"), (4.2, "vi", 2, "4,20"),
    (100, "en", 0, "100"), (None, "vi", 1, "—"), (0.05, "en", 1, "0.1"),
])
def test_number_uses_decimal_comma_in_vietnamese_and_rounds_half_up(value, lang, digits, expected) -> None:
    assert number(value, lang, digits) == expected


def test_counts_differences_and_intervals() -> None:
    assert integer(45012, "vi") == "45.012" and integer(45012, "en") == "45,012"
    assert signed(2.7, "vi") == "+2,7" and signed(-2.0, "en") == "−2.0" and signed(0, "vi") == "±0,0"
    assert interval(82.1, 87.34, "vi") == "82,1–87,3" and interval(None, 87.3, "vi") == "—"


@pytest.mark.parametrize("period, vi, en", [
    ("2026", "Năm 2026", "Year 2026"), ("2026-Q3", "Quý III năm 2026", "Q3 2026"),
    ("2026-09", "Tháng 9 năm 2026", "September 2026"), ("2026-01-01/2026-06-30", "2026-01-01/2026-06-30",
                                                          "2026-01-01/2026-06-30"),
])
def test_period_labels(period: str, vi: str, en: str) -> None:
    assert period_label(period, "vi") == vi and period_label(period, "en") == en


def test_times_are_shown_in_viet_nam_and_naive_times_are_utc() -> None:
    late_utc = datetime(2025, 12, 31, 18, 5, tzinfo=timezone.utc)
    assert local_stamp(late_utc, "vi") == ("01/01/2026", "01:05")
    assert local_stamp(late_utc.replace(tzinfo=None), "en") == ("2026-01-01", "01:05")
    assert dateline(late_utc, "vi") == "Ngày 01 tháng 01 năm 2026"
    assert dateline(late_utc, "en") == "1 January 2026"


def test_label_dicts_match_and_are_nfc() -> None:
    assert set(LABELS["vi"]) == set(LABELS["en"])
    for table in LABELS.values():
        assert all(unicodedata.is_normalized("NFC", text) for text in table.values())


def test_bilingual_falls_back_to_vietnamese() -> None:
    assert Bilingual("Thủ tục hành chính", "Procedures").pick("en") == "Procedures"
    assert Bilingual("Thủ tục hành chính").pick("en") == "Thủ tục hành chính"
    assert Bilingual("Thủ tục hành chính", "Procedures").pick("vi") == "Thủ tục hành chính"


def test_dejavu_from_matplotlib_draws_every_vietnamese_letter_in_every_face() -> None:
    letters = vietnamese_letters()
    assert len(set(letters)) == 146
    assert (font_dir() / "DejaVuSans.ttf").is_file()
    for face in (REGULAR, BOLD, OBLIQUE, BOLD_OBLIQUE):
        assert missing_glyphs(letters + "—–·“”−±", face) == ""


def test_coverage_check_detects_a_font_without_vietnamese() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("VeraForCoverageTest", "Vera.ttf"))  # reportlab's bundled font
    assert "ư" in missing_glyphs(vietnamese_letters(), "VeraForCoverageTest")


def test_rendering_needs_neither_pyplot_nor_flask_nor_a_database() -> None:
    script = ("import sys; from datetime import datetime, timezone; from survey.reports.pdf import render_unit_summary;"
              "from survey.reports.data import UnitSummary;"
              "render_unit_summary(UnitSummary('Xã Đắk Nông', '24100', 'commune', '2026', 'KIOSK-QUICK', 1, 'm', 30, 0,"
              " None, None, None, datetime.now(timezone.utc), suppressed=True));"
              "assert not {'matplotlib.pyplot', 'flask', 'sqlalchemy'} & set(sys.modules), sys.modules.keys()")
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
