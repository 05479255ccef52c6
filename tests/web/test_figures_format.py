"""One number format (issue 19 item 2): 78.25 prints alike on the dashboard, in the PDF and through the `num`
filter, rounded half-up by Babel's pattern (78,3 in Vietnamese, 78.3 in English)."""
from __future__ import annotations

import io
import re

import pytest
from flask import render_template_string
from pypdf import PdfReader

from survey.extensions import db
from tests.fixtures.factories import commune_codes
from tests.web.test_dashboard import body
from tests.fixtures.dashboard import PERIOD, kiosk
Q = f"instrument=KIOSK-QUICK&period={PERIOD}"


@pytest.fixture
def seventy_eight(app, make_agency, make_service_point) -> str:
    """A commune whose kiosk index is exactly 313 / 400 = 78.25%."""
    code = commune_codes("22", 1)[0]
    agency = make_agency(unit=code, code="000.80.22.H22", name="UBND thử nghiệm Số", kind="commune_committee")
    point = make_service_point(unit=code, agency=agency.code, code="SP-FMT", name="Bộ phận Một cửa Số")
    kiosk(point.code, [5] * 313 + [1] * 87)
    db.session.commit()
    return code


def _pdf_text(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


@pytest.mark.parametrize("lang, shown", [("vi", "78,3"), ("en", "78.3")])
def test_the_same_figure_prints_the_same_everywhere(client, login_as, seventy_eight, lang, shown):
    login_as("homeaffairs")
    client.get(f"/dashboard/?lang={lang}")  # the reader's language for the pages
    page = body(client.get(f"/dashboard/commune/{seventy_eight}?{Q}"))
    head = page[page.index('id="unit-index"'):]
    assert 'data-index="78.25"' in page
    assert re.search(r'<span class="figure">\s*' + re.escape(shown) + r"\s*</span>", head[:600]), head[:600]
    printed = _pdf_text(client.get(f"/reports/unit?unit={seventy_eight}&{Q}&lang={lang}"))
    assert f"{shown}%" in printed
    with client.application.test_request_context(f"/?lang={lang}"):
        assert render_template_string("{{ 78.25|num(1) }}") == shown
        assert render_template_string("{{ 1234567|num }}") == ("1.234.567" if lang == "vi" else "1,234,567")
