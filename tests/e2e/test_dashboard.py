"""The dashboards in real headless Chromium: Home Affairs and a commune manager sign in through the login form,
open the overview and unit pages, use the filters, moderate a comment; every figure shown equals GET
/api/v1/indices fetched in the same session; axe-core finds no serious or critical problem; screenshots saved."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response, Unit
from tests.e2e.conftest import page_report, screenshot
from tests.e2e.test_dashboard_support import (api, axe_violations, closed_quarters, figure, marked, seed_demo,
                                              sign_in)
from tests.fixtures.factories import PASSWORD

pytestmark = pytest.mark.e2e


def vi_number(value: float) -> str:
    """How the page prints a figure in Vietnamese: one decimal, decimal comma."""
    return f"{value:.1f}".replace(".", ",")


def full_page_screenshot(driver, name: str) -> None:
    """Grow the window to the page's height so the PNG shows all of it."""
    height = min(max(driver.execute_script("return document.documentElement.scrollHeight"), 800), 16000)
    metrics = {"width": 1280, "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": height})
    screenshot(driver, name)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": 800})


def wait_for(driver, css: str) -> None:
    try:
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, css))
    except Exception:
        raise AssertionError(page_report(driver)) from None


def assert_accessible(driver) -> None:
    problems = axe_violations(driver)
    assert not problems, f"{driver.current_url}: {problems}"


def check_overview(driver, instrument: str, period: str) -> None:
    """The province figure, its components, trend, and both rankings equal the API's."""
    ask = {"instrument": instrument, "period": period, "province": "22"}
    province = api(driver, by="province", **ask)["22"]
    head = marked(driver, "#province-index")["22"]
    assert figure(head.get("data-index")) == province["index"] and int(head["data-n"]) == province["n"]
    assert driver.find_element(By.CSS_SELECTOR, "#province-index .figure").text == vi_number(province["index"])
    for code, row in marked(driver, "#table-components tbody tr", "data-component").items():
        assert figure(row.get("data-pct")) == province["components"][code]["pct"], code
    for level, by, table in (("commune", "commune", "#table-communes"), ("agency", "agency", "#table-departments")):
        published = api(driver, by=by, **ask)
        shown = marked(driver, f"{table} tbody tr")
        assert shown, page_report(driver)
        for code, row in shown.items():
            assert figure(row["data-index"]) == published[code]["index"], code
            assert figure(row["data-ci-low"]) == published[code]["ci_low"], code
            assert int(row["data-n"]) == published[code]["n"], code
        if level == "commune":
            ranked = {c for c, r in published.items() if r["level"] == "commune" and not r["suppressed"]}
            assert set(shown) == ranked
    for each, row in marked(driver, "#table-trend tbody tr", "data-period").items():
        published = api(driver, by="province", **{**ask, "period": each}).get("22", {"index": None, "n": 0})
        assert figure(row.get("data-index")) == published["index"] and int(row["data-n"]) == published["n"]


def check_unit(driver, code: str, instrument: str, period: str) -> None:
    """A commune page's index, components, items and province figure equal the API's."""
    ask = {"instrument": instrument, "period": period}
    published = api(driver, by="commune", **ask)[code]
    head = marked(driver, "#unit-index")[code]
    assert figure(head.get("data-index")) == published["index"] and int(head["data-n"]) == published["n"]
    for item, row in marked(driver, "#table-items tbody tr", "data-item").items():
        assert figure(row.get("data-pct")) == published["items"][item]["pct"], item
    for comp, row in marked(driver, "#table-components tbody tr", "data-component").items():
        assert figure(row.get("data-pct")) == published["components"][comp]["pct"], comp


def busiest_communes(n: int) -> list[tuple[str, str]]:
    """(code, name) of the communes with the most responses."""
    rows = db.session.execute(select(Unit.code, Unit.name).join(Response, Response.unit_id == Unit.id)
                              .where(Unit.level == "commune").group_by(Unit.code, Unit.name)
                              .order_by(func.count().desc(), Unit.code).limit(n)).all()
    return [(r.code, r.name) for r in rows]


def test_home_affairs_overview_filters_unit_page_and_moderation(browser, live_server, make_user):
    live_server.seed(seed_demo)
    user = make_user("homeaffairs", unit="22")
    last, before = closed_quarters()
    sign_in(browser, live_server.url, user.email, PASSWORD)

    browser.get(f"{live_server.url}/dashboard/?instrument=SIPAS-1001&period={last}")
    wait_for(browser, "#province-index")
    assert "Chỉ số hài lòng của tỉnh" in browser.find_element(By.TAG_NAME, "body").text
    check_overview(browser, "SIPAS-1001", last)
    assert browser.find_elements(By.CSS_SELECTOR, "#table-priorities tbody tr")
    full_page_screenshot(browser, "dashboard-overview-vi.png")
    assert_accessible(browser)

    # The filters submit themselves on change (static/js/dashboard.js).
    Select(browser.find_element(By.ID, "f-period")).select_by_value(before)
    WebDriverWait(browser, 30).until(lambda d: f"period={before}" in d.current_url)
    wait_for(browser, "#province-index")
    Select(browser.find_element(By.ID, "f-instrument")).select_by_value("KIOSK-QUICK")
    WebDriverWait(browser, 30).until(lambda d: "instrument=KIOSK-QUICK" in d.current_url)
    wait_for(browser, "#province-index")
    check_overview(browser, "KIOSK-QUICK", before)
    Select(browser.find_element(By.ID, "f-by")).select_by_value("channel")
    WebDriverWait(browser, 30).until(lambda d: "by=channel" in d.current_url)
    wait_for(browser, "#table-breakdown")
    channels = api(browser, instrument="KIOSK-QUICK", period=before, by="channel", province="22")
    for code, row in marked(browser, "#table-breakdown tbody tr").items():
        assert figure(row.get("data-index")) == channels[code]["index"]

    # From the ranking to the best commune's page, keeping the filters.
    link = browser.find_element(By.CSS_SELECTOR, "#table-communes tbody tr th a")
    code = link.find_element(By.XPATH, "./ancestor::tr").get_attribute("data-unit")
    link.click()
    wait_for(browser, "#unit-index")
    assert f"/dashboard/commune/{code}" in browser.current_url and f"period={before}" in browser.current_url
    check_unit(browser, code, "KIOSK-QUICK", before)
    province = api(browser, instrument="KIOSK-QUICK", period=before, by="province", province="22")["22"]
    shown = browser.find_element(By.ID, "against-province").get_attribute("data-province-index")
    assert figure(shown) == province["index"]
    full_page_screenshot(browser, "dashboard-commune-vi.png")
    assert_accessible(browser)

    # Moderation: approve the first new comment; the page says so and the comment leaves the "new" list.
    comments = browser.find_elements(By.CSS_SELECTOR, "li[data-status=new]")
    if comments:
        first = comments[0].get_attribute("data-comment")
        comments[0].find_element(By.CSS_SELECTOR, "form input[value=approved] ~ button").click()
        wait_for(browser, ".flash")
        assert "Đã duyệt ý kiến" in browser.find_element(By.CSS_SELECTOR, ".flash").text
        assert not browser.find_elements(By.CSS_SELECTOR, f"li[data-comment='{first}']")

    browser.get(browser.current_url.split("#")[0] + "&lang=en")
    wait_for(browser, "#unit-index")
    assert "Satisfaction index" in browser.find_element(By.TAG_NAME, "body").text
    full_page_screenshot(browser, "dashboard-commune-en.png")


def test_commune_manager_sees_their_commune_only(browser, live_server, make_user):
    live_server.seed(seed_demo)
    (home, home_name), (sibling, sibling_name) = busiest_communes(2)
    user = make_user("manager", unit=home)
    last, _before = closed_quarters()
    sign_in(browser, live_server.url, user.email, PASSWORD)

    browser.get(f"{live_server.url}/dashboard/?instrument=KIOSK-QUICK&period={last}")
    wait_for(browser, "#unit-index")
    assert f"/dashboard/commune/{home}" in browser.current_url and f"period={last}" in browser.current_url
    text = browser.find_element(By.TAG_NAME, "body").text
    assert home_name in text and sibling_name not in text
    check_unit(browser, home, "KIOSK-QUICK", last)
    assert set(api(browser, instrument="KIOSK-QUICK", period=last, by="commune")) == {home}
    assert browser.find_elements(By.CSS_SELECTOR, "#comments .moderate button")  # a manager moderates
    full_page_screenshot(browser, "dashboard-manager-vi.png")
    assert_accessible(browser)

    browser.get(f"{live_server.url}/dashboard/commune/{sibling}?instrument=KIOSK-QUICK&period={last}")
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "404" in text and sibling_name not in text


def test_the_accessibility_check_catches_a_serious_problem(browser):
    """The axe-core check above would fail a page with an unlabelled form field and an image without text."""
    browser.get("data:text/html;charset=utf-8,<!doctype html><html lang=vi><title>t</title><main>"
                "<img src='x.png'><select><option>1</option></select></main></html>")
    found = {v["id"] for v in axe_violations(browser)}
    assert {"image-alt", "select-name"} <= found
