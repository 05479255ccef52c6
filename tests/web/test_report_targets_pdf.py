"""The unit PDF a manager downloads carries the unit's progress against its target (issue 23), and only its own."""
from __future__ import annotations

import io
import re

import pypdf
import pytest

from survey.extensions import db
from survey.services.access.scope import OPERATOR
from survey.services.targets.manage import set_target
from tests.fixtures.factories import HOME_PROVINCE
from tests.services.report_data import build


@pytest.fixture
def data(app, make_service_point):
    return build(make_service_point)


def pdf_text(body: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages))


def test_manager_sees_the_target_section_of_their_unit(client, data, login_as):
    set_target(OPERATOR, HOME_PROVINCE, {"level": "commune", "code": data.commune_a, "year": "2026",
                                         "instrument": "KIOSK-QUICK", "target": "80"})
    db.session.commit()
    login_as("manager", unit=data.commune_a)
    resp = client.get("/reports/unit", query_string={"unit": data.commune_a, "period": "2026-Q1"})
    assert resp.status_code == 200
    text = pdf_text(resp.data)
    assert "TIẾN ĐỘ SO VỚI CHỈ TIÊU" in text and "Chỉ tiêu năm 2026 80,0%" in text
    assert "Chênh lệch so với chỉ tiêu −5,0 điểm" in text and "đến 31/03/2026" in text
    resp = client.get("/reports/unit", query_string={"unit": data.commune_a, "period": "2025-Q4"})
    assert resp.status_code == 200 and "TIẾN ĐỘ" not in pdf_text(resp.data)  # no target for 2025
