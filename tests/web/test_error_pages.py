"""Error pages and form errors speak the reader's language (Vietnamese first); the JSON API keeps stable English."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from survey.error_text import explain
from survey.errors import Conflict, NotFound
from survey.extensions import db
from survey.models import Agency
from tests.fixtures.factories import commune_codes


def _message(page: str) -> str:
    return re.search(r'class="error-message">([^<]*)<', page).group(1)


def test_an_old_qr_link_is_explained_in_vietnamese_then_english(client):
    page = client.get("/s/no-such-link", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert _message(page.get_data(as_text=True)) == \
        "Đường dẫn khảo sát này không tồn tại. Vui lòng quét lại mã QR tại quầy."
    english = client.get("/s/no-such-link?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert _message(english) == "This survey link is unknown. Please scan the QR code at the counter again."


def test_plain_http_errors_are_translated_on_pages_but_not_in_the_api(client):
    page = client.get("/no-such-page", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert _message(page).startswith("Trang này không tồn tại.")
    assert "requested URL" not in page
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.json["error"] == "not_found" and "URL" in api.json["message"]


def test_a_citizen_over_the_rate_limit_reads_a_plain_sentence(variant):
    client = variant(RATELIMIT_ENABLED=True, RATE_LIMIT_ONLINE="1/minute").test_client()
    statuses = [client.post("/s/no-such-link", data={}, headers={"Accept": "text/html"}) for _ in range(2)]
    assert [s.status_code for s in statuses] == [404, 429]
    assert _message(statuses[1].get_data(as_text=True)) == \
        "Có quá nhiều yêu cầu trong thời gian ngắn. Vui lòng chờ một lát rồi thử lại."


def test_a_role_without_access_reads_why_in_its_language(client, login_as):
    login_as("clerk", unit=commune_codes("22", 1)[0])
    page = client.get("/admin/", headers={"Accept": "text/html"})
    assert page.status_code == 403
    assert _message(page.get_data(as_text=True)) == "Bạn không có quyền truy cập trang này."


def test_an_expired_form_says_to_reload(variant):
    client = variant(WTF_CSRF_ENABLED=True).test_client()
    page = client.post("/auth/login", data={"email": "a@b.vn", "password": "x"}, headers={"Accept": "text/html"})
    assert page.status_code == 400
    assert "tải lại trang" in _message(page.get_data(as_text=True))


def test_a_taken_agency_code_is_named_in_the_form_error(client, login_as, make_agency):
    login_as("homeaffairs", unit="22")
    taken = make_agency(code="000.66.22.H22")
    page = client.post("/admin/agencies", data={"code": taken.code, "name": "Sở khác", "unit": "22",
                                                "kind": "department"})
    assert page.status_code == 200
    assert f"Đã có cơ quan mang mã {taken.code}." in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Agency).where(Agency.code == taken.code)) == 1


def test_explain_fills_params_and_falls_back_to_the_english_message(app):
    with app.test_request_context("/?lang=vi"):
        assert explain(Conflict("dossier_rated", "Dossier H1 rated", dossier="H1", channel="online")) == \
            "Hồ sơ H1 đã được đánh giá qua kênh này. Xin cảm ơn!"
        # A raise without the param the wording names keeps its own (English) message rather than failing.
        assert explain(Conflict("dossier_rated", "Dossier rated")) == "Dossier rated"
        assert explain(NotFound("not_listed_here", "Some English text")) == "Some English text"



def test_a_malformed_agency_code_is_refused_in_the_form_language(client, login_as):
    login_as("homeaffairs", unit="22")
    page = client.post("/admin/agencies", data={"code": "H49", "name": "Sở mới", "unit": "22", "kind": "department"})
    assert page.status_code == 200
    assert "Mã này không đúng dạng quy định (xem ví dụ dưới ô nhập)." in page.get_data(as_text=True)
    english = client.post("/admin/agencies?lang=en", data={"code": "H49", "name": "Sở mới", "unit": "22",
                                                           "kind": "department"})
    assert "This code is not in the expected form" in english.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Agency).where(Agency.code == "H49")) == 0
