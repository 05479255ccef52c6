"""Dashboard pages through the test client: who sees what, figures equal to the API, suppression, filters."""
from __future__ import annotations

import html
import re

import pytest

from tests.fixtures.dashboard import PERIOD

Q = f"instrument=KIOSK-QUICK&period={PERIOD}"


def body(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def data_rows(page: str, attribute: str = "data-unit") -> dict[str, dict[str, str]]:
    """Elements carrying data-unit (or another key attribute): key → their data-* attributes."""
    rows = {}
    for tag in re.findall(r"<(?:tr|li)\b[^>]*" + attribute + r'="[^"]*"[^>]*>', page):
        attrs = dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', tag))
        rows.setdefault(attrs[attribute], attrs)
    return rows


def api(client, by: str, period: str = PERIOD, instrument: str = "KIOSK-QUICK") -> dict:
    response = client.get(f"/api/v1/indices?instrument={instrument}&period={period}&by={by}&province=22")
    assert response.status_code == 200, response.get_data(as_text=True)
    return {row["unit_code"]: row for row in response.get_json()["rows"]}


def test_anonymous_visitors_are_sent_to_the_sign_in_page(client):
    for url in ("/dashboard/", "/dashboard/commune/22222"):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_clerks_have_no_results_screens(client, login_as, dashboard_world):
    login_as("clerk", unit=dashboard_world.places["home"].code)
    assert client.get("/dashboard/").status_code == 403
    assert client.get(f"/dashboard/commune/{dashboard_world.places['home'].code}").status_code == 403


def test_overview_figures_are_the_published_figures(client, login_as, dashboard_world):
    login_as("homeaffairs")
    page = body(client.get(f"/dashboard/?{Q}"))
    province = api(client, "province")["22"]
    communes = api(client, "commune")
    shown = data_rows(page)
    assert float(shown["22"]["data-index"]) == province["index"]
    assert int(shown["22"]["data-n"]) == province["n"] == 120
    for key in ("home", "sibling"):
        code = dashboard_world.places[key].code
        assert float(shown[code]["data-index"]) == communes[code]["index"]
        assert float(shown[code]["data-ci-low"]) == communes[code]["ci_low"]
        assert int(shown[code]["data-n"]) == communes[code]["n"]
    assert float(shown[dashboard_world.places["home"].code]["data-index"]) == 75.0
    assert shown[dashboard_world.places["home"].code]["data-rank"] == "1"
    assert shown[dashboard_world.department]["data-index"] == "100.0"


def test_overview_shows_the_province_only(client, login_as, dashboard_world):
    login_as("homeaffairs")
    page = body(client.get(f"/dashboard/?{Q}"))
    for key in ("home", "sibling", "small"):
        assert dashboard_world.places[key].name in page
    foreign = dashboard_world.places["foreign"]
    for marker in (foreign.name, foreign.point_name, foreign.comment, foreign.code):
        assert marker not in page


def test_small_units_are_suppressed_and_listed(client, login_as, dashboard_world):
    login_as("homeaffairs")
    small = dashboard_world.places["small"]
    page = body(client.get(f"/dashboard/?{Q}"))
    row = data_rows(page)[small.code]
    assert row["data-suppressed"] == "true" and "data-index" not in row and row["data-n"] == "5"
    unit = body(client.get(f"/dashboard/commune/{small.code}?{Q}"))
    head = data_rows(unit)[small.code]
    assert head["data-suppressed"] == "true" and "data-index" not in head
    assert "ít hơn 30 phiếu" in unit
    assert "ít hơn 30 lượt đánh giá trên ki-ốt" in unit  # the low-score reasons are withheld too


def test_a_commune_manager_sees_only_their_commune(client, login_as, dashboard_world):
    home, sibling, foreign = (dashboard_world.places[k] for k in ("home", "sibling", "foreign"))
    login_as("manager", unit=home.code)
    response = client.get(f"/dashboard/?{Q}")
    assert response.status_code == 302 and f"/dashboard/commune/{home.code}" in response.headers["Location"]
    page = body(client.get(f"/dashboard/commune/{home.code}?{Q}"))
    assert home.name in page and home.comment in page and home.device_name in page
    for marker in (sibling.name, sibling.comment, sibling.device_name, sibling.point_name, foreign.name):
        assert marker not in page
    mine = api(client, "commune")
    assert float(data_rows(page)[home.code]["data-index"]) == mine[home.code]["index"]
    assert set(mine) <= {home.code}  # the API agrees on what this manager may see
    for url in (f"/dashboard/commune/{sibling.code}", f"/dashboard/commune/{foreign.code}",
                f"/dashboard/service-point/{sibling.point}", f"/dashboard/agency/{sibling.agency}",
                f"/dashboard/agency/{dashboard_world.department}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert sibling.name not in body(response) and sibling.comment not in body(response)


def test_home_affairs_cannot_open_another_provinces_places(client, login_as, dashboard_world):
    foreign = dashboard_world.places["foreign"]
    login_as("homeaffairs")
    for url in (f"/dashboard/commune/{foreign.code}", f"/dashboard/agency/{foreign.agency}",
                f"/dashboard/service-point/{foreign.point}", "/dashboard/commune/22"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert foreign.name not in body(response) and foreign.comment not in body(response)


def test_unit_page_compares_with_the_province(client, login_as, dashboard_world):
    home = dashboard_world.places["home"]
    login_as("homeaffairs")
    page = body(client.get(f"/dashboard/commune/{home.code}?{Q}"))
    province = api(client, "province")["22"]
    head = data_rows(page)[home.code]
    assert float(head["data-index"]) == 75.0
    assert re.search(r'data-province-index="([^"]+)"', page)[1] == str(province["index"])
    components = data_rows(page, "data-component")
    assert float(components["SAT"]["data-pct"]) == api(client, "commune")[home.code]["components"]["SAT"]["pct"]
    items = data_rows(page, "data-item")
    assert float(items["Q"]["data-pct"]) == 75.0
    reasons = data_rows(page, "data-reason")
    assert reasons["1"]["data-count"] == "10" and reasons["3"]["data-count"] == "10"
    assert reasons["2"]["data-count"] == "0"


def test_department_and_service_point_pages(client, login_as, dashboard_world):
    login_as("homeaffairs")
    dept = body(client.get(f"/dashboard/agency/{dashboard_world.department}?{Q}"))
    assert data_rows(dept)[dashboard_world.department]["data-index"] == "100.0"
    assert dashboard_world.department_name in dept
    assert "không có lượt đánh giá nào trên ki-ốt ở mức không hài lòng" in dept  # every rating there was 4
    home = dashboard_world.places["home"]
    commune = body(client.get(f"/dashboard/commune/{home.code}?{Q}"))
    assert f'href="/dashboard/service-point/{home.point}?instrument=KIOSK-QUICK&period={PERIOD}"' in commune
    point = body(client.get(f"/dashboard/service-point/{home.point}?{Q}"))
    assert float(data_rows(point)[home.point]["data-index"]) == api(client, "service_point")[home.point]["index"]
    assert home.device_name in point


def test_kiosks_show_queue_and_state(client, login_as, dashboard_world):
    home = dashboard_world.places["home"]
    login_as("homeaffairs")
    page = body(client.get(f"/dashboard/commune/{home.code}?{Q}"))
    kiosk = re.search(r'<tr data-device="\d+" data-queue="(\d+)" data-state="(\w+)"', page)
    assert kiosk[1] == "0" and kiosk[2] == "never"
    assert "Chưa từng kết nối" in page


@pytest.mark.parametrize(("query", "message"), [
    ("period=2025-13", "Kỳ báo cáo phải là một năm"),
    ("period=last-year", "Kỳ báo cáo phải là một năm"),
    ("period=2025-09..2025-01", "Ngày kết thúc kỳ báo cáo đứng trước ngày bắt đầu"),
    ("from=2025-09-01&to=2025-01-01", "Ngày kết thúc kỳ báo cáo đứng trước ngày bắt đầu"),
    ("instrument=NOPE", "Không có phiếu khảo sát NOPE"),
    ("by=shoe_size", "Không có cách phân nhóm shoe_size"),
])
def test_bad_filters_answer_400_with_a_clear_message(client, login_as, dashboard_world, query, message):
    login_as("homeaffairs")
    for url in (f"/dashboard/?{query}", f"/dashboard/commune/{dashboard_world.places['home'].code}?{query}"):
        if "by=" in query and "commune" in url:
            continue  # unit pages have no breakdown
        response = client.get(url)
        assert response.status_code == 400, url
        assert message in body(response)
        assert "data-index" not in body(response)


def test_filters_select_period_range_and_breakdown(client, login_as, dashboard_world):
    login_as("homeaffairs")
    ranged = body(client.get("/dashboard/?instrument=KIOSK-QUICK&from=2025-08-01&to=2025-08-31"))
    assert float(data_rows(ranged)["22"]["data-index"]) == api(client, "province", "2025-08")["22"]["index"]
    empty = body(client.get("/dashboard/?instrument=KIOSK-QUICK&period=2025-Q1"))
    assert data_rows(empty)["22"]["data-n"] == "0"
    by_channel = body(client.get(f"/dashboard/?{Q}&by=channel"))
    assert float(data_rows(by_channel)["kiosk"]["data-index"]) == api(client, "channel")["kiosk"]["index"]


def test_trend_lists_the_quarter_and_those_before(client, login_as, dashboard_world):
    login_as("homeaffairs")
    page = body(client.get(f"/dashboard/?{Q}"))
    periods = re.findall(r'<tr data-period="([^"]+)"', page)
    assert periods == ["2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"]
    assert "Quý 3/2025" in page


def test_vietnamese_by_default_english_on_request(client, login_as, dashboard_world):
    login_as("homeaffairs")
    page = body(client.get(f"/dashboard/?{Q}"))
    assert "Chỉ số hài lòng của tỉnh" in page and "75,0" in page and "Quý III năm 2025" in page
    english = body(client.get(f"/dashboard/?{Q}&lang=en"))
    assert "Province satisfaction index" in english and "75.0" in english and "Q3 2025" in english


def test_pages_carry_no_inline_script_or_style(client, login_as, dashboard_world):
    login_as("homeaffairs")
    for url in (f"/dashboard/?{Q}&by=channel", f"/dashboard/commune/{dashboard_world.places['home'].code}?{Q}"):
        page = client.get(url).get_data(as_text=True)
        assert "style=" not in page
        assert not re.search(r"<script(?![^>]*\ssrc=)", page)
        assert "<svg" in page and "<title" in page and "<table" in page


def test_download_links_appear_only_for_existing_report_routes(app, client, login_as, dashboard_world):
    login_as("homeaffairs")
    page = body(client.get(f"/dashboard/?{Q}"))
    links = re.findall(r'<a href="([^"]+)" data-format="(\w+)"', page)
    for href, _format in links:
        assert f"period={PERIOD}" in href and "instrument=KIOSK-QUICK" in href
        assert client.get(href).status_code == 200, href
    if "reports.province_pdf" in app.view_functions:
        assert {"pdf", "csv", "xlsx"} <= {fmt for _href, fmt in links}
    if not any(name.startswith("reports.") for name in app.view_functions):
        assert links == []


def test_viewers_get_the_pdf_but_no_export_links(app, client, login_as, dashboard_world):
    home = dashboard_world.places["home"]
    login_as("viewer", unit=home.code)
    page = body(client.get(f"/dashboard/commune/{home.code}?{Q}"))
    links = re.findall(r'<a href="([^"]+)" data-format="(\w+)"', page)
    assert {fmt for _href, fmt in links} <= {"pdf"}
    for href, _format in links:
        assert f"unit={home.code}" in href
        assert client.get(href).status_code == 200, href
