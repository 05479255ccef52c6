"""The public results page in headless Chromium, without signing in: only the published period is offered and
shown, no suppressed cell appears (not even its n), the open data link works, and axe-core finds no serious or
critical problem."""
from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By

from survey.services.access.scope import OPERATOR
from survey.services.publication.publish import publish
from tests.e2e.conftest import screenshot
from tests.e2e.test_dashboard_support import axe_violations
from tests.web.test_public_results import seed_public

pytestmark = pytest.mark.e2e


def test_the_public_page_shows_only_published_figures(live_server, browser, make_service_point):
    a, b = live_server.seed(lambda: seed_public(make_service_point))
    browser.get(f"{live_server.url}/results/22")
    assert "404" in browser.find_element(By.TAG_NAME, "body").text  # nothing published yet
    live_server.seed(lambda: publish(OPERATOR, "22", "SIPAS-2640", "2026-03", on=date(2026, 4, 2)))
    browser.get(f"{live_server.url}/results/22")
    offered = [o.get_attribute("value") for o in browser.find_elements(By.CSS_SELECTOR, "#published-period option")]
    assert offered == ["2026-03"]
    rows = browser.find_elements(By.CSS_SELECTOR, "#public-communes tbody tr")
    assert [r.get_attribute("data-code") for r in rows] == [a]
    assert not browser.find_elements(By.CSS_SELECTOR, f'[data-code="{b}"]')
    assert rows[0].get_attribute("data-n") == "40"
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "2026-04" not in body
    problems = axe_violations(browser)
    screenshot(browser, "public-results-vi.png")
    assert not problems, problems
    browser.get(f"{live_server.url}/results/22?period=2026-04")
    assert "404" in browser.find_element(By.TAG_NAME, "body").text
