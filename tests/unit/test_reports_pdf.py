"""PDF rendering of report data: Vietnamese text survives intact, only Liberation Serif is embedded, pages are
numbered."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from datetime import datetime, timezone

import pypdf
import pytest

from survey.errors import DomainError
from survey.reports.data import (Bilingual, Change, ComponentFigure, Count, ItemRow, Priority, ProvinceComparison,
                                 ProvinceReport, RankingRow, SmallUnit, TrendPoint, UnitSummary)
from survey.reports.pdf import render_province_report, render_unit_summary

GENERATED = datetime(2026, 1, 15, 20, 30, tzinfo=timezone.utc)  # 03:30 on 16 January in Viet Nam
SERIF = {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"}
COMMUNES = ["Xã Đắk Nông", "Phường Hoàn Kiếm", "Xã Ea Kiết", "Phường Nguyễn Thị Minh Khai", "Xã Cư Pơng",
            "Phường Thủ Dầu Một", "Xã Quảng Phú", "Xã Ia Grai"]


def item(code: str, text: str, pct: float | None = 86.75, n_valid: int = 400) -> ItemRow:
    return ItemRow(code, Bilingual(text, f"English gloss of {code}"), n_valid,
                   {1: 3, 2: 10, 3: 40, 4: 200, 5: 147, 9: 2} if pct is not None else {4: n_valid},
                   pct, 4.2 if pct is not None else None, suppressed=pct is None)


def unit_summary(**changes: object) -> UnitSummary:
    data = UnitSummary(
        unit_name="Phường Hoàn Kiếm", unit_code="00070", level="commune", period="2026-Q1",
        instrument_code="SIPAS-1001", instrument_version=3, method_version="sipas-default-1", min_n=30, n=412,
        index=84.7, ci_low=82.1, ci_high=87.3, generated_at=GENERATED, issuer="Sở Nội vụ",
        components=[ComponentFigure("A2.1", Bilingual("Tiếp cận dịch vụ", "Access"), 86.4, 412),
                    ComponentFigure("A2.3", Bilingual("Công chức giải quyết công việc", "Civil servants"), 91.05, 409)],
        items=[item("A2.1.1", "Nơi ngồi chờ đủ chỗ"), item("A2.3.4", "Công chức hướng dẫn kê khai hồ sơ tận tình")],
        change=Change("2025-Q4", 82.0, 2.7, "above"),
        province=ProvinceComparison("Thành phố Hà Nội", 81.2, "above"),
        low_score_reasons=[Count(Bilingual("Thời gian chờ đợi lâu", "Long waiting time"), 23)],
        comments=["Cán bộ nhiệt tình, hướng dẫn chu đáo & vui vẻ <3"],
    )
    return replace(data, **changes)


def province_report(**changes: object) -> ProvinceReport:
    communes = [RankingRow(i + 1, COMMUNES[i % len(COMMUNES)], f"{24100 + i:05d}", 120 + i, round(95 - i * 0.3, 1),
                           round(92 - i * 0.3, 1), round(98 - i * 0.3, 1), ("above", "same", "below")[i % 3])
                for i in range(100)]
    departments = [RankingRow(i + 1, f"Sở Tài nguyên và Môi trường {i}", f"000.{i:02d}.22.H49", 300, 90.0 - i,
                              87.0 - i, 93.0 - i, "same") for i in range(12)]
    data = ProvinceReport(
        province_name="Tỉnh Đắk Lắk", province_code="66", period="2026", instrument_code="SIPAS-1001",
        instrument_version=3, method_version="sipas-default-1", min_n=30, n=45012, index=83.4, ci_low=82.9,
        ci_high=83.9, generated_at=GENERATED, issuer="UBND tỉnh Đắk Lắk",
        trend=[TrendPoint("2025", 80.1, 40000), TrendPoint("2026", 83.4, 45012)],
        communes=communes, departments=departments, small_units=[SmallUnit("Xã Ea Súp", "24999", 12)],
        priorities=[Priority(Bilingual("Rút ngắn thời gian giải quyết hồ sơ", "Shorter processing time"), 72.5)],
    )
    return replace(data, **changes)


def reader(pdf: bytes) -> pypdf.PdfReader:
    assert pdf.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """Text of each page, NFC, with runs of whitespace (line breaks inside wrapped cells) made single spaces."""
    return [re.sub(r"\s+", " ", unicodedata.normalize("NFC", page.extract_text())) for page in reader(pdf).pages]


def text_of(pdf: bytes) -> str:
    return " ".join(page_texts(pdf))


def embedded_fonts(pdf: bytes) -> dict[str, bool]:
    """Base font name (subset prefix removed) → whether its program is embedded, over pages and their forms."""
    found: dict[str, bool] = {}

    def walk(resources: pypdf.generic.DictionaryObject) -> None:
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"]).lstrip("/").split("+")[-1]] = embedded
        for ref in resources.get("/XObject", {}).values():
            xobject = ref.get_object()
            if "/Resources" in xobject:
                walk(xobject["/Resources"].get_object())

    for page in reader(pdf).pages:
        walk(page["/Resources"].get_object())
    return found


def test_unit_summary_prints_heading_names_and_figures_with_diacritics_intact() -> None:
    text = text_of(render_unit_summary(unit_summary()))
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
                     "Kết quả khảo sát sự hài lòng của người dân, tổ chức", "Phường Hoàn Kiếm", "00070",
                     "Quý I năm 2026", "SỞ NỘI VỤ", "84,7%", "82,1–87,3", "+2,7 điểm, cao hơn",
                     "Thành phố Hà Nội: 81,2", "A2.3 Công chức giải quyết công việc", "91,1", "86,4",
                     "Công chức hướng dẫn kê khai hồ sơ tận tình", "86,8", "4,20", "Thời gian chờ đợi lâu",
                     "“Cán bộ nhiệt tình, hướng dẫn chu đáo & vui vẻ <3”"):
        assert expected in text, expected


def test_decomposed_input_is_printed_as_composed_text() -> None:
    nfd = unicodedata.normalize("NFD", "Xã Đắk Nông")
    assert nfd != "Xã Đắk Nông"
    pdf = render_unit_summary(unit_summary(unit_name=nfd, comments=[unicodedata.normalize("NFD", "Rất hài lòng")]))
    raw = " ".join(page.extract_text() for page in reader(pdf).pages)
    assert unicodedata.is_normalized("NFC", raw)
    assert "Xã Đắk Nông" in raw and "Rất hài lòng" in raw


@pytest.mark.parametrize("render, data", [(render_unit_summary, unit_summary()),
                                          (render_province_report, province_report())])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_only_the_serif_face_is_used_and_every_font_is_embedded(render, data, lang: str) -> None:
    fonts = embedded_fonts(render(data, lang=lang))
    assert fonts and set(fonts) <= SERIF, fonts  # Helvetica or ZapfDingbats would mean missing glyphs
    assert all(fonts.values()), fonts


def test_short_summary_fits_one_numbered_page() -> None:
    pages = page_texts(render_unit_summary(unit_summary()))
    assert len(pages) == 1
    assert "Trang 1/1" in pages[0]


def test_long_item_table_flows_onto_page_two_with_header_and_page_numbers() -> None:
    items = [item(f"A2.{f}.{k}", f"Câu hỏi số {k} về yếu tố {f}: cán bộ giải đáp đầy đủ, dễ hiểu")
             for f in range(1, 6) for k in range(1, 7)]
    pages = page_texts(render_unit_summary(unit_summary(items=items)))
    assert len(pages) == 2
    assert "Trang 1/2" in pages[0] and "Trang 2/2" in pages[1]
    assert "A2.1.1" in pages[0] and "A2.5.6" in pages[1] and "A2.5.6" not in pages[0]
    assert "Nội dung" in pages[1] and "% hài lòng" in pages[1]  # the header row repeats
    assert "Phường Hoàn Kiếm (00070) · Quý I năm 2026" in pages[1]  # running head on later pages


def test_suppressed_figures_print_a_dash_and_the_minimum_n_note() -> None:
    data = unit_summary(n=12, index=None, ci_low=None, ci_high=None, suppressed=True, change=None,
                        components=[ComponentFigure("A2.1", Bilingual("Tiếp cận dịch vụ"), None, 12, True)],
                        items=[item("A2.1.1", "Nơi ngồi chờ đủ chỗ", pct=None, n_valid=12)])
    vi, en = text_of(render_unit_summary(data)), text_of(render_unit_summary(data, lang="en"))
    assert "Chỉ số hài lòng chung —" in vi
    assert "ít hơn 30 phiếu" in vi and "fewer than 30 responses" in en
    assert "86,8" not in vi and "4,20" not in vi


def test_note_on_small_cells_is_absent_when_nothing_is_suppressed() -> None:
    assert "ít hơn 30 phiếu" not in text_of(render_unit_summary(unit_summary()))
    assert "—" not in text_of(render_unit_summary(unit_summary()))


def test_english_summary_has_english_labels_and_vietnamese_unit_names() -> None:
    text = text_of(render_unit_summary(unit_summary(), lang="en"))
    for expected in ("SOCIALIST REPUBLIC OF VIET NAM", "Independence - Freedom - Happiness", "REPORT",
                     "Overall satisfaction index", "84.7%", "82.1–87.3", "Q1 2026", "Phường Hoàn Kiếm", "Page 1/1",
                     "A2.1 Access", "English gloss of A2.3.4", "Long waiting time", "16 January 2026"):
        assert expected in text, expected
    for vietnamese in ("Trang", "Chỉ số hài lòng chung", "Độc lập", "khoảng tin cậy"):
        assert vietnamese not in text, vietnamese


def test_generated_time_is_printed_in_viet_nam_time_with_versions() -> None:
    text = text_of(render_unit_summary(unit_summary()))
    assert "Ngày 16 tháng 01 năm 2026" in text
    assert "Bộ câu hỏi SIPAS-1001 v3 · phương pháp sipas-default-1 · tạo lúc 03:30 16/01/2026" in text


def test_unknown_language_is_a_domain_error() -> None:
    with pytest.raises(DomainError) as error:
        render_unit_summary(unit_summary(), lang="fr")
    assert error.value.code == "report_language_unknown"


def test_document_metadata_names_the_unit_and_period() -> None:
    meta = reader(render_unit_summary(unit_summary())).metadata
    assert meta.title == ("Kết quả khảo sát sự hài lòng của người dân, tổ chức — Phường Hoàn Kiếm (00070) — "
                          "Quý I năm 2026")


def test_province_report_ranks_communes_and_departments_over_numbered_pages() -> None:
    pages = page_texts(render_province_report(province_report()))
    text = " ".join(pages)
    assert len(pages) >= 3
    assert all(f"Trang {i}/{len(pages)}" in page for i, page in enumerate(pages, start=1))
    for expected in ("Tỉnh Đắk Lắk", "Năm 2026", "83,4%", "82,9–83,9", "45.012",
                     "III. XẾP HẠNG CÁC XÃ, PHƯỜNG, ĐẶC KHU", "1 Xã Đắk Nông 24100 120 95,0 92,0–98,0 cao hơn",
                     "3 Xã Ea Kiết 24102 122 94,4 91,4–97,4 thấp hơn",
                     "100 Phường Nguyễn Thị Minh Khai 24199 219 65,3 62,3–68,3 cao hơn", "000.11.22.H49",
                     "Xã Ea Súp 24999 12",
                     "V. ĐƠN VỊ CHƯA ĐỦ SỐ PHIẾU (ít hơn 30)", "Rút ngắn thời gian giải quyết hồ sơ 72,5",
                     "phương pháp sipas-default-1 trên bộ câu hỏi SIPAS-1001 v3"):
        assert expected in text, expected


def test_province_report_prints_a_given_methodology_note_and_english_labels() -> None:
    data = province_report(methodology_note="Ghi chú riêng của Sở Nội vụ tỉnh Đắk Lắk.")
    vi, en = text_of(render_province_report(data)), text_of(render_province_report(data, lang="en"))
    assert "Ghi chú riêng của Sở Nội vụ tỉnh Đắk Lắk." in vi and "trung bình không trọng số" not in vi
    for expected in ("RANKING OF COMMUNE-LEVEL UNITS", "83.4%", "Tỉnh Đắk Lắk", "Xã Đắk Nông", "above", "Year 2026"):
        assert expected in en, expected
    assert "Xếp hạng" not in en and "Trang" not in en


def test_province_report_marks_a_period_without_figures() -> None:
    data = province_report(trend=[TrendPoint("2025", None, 10), TrendPoint("2026", 83.4, 45012)])
    note = "—: ít hơn 30 phiếu, không công bố số liệu"
    assert note in text_of(render_province_report(data))
    assert note not in text_of(render_province_report(province_report()))


def test_first_page_rasterises_to_an_a4_image_with_ink_and_chart_bars(tmp_path) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftoppm is required on CI: apt-get install -y poppler-utils")
        pytest.skip("pdftoppm not installed (apt-get install -y poppler-utils)")
    from PIL import Image  # Pillow comes with matplotlib

    pdf = tmp_path / "unit.pdf"
    pdf.write_bytes(render_unit_summary(unit_summary()))
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(tmp_path / "page1")], check=True, timeout=60, capture_output=True)
    with Image.open(tmp_path / "page1.png") as image:
        rgb = image.convert("RGB")
    width, height = rgb.size
    assert abs(height / width - 297 / 210) < 0.01
    raw = rgb.tobytes()
    pixels = list(zip(raw[0::3], raw[1::3], raw[2::3]))
    ink = sum(1 for r, g, b in pixels if r + g + b < 200) / len(pixels)
    bars = sum(1 for r, g, b in pixels if abs(r - 0x2E) < 20 and abs(g - 0x75) < 20 and abs(b - 0xB6) < 20)
    assert 0.0015 < ink < 0.2, ink  # the serif face inks thinner strokes than the old sans did
    assert bars > 500, bars  # the blue component bars were drawn


def test_summaries_render_the_same_in_worker_processes() -> None:
    from survey.reports.batch import render_summaries

    summaries = [unit_summary(unit_name=name, unit_code=f"{24100 + i}") for i, name in enumerate(COMMUNES[:3])]
    serial = list(render_summaries(summaries, "en", jobs=1))
    parallel = list(render_summaries(summaries, "en", jobs=2))
    assert [(level, code) for level, code, _ in parallel] == [(level, code) for level, code, _ in serial]
    assert [text_of(pdf) for _, _, pdf in parallel] == [text_of(pdf) for _, _, pdf in serial]
    assert COMMUNES[2] in text_of(parallel[2][2])


def test_sections_are_numbered_as_printed_and_the_issuer_takes_two_lines() -> None:
    data = unit_summary(reasons_asked=False, issuer="UBND Tỉnh Đắk Lắk\nSở Nội vụ")
    text = text_of(render_unit_summary(data))
    assert "Thời gian chờ đợi lâu" not in text and "LÝ DO CHƯA HÀI LÒNG" not in text
    assert "IV. Ý KIẾN CỦA NGƯỜI DÂN (ĐÃ DUYỆT)" in text
    assert "UBND TỈNH ĐẮK LẮK" in text and "SỞ NỘI VỤ" in text
