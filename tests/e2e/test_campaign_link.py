"""A campaign end to end in headless Chromium (issue 18): print a pack, read the personal link from the QR code on
its page, open it on a phone, complete the form, see the campaign page count it, and pick the campaign in the
dashboard's questionnaire selector to see its estimate there."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from survey.reports.campaign_packs import render_pack
from survey.services.access.scope import OPERATOR
from survey.services.campaigns import estimates, manage
from survey.services.campaigns.answers import complete_questionnaire
from survey.services.campaigns.frame import import_frame
from survey.services.campaigns.packs import village_packs
from tests.e2e.conftest import page_report, screenshot
from tests.e2e.test_online import choose
from tests.fixtures.factories import commune_codes

pytestmark = pytest.mark.e2e


def _qr_link(pdf: bytes, tmp_path) -> str:
    """The text of the first QR code on the PDF's first page, decoded from its image (zxing-cpp)."""
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    (tmp_path / "pack.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(tmp_path / "pack.pdf"),
                    str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png")))
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code found on the printed page"
    return found[0].text


def test_a_printed_personal_link_is_answered_once_and_counted(live_server, browser_factory, make_user,
                                                               monkeypatch, tmp_path):
    app = live_server.app
    # The pack is printed with the server's public URL and key, as the province's own server would print it.
    monkeypatch.setitem(app.config, "PUBLIC_URL", live_server.url)
    monkeypatch.setitem(app.config, "SECRET_KEY", "e2e-secret")

    def seed():
        (c1,) = commune_codes("22", 1)
        # Eleven villages, all drawn, three people each: 33 questionnaires, enough for the published minimum n.
        villages = "".join(f"{c1},V{v:02d},Thôn {v},300\n" for v in range(1, 12))
        import_frame(OPERATOR, "22", f"commune_code,village_code,village_name,population\n{villages}")
        today = date.today()
        manage.create_campaign(OPERATOR, "QN-E2E", "22", "SIPAS-1001", None, today - timedelta(days=5),
                               today + timedelta(days=25), 11, 3, None, 9)
        manage.draw(OPERATOR, "QN-E2E")
        return village_packs(OPERATOR, "QN-E2E")[0]

    pack = live_server.seed(seed)
    pdf = render_pack(pack)
    link = _qr_link(pdf, tmp_path)
    assert link == pack.questionnaires[0][1] and link.startswith(f"{live_server.url}/c/")
    user = live_server.seed(lambda: make_user("homeaffairs", "22"))

    phone = browser_factory(390, 844, mobile=True)
    phone.get(link)
    assert pack.questionnaires[0][0] in phone.find_element(By.TAG_NAME, "h1").text
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 390
    choose(phone, "a.X.4", "1")
    for item, code in (("A2.1.1", "5"), ("A2.3.1", "4")):
        choose(phone, f"a.{item}", code)
    screenshot(phone, "campaign-link-form-390x844.png")
    button = phone.find_element(By.ID, "send")
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    try:
        WebDriverWait(phone, 10).until(EC.presence_of_element_located((By.ID, "thanks")))
    except Exception:
        raise AssertionError(page_report(phone)) from None
    phone.get(link)  # the link works once
    assert phone.find_element(By.ID, "link-closed").get_attribute("data-kind") == "used"
    screenshot(phone, "campaign-link-used-390x844.png")

    staff = browser_factory(800, 1000)
    live_server.login(staff, user.email)
    staff.get(f"{live_server.url}/campaigns/QN-E2E")
    assert staff.find_element(By.ID, "n-completed").text == "1"
    assert staff.find_element(By.ID, "n-issued").text == "33"
    assert staff.find_element(By.ID, "rr1").text == "3,03%"
    screenshot(staff, "campaign-page-800x1000.png")

    # The others come back on paper (the service, as the paper screen would): 30 completed, the minimum n.
    def rest():
        for n, row in enumerate(r for r in manage.questionnaire_rows(OPERATOR, "QN-E2E") if r["status"] == "issued"):
            if n < 29:
                complete_questionnaire("QN-E2E", row["questionnaire"], {"X.4": 1, "A2.1.1": 3 + n % 3,
                                                                        "A2.3.1": 2 + n % 4}, channel="paper")
    live_server.seed(rest)
    # The dashboard: the campaign chosen in the questionnaire selector (the form submits itself on change).
    staff.get(f"{live_server.url}/dashboard/")
    Select(staff.find_element(By.ID, "f-instrument")).select_by_value("campaign:QN-E2E")
    try:
        headline = WebDriverWait(staff, 15).until(EC.presence_of_element_located((By.ID, "campaign-index")))
    except Exception:
        raise AssertionError(page_report(staff)) from None
    want = live_server.seed(lambda: estimates.estimates_document(OPERATOR, "QN-E2E", "province", 30))["rows"][0]
    assert want["n"] == 30 and want["index"] is not None and want["se"] > 0
    assert headline.get_attribute("data-index") == str(want["index"])
    assert staff.find_element(By.ID, "campaign-subtitle").get_attribute("data-campaign") == "QN-E2E"
    assert Select(staff.find_element(By.ID, "f-instrument")).first_selected_option.get_attribute("value") == \
        "campaign:QN-E2E"
    assert headline.get_attribute("data-ci-low") == str(want["ci_low"])
    row = staff.find_element(By.CSS_SELECTOR, "#campaign-communes tr[data-unit]")
    assert row.get_attribute("data-index") == str(want["index"])  # its one commune, the same estimate
    screenshot(staff, "campaign-dashboard-800x1000.png")
