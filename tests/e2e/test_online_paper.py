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
