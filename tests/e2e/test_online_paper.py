"""Paper entry from the keyboard in real headless Chromium: codes typed, checked as typed, saved with Ctrl+Enter."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from survey.extensions import db
from survey.models import Response
from tests.e2e.conftest import page_report, screenshot

pytestmark = pytest.mark.e2e


def test_a_clerk_keys_two_questionnaires_with_the_keyboard(browser, live_server, make_service_point, make_user):
    point = make_service_point(code="SP-KEY")
    clerk = make_user("clerk", unit=point.unit.code)
    live_server.login(browser, clerk.email)
    browser.get(f"{live_server.url}/paper/?instrument=KIOSK-QUICK&service_point=SP-KEY&date=2026-02-03")
    q = browser.switch_to.active_element
    assert q.get_attribute("name") == "a.Q"  # the first code field has the focus
    q.send_keys("7")
    msg = browser.find_element(By.CSS_SELECTOR, '.pe-row[data-item="Q"] .pe-msg')
    assert "7" in msg.text and q.get_attribute("aria-invalid") == "true"
    q.send_keys(Keys.BACKSPACE, "2")  # valid one-digit code: the cursor moves on by itself
    active = browser.switch_to.active_element
    assert active.get_attribute("name") == "a.R"
    active.send_keys("1 3", Keys.ENTER)
    browser.switch_to.active_element.send_keys("Chờ lâu", Keys.CONTROL, Keys.ENTER)
    try:
        WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "pe-count").text == "1")
    except Exception:
        raise AssertionError(page_report(browser)) from None
    screenshot(browser, "paper-entry-1280x800.png")
    q = browser.switch_to.active_element
    assert q.get_attribute("name") == "a.Q" and q.get_attribute("value") == ""
    q.send_keys("5")  # satisfied: the reasons are skipped
    assert browser.find_element(By.NAME, "a.R").get_attribute("disabled")
    browser.switch_to.active_element.send_keys(Keys.CONTROL, Keys.ENTER)
    try:
        WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "pe-count").text == "2")
    except Exception:
        raise AssertionError(page_report(browser)) from None
    db.session.rollback()
    rows = db.session.scalars(select(Response).order_by(Response.id)).all()
    assert [sorted(a.code for a in r.answers) for r in rows] == [[1, 2, 3], [5]]
    assert {r.channel for r in rows} == {"paper"}


def test_home_affairs_uploads_population_weights_from_the_browser(browser, live_server, make_user, tmp_path):
    from survey.models import PopulationMargin

    officer = make_user("homeaffairs", unit="22")
    live_server.login(browser, officer.email)
    bad, good = tmp_path / "bad.csv", tmp_path / "margins.csv"
    bad.write_text("sex,age_band,population\n3,1,10\n", encoding="utf-8")
    good.write_text("sex,age_band,population\n" + "".join(f"{s},{b},{40000 + 1000 * b + s}\n"
                                                       for s in (1, 2) for b in range(1, 6)), encoding="utf-8")
    browser.get(f"{live_server.url}/admin/weights")
    browser.find_element(By.ID, "file").send_keys(str(bad))
    browser.find_element(By.CSS_SELECTOR, "form[enctype] button[type=submit]").click()
    errors = WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "weights-errors"))
    assert "Dòng 2: giới tính phải là 1 (nam) hoặc 2 (nữ)." in errors.text
    browser.find_element(By.ID, "file").send_keys(str(good))
    browser.find_element(By.CSS_SELECTOR, "form[enctype] button[type=submit]").click()
    table = WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "margins"))
    assert "Từ 18 đến 24 tuổi" in table.text and "41.001" in table.text
    screenshot(browser, "admin-weights-vi.png")
    db.session.rollback()
    assert db.session.query(PopulationMargin).count() == 10
