"""A campaign in the dashboards' questionnaire selector (issue 18): its design-based estimates with intervals
instead of the kiosk/online figures, scoped like every other figure."""
from __future__ import annotations

import html
import re

import pytest

from survey.services.access.scope import OPERATOR
from survey.services.campaigns import estimates

CHOICE = "campaign:QN-FIELD"


@pytest.fixture
def small_n(app, monkeypatch):
    monkeypatch.setitem(app.config, "MIN_N", 5)


def _rows(text: str, table: str) -> dict[str, dict[str, str]]:
    """data-* attributes of each row of a table, by unit code."""
    body = text.split(f'id="{table}"')[1].split("</table>")[0]
    out = {}
    for attrs in re.findall(r"<tr (data-unit=[^>]*)>", body):
        values = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', attrs))
        out[values["unit"]] = values
    return out


def test_home_affairs_picks_the_campaign_and_sees_its_estimates(client, login_as, field_campaign, small_n):
    c1, c2, c3 = field_campaign.communes
    login_as("homeaffairs", "22")
    plain = client.get("/dashboard/")
    assert plain.status_code == 200 and f'value="{CHOICE}"' in plain.text and 'id="campaign-index"' not in plain.text
    page = client.get(f"/dashboard/?instrument={CHOICE}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert f'value="{CHOICE}" selected' in text and "Khảo sát chọn mẫu QN-FIELD" in text
    overall = estimates.estimates_document(OPERATOR, "QN-FIELD", "province", 5)["rows"][0]
    headline = re.search(r'id="campaign-index"([^>]*)>', text).group(1)
    assert f'data-index="{overall["index"]}"' in headline and f'data-ci-low="{overall["ci_low"]}"' in headline
    rows = _rows(text, "campaign-communes")
    by_commune = {r["unit_code"]: r for r in estimates.estimates_document(OPERATOR, "QN-FIELD", "commune", 5)["rows"]}
    assert set(rows) == {c1, c2, c3}
    assert all(float(rows[c]["index"]) == by_commune[c]["index"] for c in rows)
    assert float(rows[c1]["ci-high"]) == by_commune[c1]["ci_high"] and rows[c1]["se"] == str(by_commune[c1]["se"])
    assert "đang khảo sát" in text and 'id="campaign-note"' in text and "/campaigns/QN-FIELD/report.pdf" in text
    # the dashboard shows uncalibrated weights (calibration is on the campaign page) and says so
    assert "Trọng số đã điều chỉnh theo tỷ lệ không trả lời trong từng thôn, chưa hiệu chỉnh" in text
    assert 'id="table-components"' not in text  # no kiosk/online figures on the page
    by_sex = html.unescape(client.get(f"/dashboard/?instrument={CHOICE}&by=sex").text)
    assert set(_rows(by_sex, "campaign-groups")) == {"1", "2"} and "Nam" in by_sex
    not_there = client.get(f"/dashboard/?instrument={CHOICE}&by=channel")
    assert not_there.status_code == 200 and 'id="campaign-no-breakdown"' in not_there.text


def test_a_commune_manager_sees_only_its_communes_estimate(client, login_as, field_campaign, small_n):
    c1, c2, _c3 = field_campaign.communes
    login_as("manager", c1)
    landing = client.get(f"/dashboard/?instrument={CHOICE}")
    assert landing.status_code == 302 and f"/dashboard/commune/{c1}" in landing.headers["Location"]
    page = client.get(landing.headers["Location"])
    text = html.unescape(page.text)
    assert page.status_code == 200 and f'data-unit="{c1}"' in text and f'data-unit="{c2}"' not in text
    assert "Quảng Ninh" not in text.split('id="campaign-note"')[1]  # no province row for a commune's staff
    assert "report.pdf" not in text  # the report is Home Affairs'
    assert client.get(f"/dashboard/commune/{c2}?instrument={CHOICE}").status_code == 404


def test_another_provinces_campaign_is_not_offered(client, login_as, field_campaign):
    login_as("homeaffairs", "01")
    page = client.get(f"/dashboard/?instrument={CHOICE}")
    assert page.status_code == 400 and CHOICE not in page.text.split('id="f-instrument"')[1].split("</select>")[0]
