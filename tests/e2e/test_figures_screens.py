"""The fixed figure screens in headless Chromium (issue 19 items 1, 2, 3, 4, 12, 20; issue 17 display): department
ranks, one number format, the weighted figure labelled secondary, general questions and assessment shares, the
legacy district page and selector, the report settings and legacy import screens; screenshots in test-artifacts/."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from survey.extensions import db
from survey.services.access.scope import OPERATOR
from survey.services.indices.weights import import_margins
from tests.e2e.test_dashboard import assert_accessible, full_page_screenshot, wait_for
from tests.e2e.test_dashboard_support import sign_in
from tests.fixtures.factories import PASSWORD, commune_codes
from tests.services.test_indices_service_instruments import LEGACY_CSV
from tests.fixtures.dashboard import PERIOD, build_world, kiosk
pytestmark = pytest.mark.e2e


def _ranked_world(make_agency, make_service_point, make_device) -> None:
    build_world(make_agency, make_service_point, make_device)
    second = make_agency(unit="22", code="000.71.22.H22", name="Sở Xây dựng thử nghiệm", kind="department")
    point = make_service_point(unit="22", agency=second.code, code="SP-DASH-DEPT2", name="Quầy Sở Xây dựng")
    kiosk(point.code, [5] * 21 + [1] * 14)


def test_overview_ranks_settings_and_file_language(browser, live_server, make_user, make_agency,
                                                   make_service_point, make_device):
    live_server.seed(lambda: _ranked_world(make_agency, make_service_point, make_device))
    user = make_user("homeaffairs", unit="22")
    db.session.commit()
    sign_in(browser, live_server.url, user.email, PASSWORD)
    browser.get(f"{live_server.url}/dashboard/?instrument=KIOSK-QUICK&period={PERIOD}")
    wait_for(browser, "#table-departments tbody tr")
    ranks = [r.get_attribute("data-rank") for r in browser.find_elements(By.CSS_SELECTOR,
                                                                          "#table-departments tbody tr")]
    assert ranks == ["1", "2"]
    figures = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#table-departments tbody td:nth-child(3)")]
    assert figures == ["100,0", "60,0"]
    full_page_screenshot(browser, "figures-overview-department-ranks-vi.png")
    # An English PDF leaves the page Vietnamese (the browser fetches the file; the session keeps its language).
    browser.get(f"{live_server.url}/reports/province?province=22&instrument=KIOSK-QUICK&period={PERIOD}&lang=en")
    browser.get(f"{live_server.url}/dashboard/?instrument=KIOSK-QUICK&period={PERIOD}")
    wait_for(browser, "#province-index")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
    browser.get(f"{live_server.url}/reports/settings")
    wait_for(browser, "#report-settings")
    for name, value in (("number", "12/BC-SNV"), ("signer_name", "Nguyễn Văn Ánh"),
                        ("signer_title", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"), ("recipients", "UBND tỉnh\nBộ Nội vụ")):
        browser.find_element(By.NAME, name).send_keys(value)
    browser.find_element(By.CSS_SELECTOR, "#report-settings button[type=submit]").click()
    wait_for(browser, ".flash")
    assert browser.find_element(By.NAME, "number").get_attribute("value") == "12/BC-SNV"
    assert_accessible(browser)
    full_page_screenshot(browser, "figures-report-settings-vi.png")


def _v2_and_legacy(make_agency, make_service_point) -> None:
    from survey.services.organisation import agencies
    from survey.services.organisation.legacy import import_legacy_csv
    from tests.services.test_indices_service_instruments import submit as submit_any
    from tests.services.test_indices_sipas_v2 import submit, v2_answers

    c1, c2 = commune_codes("22", 2)
    agency = make_agency(unit=c1, code="000.90.22.H22", name="UBND thử nghiệm v2", kind="commune_committee")
    point = make_service_point(unit=c1, agency=agency.code, code="SP-V2", name="Một cửa v2").code
    for n in range(30):
        submit(point, v2_answers(5 if n < 20 else 2, 4 if n < 20 else 9,
                                 {"I.1": 3 if n < 20 else 2, "I.9": [1, 2] if n < 20 else [2], "H.1": 1}))
    import_legacy_csv(LEGACY_CSV.format(c1=c1, c2=c2))
    old = make_agency(unit="22", kind="commune_committee", name="UBND xã cũ")
    for code, q, n in (("99901", 5, 30), ("99902", 1, 40)):
        legacy_point = agencies.add_service_point(f"OLD-{code}", f"Bộ phận một cửa {code}", old.code, code).code
        for _ in range(n):
            submit_any(legacy_point, "KIOSK-QUICK", {"Q": q}, when="2025-03-15T09:00:00+07:00", channel="kiosk")
    import_margins(OPERATOR, "22", "sex,age_band,population\n1,1,500\n2,1,500\n")
    return c1


def test_unit_page_v2_weighted_and_legacy_district(browser, live_server, make_user, make_agency,
                                                   make_service_point):
    c1 = live_server.seed(lambda: _v2_and_legacy(make_agency, make_service_point))
    user = make_user("homeaffairs", unit="22")
    db.session.commit()
    sign_in(browser, live_server.url, user.email, PASSWORD)
    browser.get(f"{live_server.url}/dashboard/commune/{c1}?instrument=SIPAS-1001&period=2026-02")
    wait_for(browser, "#table-assessment")
    general = browser.find_element(By.CSS_SELECTOR, '#table-components td[data-general="A2.1.G"]')
    assert general.get_attribute("data-general-pct") == "100.0" and "100,0" in general.text
    level = browser.find_element(By.CSS_SELECTOR, 'tr[data-assessment="I.1"] li[data-level="3"]')
    assert level.get_attribute("data-share") == "66.67" and "66,7" in level.text
    assert_accessible(browser)
    full_page_screenshot(browser, "figures-unit-v2-general-and-assessment-vi.png")
    browser.get(f"{live_server.url}/dashboard/?instrument=KIOSK-QUICK&period=2025-Q1")
    wait_for(browser, "#f-district")
    browser.find_element(By.CSS_SELECTOR, ".district-choice button[type=submit]").click()
    wait_for(browser, "#unit-index")
    assert "/dashboard/district/999" in browser.current_url
    head = browser.find_element(By.CSS_SELECTOR, "#unit-index")
    assert head.get_attribute("data-index") == "42.86" and head.find_element(By.CSS_SELECTOR, ".figure").text == "42,9"
    full_page_screenshot(browser, "figures-legacy-district-vi.png")
    browser.get(f"{live_server.url}/dashboard/legacy-units")
    wait_for(browser, "#legacy-import")
    assert_accessible(browser)
    full_page_screenshot(browser, "figures-legacy-import-vi.png")
