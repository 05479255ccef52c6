"""Printable packs (issue 18): a PDF per village, a page per questionnaire with its code, the QR code of its
personal link and Vietnamese instructions."""
from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
import zipfile
from datetime import date

import pytest
from pypdf import PdfReader

from survey.extensions import db
from survey.services.access.scope import OPERATOR
from survey.services.campaigns import manage
from survey.services.campaigns.frame import import_frame
from tests.fixtures.factories import commune_codes


@pytest.fixture
def drawn(app):
    c1, c2 = commune_codes("22", 2)
    import_frame(OPERATOR, "22", "commune_code,village_code,village_name,population\n"
                 f"{c1},V1,Thôn Đồng Tâm,400\n{c2},W1,Tổ dân phố Hải Yến,300\n")
    manage.create_campaign(OPERATOR, "QN-PACK", "22", "SIPAS-1001", None, date(2026, 10, 1), date(2026, 10, 31),
                           1, 3, None, 1)
    db.session.commit()
    return c1, c2


def _text(pdf: bytes) -> list[str]:
    return [unicodedata.normalize("NFC", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_packs_zip_has_a_pdf_per_village_and_a_page_per_questionnaire(runner, drawn, tmp_path):
    c1, c2 = drawn
    refused = runner.invoke(args=["campaigns", "packs", "QN-PACK", "-o", str(tmp_path / "early.zip")])
    assert refused.exit_code != 0 and "not been drawn" in refused.output
    manage.draw(OPERATOR, "QN-PACK")
    db.session.commit()
    out = runner.invoke(args=["campaigns", "packs", "QN-PACK", "-o", str(tmp_path / "packs.zip")])
    assert out.exit_code == 0, out.output
    rows = manage.questionnaire_rows(OPERATOR, "QN-PACK")
    with zipfile.ZipFile(tmp_path / "packs.zip") as archive:
        assert sorted(archive.namelist()) == sorted([f"{c1}-V1.pdf", f"{c2}-W1.pdf"])
        pages = _text(archive.read(f"{c2}-W1.pdf"))
    mine = [r for r in rows if r["village_code"] == "W1"]
    assert len(pages) == 3
    for page, row in zip(pages, mine):
        flat = " ".join(page.split())
        assert f"Mã phiếu: {row['questionnaire']}" in flat
        assert row["link"] in "".join(page.split())  # printed beside the QR code (cut into lines), for typing
        assert "Tổ dân phố Hải Yến" in flat and "Hướng dẫn trả lời" in flat
        assert "Quét mã QR" in flat and "chỉ dùng được một lần" in flat
        assert "từ 01/10/2026 đến 31/10/2026" in flat
    folder = runner.invoke(args=["campaigns", "packs", "QN-PACK", "-o", str(tmp_path / "dir"), "--village", "V1"])
    assert folder.exit_code == 0 and [p.name for p in (tmp_path / "dir").iterdir()] == [f"{c1}-V1.pdf"]


def test_a_pack_page_renders_to_an_image(runner, drawn, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    manage.draw(OPERATOR, "QN-PACK")
    db.session.commit()
    assert runner.invoke(args=["campaigns", "packs", "QN-PACK", "-o", str(tmp_path)]).exit_code == 0
    pdf = sorted(tmp_path.glob("*.pdf"))[0]
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    image = next(tmp_path.glob("page*.png"))
    assert image.stat().st_size > 10_000
    shutil.copy(image, "test-artifacts/campaign-pack-page.png")
