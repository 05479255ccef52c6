"""A campaign end to end in headless Chromium (issue 18): print a pack, read the personal link from the QR code on
its page, open it on a phone, complete the form, and see the campaign page count it."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from survey.reports.campaign_packs import render_pack
from survey.services.access.scope import OPERATOR
from survey.services.campaigns import manage
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
        import_frame(OPERATOR, "22", f"commune_code,village_code,village_name,population\n{c1},V1,Thôn Đông,300\n")
        today = date.today()
        manage.create_campaign(OPERATOR, "QN-E2E", "22", "SIPAS-1001", None, today - timedelta(days=5),
                               today + timedelta(days=25), 1, 3, None, 9)
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
    assert staff.find_element(By.ID, "n-issued").text == "3"
    assert staff.find_element(By.ID, "rr1").text == "33.33%"
    screenshot(staff, "campaign-page-800x1000.png")
