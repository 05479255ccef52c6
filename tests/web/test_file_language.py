"""A download's `lang` is for that file only (issue 19 item 12): the session's language stays as it was."""
from __future__ import annotations

import pytest

from tests.web.test_dashboard import body
from tests.fixtures.dashboard import PERIOD


@pytest.mark.parametrize("download", [
    "/reports/unit?unit={code}&instrument=KIOSK-QUICK&period={period}&lang=en",
    "/reports/province?province=22&instrument=KIOSK-QUICK&period={period}&lang=en",
    "/reports/export/indices?instrument=KIOSK-QUICK&period={period}&by=commune&format=csv&lang=en",
])
def test_an_english_file_leaves_the_vietnamese_session_vietnamese(client, login_as, dashboard_world, download):  # noqa: F811
    login_as("homeaffairs")
    before = body(client.get(f"/dashboard/?instrument=KIOSK-QUICK&period={PERIOD}"))
    assert '<html lang="vi"' in before
    got = client.get(download.format(code=dashboard_world.places["home"].code, period=PERIOD))
    assert got.status_code == 200, got.get_data(as_text=True)[:300]
    page = body(client.get(f"/dashboard/?instrument=KIOSK-QUICK&period={PERIOD}"))
    assert '<html lang="vi"' in page and "Xếp hạng" in page
    with client.session_transaction() as session:
        assert session.get("lang") != "en"
    # and the page's own PDF link, which takes the session's language, gives the Vietnamese file
    pdf = client.get(f"/reports/unit?unit={dashboard_world.places['home'].code}&instrument=KIOSK-QUICK"
                     f"&period={PERIOD}")
    assert "-vi.pdf" in pdf.headers["Content-Disposition"]


def test_a_page_s_lang_still_switches_the_session(client, login_as, dashboard_world):  # noqa: F811
    login_as("homeaffairs")
    client.get("/dashboard/?lang=en")
    assert '<html lang="en"' in body(client.get(f"/dashboard/?instrument=KIOSK-QUICK&period={PERIOD}"))
