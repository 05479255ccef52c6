"""The counter card as printed and on a phone (issue 19.17): screenshots of both."""
from __future__ import annotations

import base64

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.conftest import ARTIFACTS, screenshot

pytestmark = pytest.mark.e2e


def test_counter_card_prints_alone(browser_factory, live_server, make_service_point):
    point = make_service_point(name="Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh")
    phone = browser_factory(360, 640, mobile=True)
    phone.get(f"{live_server.url}/s/{point.public_key}/print")
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
    assert not phone.find_elements(By.CSS_SELECTOR, ".topbar")
    assert phone.find_element(By.ID, "short-code").is_displayed()
    screenshot(phone, "collect-card-360x640.png")
    phone.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not phone.find_element(By.ID, "print-card").is_displayed()
    pdf = phone.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 4.13, "paperHeight": 5.83,
                                                    "preferCSSPageSize": True})
    ARTIFACTS.mkdir(exist_ok=True)
    data = base64.b64decode(pdf["data"])
    (ARTIFACTS / "collect-card.pdf").write_bytes(data)
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") == 1  # the whole card on one A6 page
    screenshot(phone, "collect-card-print-360x640.png")
