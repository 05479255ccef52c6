"""CSV import of paper questionnaires (issue 19.9): row errors in Vietnamese, ';' files, day-first dates."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Response
from tests.web.test_collection_paper import count, upload
from tests.fixtures.factories import HOME_PROVINCE, commune_codes


@pytest.fixture
def point(make_service_point):
    return make_service_point(unit=commune_codes(HOME_PROVINCE, 1)[0], code="SP-DESK")


def problems(html: str) -> list[str]:
    rows = re.findall(r'<tr class="row-error">(.*?)</tr>', html, re.S)
    return [re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1]
                                         .replace("<br>", " | ")).strip() for row in rows]


def test_row_errors_read_in_vietnamese(client, point, login_as):
    login_as("clerk")
    bad = ("instrument,service_point,submitted_at,Q\n"
           "KIOSK-QUICK,SP-DESK,2026-01-05,7\n"
           "KIOSK-QUICK,SP-DESK,hôm qua,4\n"
           "KIOSK-QUICK,SP-KHONG,2026-01-05,4\n")
    resp = upload(client, bad)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and count() == 0
    assert problems(html) == [
        "answers.Q Q: 7 không phải là mã trả lời của câu hỏi này | answers.Q Q phải được trả lời",
        "submitted_at ghi ngày dạng 01/03/2026 hoặc 2026-03-01 (có thể kèm giờ, ví dụ 01/03/2026 09:30)",
        "service_point không có điểm phục vụ SP-KHONG",
    ]
    assert "is not a code" not in html and "ISO 8601" not in html


def test_a_semicolon_file_with_day_first_dates_imports(client, point, login_as):
    login_as("clerk")
    excel = ("instrument;service_point;submitted_at;Q;R\n"
             "KIOSK-QUICK;SP-DESK;01/03/2026;5;\n"
             "KIOSK-QUICK;SP-DESK;2/3/2026 09:30;1;2 3\n")
    resp = upload(client, excel)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert count() == 2
    times = sorted(r.submitted_at for r in db.session.scalars(select(Response)))
    # Local (UTC+7) midnight of 1 March, and 09:30 on 2 March, stored in UTC.
    assert [t.strftime("%Y-%m-%d %H:%M") for t in times] == ["2026-02-28 17:00", "2026-03-02 02:30"]


def test_a_file_level_problem_is_translated(client, point, login_as):
    login_as("clerk")
    resp = upload(client, "instrument,service_point\n")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "dòng 1: tệp trống" in html and "has no rows" not in html
