"""SIPAS-1001 v2 on the screens and in the PDF (issue 17, display): each factor's general question beside the
factor, and the assessment block's share at each level, on the unit page, the overview and the unit PDF."""
from __future__ import annotations

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from survey.extensions import db
from tests.fixtures.factories import commune_codes
from tests.services.test_indices_sipas_v2 import submit, v2_answers
from tests.web.test_dashboard import body
from tests.web.test_report_document import _save_pages

Q = "instrument=SIPAS-1001&period=2026-02"


@pytest.fixture
def v2_commune(app, make_agency, make_service_point) -> str:
    """30 respondents: 20 answer every A2 item 5 and the general questions 4, 10 answer 2 and 9 (no answer).
    Items: 20/30 = 66.67 %; general questions: 20 of 20 valid = 100 %. I.1: 20 at level 3, 10 at level 2.
    I.9 (channels, several): 20 tick 1 and 2, 10 tick 2 → 1: 66.67 %, 2: 100 %."""
    code = commune_codes("22", 1)[0]
    agency = make_agency(unit=code, code="000.90.22.H22", name="UBND thử nghiệm v2", kind="commune_committee")
    point = make_service_point(unit=code, agency=agency.code, code="SP-V2", name="Một cửa v2").code
    for _ in range(20):
        submit(point, v2_answers(5, 4, {"I.1": 3, "I.9": [1, 2], "H.1": 1}))
    for _ in range(10):
        submit(point, v2_answers(2, 9, {"I.1": 2, "I.9": [2], "H.1": 2}))
    db.session.commit()
    return code


def test_unit_page_shows_general_questions_and_assessment_shares(client, login_as, v2_commune):
    login_as("homeaffairs")
    page = body(client.get(f"/dashboard/commune/{v2_commune}?{Q}"))
    factor = re.search(r'<tr data-component="A2.1" data-pct="([^"]+)">(.*?)</tr>', page, re.S)
    assert factor and factor.group(1) == "66.67"
    assert 'data-general="A2.1.G" data-general-pct="100.0"' in factor.group(2)
    assert re.search(r"A2\.1\.G</span>\s*100,0", factor.group(2))
    area = re.search(r'<tr data-component="A2" data-pct="[^"]+">(.*?)</tr>', page, re.S).group(1)
    assert 'data-general="A2.G"' in area
    rows = dict(re.findall(r'<tr data-assessment="([^"]+)" data-n="(\d+)"', page))
    assert rows["I.1"] == "30" and rows["I.9"] == "30"
    i1 = page[page.index('data-assessment="I.1"'):]
    i1 = i1[:i1.index("</tr>")]
    assert 'data-level="2" data-share="33.33"' in i1 and 'data-level="3" data-share="66.67"' in i1
    assert "Rất quan tâm: <strong>66,7</strong>" in i1
    i9 = page[page.index('data-assessment="I.9"'):]
    assert 'data-level="2" data-share="100.0"' in i9[:i9.index("</tr>")] and ">I.9*<" in i9[:200]
    overview = body(client.get(f"/dashboard/?{Q}"))
    assert 'data-general="A2.1.G" data-general-pct="100.0"' in overview


@pytest.mark.parametrize("lang, general, level", [("vi", "A2.1.G", "3 Rất quan tâm: 66,7"),
                                                  ("en", "A2.1.G", ": 66.7")])
def test_unit_pdf_prints_general_questions_and_assessment_shares(client, login_as, v2_commune, lang, general,
                                                                 level):
    login_as("homeaffairs")
    got = client.get(f"/reports/unit?unit={v2_commune}&{Q}&lang={lang}")
    assert got.status_code == 200
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(got.data)).pages)))
    assert re.search(r"A2\.1 [^%]*?66[,.]7 A2\.1\.G 100[,.]0", text), text[:2000]
    assert level in text
    assert ("ĐÁNH GIÁ (PHẦN I)" if lang == "vi" else "ASSESSMENT (PART I)") in text
    assert "I.9*" in text
    _save_pages(got.data, f"report-unit-v2-{lang}")
