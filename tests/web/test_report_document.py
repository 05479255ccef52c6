"""The PDFs as administrative reports (issue 19 item 20): Home Affairs fills number, place, signer and recipients
once on a settings screen; unit and provincial PDFs print them in Liberation Serif (embedded), with Vietnamese
intact in the extracted text and in the page images saved under test-artifacts/."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from survey.extensions import db
from survey.models import AuditEntry, ReportSettings
from tests.web.test_dashboard import body
from tests.fixtures.dashboard import PERIOD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SETTINGS = {"number": "12/BC-SNV", "place": "Quảng Ninh", "signer_title": "KT. GIÁM ĐỐC\r\nPHÓ GIÁM ĐỐC",
            "signer_name": "Nguyễn Văn Ánh", "recipients": "Ủy ban nhân dân tỉnh (để báo cáo);\r\n- Bộ Nội vụ\r\n"}


def _text(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", " ".join(p.extract_text() for p in pages)))


def _fonts(pdf: bytes) -> set[str]:
    found = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            assert "/FontFile2" in described["/FontDescriptor"].get_object(), font  # embedded
            found.add(str(font["/BaseFont"]).split("+")[-1])
    return found


def _save_pages(pdf: bytes, name: str) -> list[Path]:
    """The PDF's pages as PNGs under test-artifacts/ (pdftoppm), for a person to look at."""
    if shutil.which("pdftoppm") is None:
        return []
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"{name}.pdf"
    target.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(target), str(ARTIFACTS / name)], check=True, timeout=120)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def test_home_affairs_sets_the_report_elements_once_and_both_pdfs_print_them(client, login_as, dashboard_world):  # noqa: F811
    login_as("homeaffairs")
    assert 'id="report-settings-link"' in body(client.get("/reports/"))
    assert 'id="report-settings"' in body(client.get("/reports/settings"))
    saved = client.post("/reports/settings", data=SETTINGS)  # CSRF is off in tests (on in the app's config)
    assert saved.status_code == 302, body(saved)
    row = db.session.query(ReportSettings).one()
    assert (row.number, row.signer_name) == ("12/BC-SNV", "Nguyễn Văn Ánh")
    assert db.session.query(AuditEntry).filter_by(action="reports.settings", object="22").count() == 1
    unit = client.get(f"/reports/unit?unit={dashboard_world.places['home'].code}&instrument=KIOSK-QUICK"
                      f"&period={PERIOD}")
    province = client.get(f"/reports/province?province=22&instrument=KIOSK-QUICK&period={PERIOD}")
    for name, got in (("report-unit-document", unit), ("report-province-document", province)):
        assert got.status_code == 200
        text = _text(got.data)
        for printed in ("Số: 12/BC-SNV", "Nơi nhận:", "- Ủy ban nhân dân tỉnh (để báo cáo);", "- Bộ Nội vụ;",
                        "- Lưu: VT.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Ánh", "SỞ NỘI VỤ"):
            assert printed in text, (name, printed, text[-600:])
        assert re.search(r"Quảng Ninh, ngày \d\d tháng \d\d năm \d{4}", text), text[:400]
        assert _fonts(got.data) <= {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic",
                                    "LiberationSerif-BoldItalic"}
        _save_pages(got.data, name)


def test_without_settings_the_number_is_left_for_the_hand_and_the_place_is_the_province(client, login_as,
                                                                                        dashboard_world):  # noqa: F811
    login_as("homeaffairs")
    got = client.get(f"/reports/province?province=22&instrument=KIOSK-QUICK&period={PERIOD}")
    text = _text(got.data)
    assert re.search(r"Số: +/BC-SNV", text) and "Quảng Ninh, ngày" in text and "GIÁM ĐỐC" in text


def test_only_home_affairs_of_a_province_reaches_the_settings(client, login_as, dashboard_world):  # noqa: F811
    login_as("manager", unit=dashboard_world.places["home"].code)
    assert client.get("/reports/settings").status_code == 403
    assert 'id="report-settings-link"' not in body(client.get("/reports/"))


def test_an_overlong_field_is_named_and_nothing_is_saved(client, login_as, dashboard_world):  # noqa: F811
    login_as("homeaffairs")
    got = client.post("/reports/settings", data={**SETTINGS, "number": "9" * 61})
    assert got.status_code == 400 and 'aria-invalid="true"' in body(got)
    assert db.session.query(ReportSettings).count() == 0


@pytest.mark.parametrize("words", ["Nơi nhận", "Ủy ban nhân dân", "Quảng Ninh", "Độc lập - Tự do - Hạnh phúc"])
def test_the_serif_face_draws_every_vietnamese_letter(words):
    from survey.reports.fonts import FACES, missing_glyphs, vietnamese_letters

    for face in FACES:
        assert missing_glyphs(vietnamese_letters() + words, face) == ""
