"""Issue 19 items 13, 14, 15 and 18 in a real browser, with screenshots under test-artifacts/: admin lists with
search and paging (desktop and a 360×640 phone), the Vietnamese admin's labels and local times, the navigation of
a clerk and of Home Affairs, and the builder's preview rendered as the kiosk."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from survey.services.organisation import agencies
from tests.e2e.conftest import page_report, screenshot
from tests.fixtures.factories import HOME_PROVINCE, commune_codes

pytestmark = pytest.mark.e2e


def _rows(driver, table: str) -> list[str]:
    return [row.text for row in driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr")]


def _nav(driver) -> list[str]:
    return [a.get_attribute("pathname") for a in driver.find_elements(By.CSS_SELECTOR, "header nav > a")]


def _fits(driver) -> bool:
    """Whether the page's body is no wider than the window (wide tables scroll inside their own box)."""
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")


def _seed_points(make_agency):
    unit = commune_codes(HOME_PROVINCE, 1)[0]
    agency = make_agency(unit=unit, kind="commune_centre", name="UBND phường Hồng Gai")
    for i in range(75):
        name = "Bộ phận Một cửa Hạ Long" if i == 7 else f"Quầy tiếp nhận số {i:02d}"
        agencies.add_service_point(f"QN-{i:03d}", name, agency.code, unit, "counter")


def test_admin_lists_search_and_page(live_server, browser_factory, make_agency, make_user):
    live_server.seed(lambda: _seed_points(make_agency))
    user = make_user("homeaffairs", HOME_PROVINCE)
    desk = browser_factory(1280, 900)
    live_server.login(desk, user.email)
    desk.get(f"{live_server.url}/admin/service-points?lang=vi")
    assert len(_rows(desk, "point-list")) == 50, page_report(desk)
    assert "1–50 trên tổng số 75" in desk.find_element(By.CLASS_NAME, "pager").text
    screenshot(desk, "admin-service-points-page1.png")
    desk.find_element(By.CSS_SELECTOR, "a[rel=next]").click()
    WebDriverWait(desk, 10).until(lambda d: "page=2" in d.current_url)
    assert len(_rows(desk, "point-list")) == 25
    box = desk.find_element(By.NAME, "q")
    box.clear()
    box.send_keys("ha long" + Keys.ENTER)
    WebDriverWait(desk, 10).until(lambda d: "q=ha+long" in d.current_url)
    found = _rows(desk, "point-list")
    assert len(found) == 1 and "Hạ Long" in found[0], page_report(desk)
    screenshot(desk, "admin-service-points-search.png")
    desk.find_element(By.LINK_TEXT, "QN-007").click()
    assert desk.find_element(By.ID, "counter-card").get_attribute("href").endswith("/print")
    screenshot(desk, "admin-service-point-page.png")

    phone = browser_factory(360, 640, mobile=True)
    live_server.login(phone, user.email)
    phone.get(f"{live_server.url}/admin/service-points?lang=vi")
    assert len(_rows(phone, "point-list")) == 50 and _fits(phone), page_report(phone)
    screenshot(phone, "admin-service-points-phone.png")
    phone.get(f"{live_server.url}/admin/accounts?lang=vi")
    assert _fits(phone)
    screenshot(phone, "admin-accounts-phone.png")


def test_vietnamese_admin_shows_labels_and_local_times(live_server, browser, make_agency, make_user):
    live_server.seed(lambda: make_agency(unit=HOME_PROVINCE, code="000.21.22.H22", name="Sở Tư pháp"))
    user = make_user("homeaffairs", HOME_PROVINCE)
    live_server.login(browser, user.email)  # the sign-in is audited: a time to show
    browser.get(f"{live_server.url}/admin/agencies?lang=vi")
    row = _rows(browser, "agency-list")[0]
    assert "Sở, ngành" in row and "department" not in row, row
    screenshot(browser, "admin-agencies-vi.png")
    browser.get(f"{live_server.url}/admin/audit?lang=vi")
    table = browser.find_element(By.CSS_SELECTOR, "table.audit").text
    assert "Đăng nhập" in table and "login" not in table.split("\n")[1], table
    screenshot(browser, "admin-audit-vi.png")


def test_navigation_of_a_clerk_and_of_home_affairs(live_server, browser_factory, make_user):
    clerk = make_user("clerk", commune_codes(HOME_PROVINCE, 1)[0])
    officer = make_user("homeaffairs", HOME_PROVINCE)
    first = browser_factory(1280, 800)
    live_server.login(first, clerk.email)
    first.get(f"{live_server.url}/?lang=vi")
    assert "/paper/" in _nav(first) and not {"/admin/", "/dashboard/"} & set(_nav(first)), _nav(first)
    screenshot(first, "nav-clerk.png")
    second = browser_factory(1280, 800)
    live_server.login(second, officer.email)
    second.get(f"{live_server.url}/admin/?lang=vi")
    assert {"/admin/", "/dashboard/", "/reports/", "/paper/"} <= set(_nav(second)), _nav(second)
    screenshot(second, "nav-home-affairs.png")
    phone = browser_factory(360, 640, mobile=True)
    live_server.login(phone, officer.email)
    phone.get(f"{live_server.url}/admin/?lang=vi")
    assert _fits(phone), page_report(phone)
    screenshot(phone, "nav-home-affairs-phone.png")


def test_builder_preview_is_the_kiosk(live_server, browser, make_user):
    user = make_user("homeaffairs", HOME_PROVINCE)
    live_server.login(browser, user.email)
    browser.get(f"{live_server.url}/admin/instruments/KIOSK-QUICK/v1/kiosk?lang=vi")
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".k-face, .k-choice, button"))
    assert "Xem trước KIOSK-QUICK" in browser.find_element(By.TAG_NAME, "body").text, page_report(browser)
    screenshot(browser, "builder-preview-kiosk.png")
