"""The public online form on a phone-sized screen in real headless Chromium."""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from survey.extensions import db
from survey.models import Response
from tests.e2e.conftest import page_report, screenshot

pytestmark = pytest.mark.e2e


def choose(driver, name: str, value: str) -> None:
    """Tap the visible label of an answer (the radio itself is visually hidden)."""
    box = driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value}"]')
    label = box.find_element(By.XPATH, "./ancestor::label")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", label)
    label.click()


def test_online_form_works_on_a_phone(browser_factory, live_server, make_service_point):
    point = make_service_point(name="Bộ phận Một cửa phường Bãi Cháy")
    phone = browser_factory(390, 844, mobile=True)
    phone.get(f"{live_server.url}/s/{point.public_key}")
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    faces = phone.find_elements(By.CSS_SELECTOR, "#q-A2\\.1\\.1 .sf-scale .sf-opt span")
    assert len(faces) == 5 and all(f.size["height"] >= 44 for f in faces)
    screenshot(phone, "online-form-390x844.png")
    a25 = phone.find_element(By.ID, "q-A2.5.1")
    choose(phone, "a.X.5", "0")
    assert not a25.is_displayed()  # routing hides the feedback questions when no feedback was given
    choose(phone, "a.X.5", "1")
    assert a25.is_displayed()
    for item, code in (("A2.1.1", "5"), ("A2.2.2", "4"), ("A2.3.1", "4"), ("A2.5.1", "3")):
        choose(phone, f"a.{item}", code)
    choose(phone, "r.age_band", "2")
    button = phone.find_element(By.CSS_SELECTOR, ".sf-submit")
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    try:
        WebDriverWait(phone, 10).until(EC.presence_of_element_located((By.ID, "thanks")))
    except Exception:
        raise AssertionError(page_report(phone)) from None
    screenshot(phone, "online-thanks-390x844.png")
    db.session.rollback()
    [row] = db.session.scalars(select(Response)).all()
    assert row.channel == "online" and row.age_band == 2
    assert sorted(a.code for a in row.answers) == [1, 3, 4, 4, 5]


def test_kiosk_quick_online_shows_reasons_only_when_dissatisfied(browser_factory, live_server, make_service_point):
    point = make_service_point()
    phone = browser_factory(390, 844, mobile=True)
    phone.get(f"{live_server.url}/s/{point.public_key}?i=KIOSK-QUICK&lang=en")
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 390  # long English labels wrap
    reasons = phone.find_element(By.ID, "q-R")
    assert not reasons.is_displayed()
    choose(phone, "a.Q", "2")
    assert reasons.is_displayed()
    screenshot(phone, "online-quick-reasons-390x844.png")
    choose(phone, "a.R", "1")
    choose(phone, "a.Q", "5")  # changed their mind: the reasons are hidden and not sent
    phone.find_element(By.CSS_SELECTOR, ".sf-submit").click()
    WebDriverWait(phone, 10).until(EC.presence_of_element_located((By.ID, "thanks")))
    time.sleep(0.2)
    db.session.rollback()
    [row] = db.session.scalars(select(Response)).all()
    assert [a.code for a in row.answers] == [5]
