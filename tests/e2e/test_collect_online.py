"""The online form at 360×640 in headless Chromium: progress line, first question, comment and consent box, an empty
submission's message (issue 19.7/19.8), and a province-made instrument chosen by the point's QR code (19.6)."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from survey.extensions import db
from survey.models import Contact, Response
from tests.e2e.conftest import page_report, screenshot
from tests.e2e.test_online import choose

pytestmark = pytest.mark.e2e


def test_phone_form_shows_progress_consent_and_what_is_missing(browser_factory, live_server, make_service_point):
    point = make_service_point(name="Bộ phận Một cửa phường Bãi Cháy")
    phone = browser_factory(360, 640, mobile=True)
    phone.get(f"{live_server.url}/s/{point.public_key}")
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
    progress = phone.find_element(By.ID, "sf-progress-text")
    total = int(progress.text.split("/")[1].split()[0])
    assert progress.text.startswith("Đã trả lời 0/") and total > 20
    first = phone.find_elements(By.CSS_SELECTOR, "fieldset.sf-q")[0]
    assert first.get_attribute("id") == "q-A2.1.1"
    assert "mức độ hài lòng" in phone.find_element(By.CSS_SELECTOR, ".sf-intro").text
    screenshot(phone, "collect-online-top-360x640.png")
    # Contact fields stay closed until the unticked consent box is ticked.
    fields = phone.find_element(By.ID, "sf-contact-fields")
    consent = phone.find_element(By.ID, "f-consent")
    assert not consent.is_selected() and not fields.is_displayed()
    # An empty form: the message says what is missing.
    button = phone.find_element(By.CSS_SELECTOR, ".sf-submit")
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    WebDriverWait(phone, 10).until(EC.presence_of_element_located((By.ID, "sf-message")))
    assert phone.find_element(By.ID, "sf-message").text == "Xin trả lời ít nhất một câu hỏi."
    assert phone.find_element(By.ID, "sf-message").is_displayed()
    screenshot(phone, "collect-online-empty-360x640.png")
    # Answer two questions, leave a comment and a phone number with consent.
    choose(phone, "a.A2.1.1", "5")
    choose(phone, "a.A2.1.2", "4")
    assert phone.find_element(By.ID, "sf-progress-text").text.startswith("Đã trả lời 2/")
    comment = phone.find_element(By.ID, "f-COMMENT")
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'});", comment)
    comment.send_keys("Nên có thêm chỗ ngồi")
    fields, consent = phone.find_element(By.ID, "sf-contact-fields"), phone.find_element(By.ID, "f-consent")
    label = consent.find_element(By.XPATH, "./ancestor::label")
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'});", label)
    label.click()
    assert fields.is_displayed()
    phone.find_element(By.ID, "f-contact-phone").send_keys("0912345678")
    screenshot(phone, "collect-online-consent-360x640.png")
    button = phone.find_element(By.CSS_SELECTOR, ".sf-submit")
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    try:
        WebDriverWait(phone, 10).until(EC.presence_of_element_located((By.ID, "thanks")))
    except Exception:
        raise AssertionError(page_report(phone)) from None
    db.session.rollback()
    response = db.session.scalar(select(Response))
    assert db.session.scalar(select(Contact.phone).where(Contact.response_id == response.id)) == "0912345678"


def test_a_point_offering_two_instruments_lets_the_citizen_choose(browser_factory, live_server, make_service_point):
    from tests.web.test_collect_own_instruments import own_instrument

    point = make_service_point(name="Trung tâm Phục vụ hành chính công tỉnh")
    own_instrument("KIOSK-QUICK", "QN-KIOSK")
    point.online_instruments = ["SIPAS-1001", "QN-KIOSK"]
    db.session.commit()
    phone = browser_factory(360, 640, mobile=True)
    phone.get(f"{live_server.url}/s/{point.public_key}")
    links = phone.find_elements(By.CSS_SELECTOR, ".sf-choose a")
    assert [a.text for a in links][1] == "Phiếu riêng QN-KIOSK"
    screenshot(phone, "collect-online-choose-360x640.png")
    links[1].click()
    WebDriverWait(phone, 10).until(EC.presence_of_element_located((By.ID, "q-Q")))
    assert phone.find_element(By.NAME, "i").get_attribute("value") == "QN-KIOSK"
