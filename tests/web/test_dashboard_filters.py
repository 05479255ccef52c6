"""Dashboard filters (channel, procedure, profile fields): the pages show the API's figures under the same
filter, trends obey it, links keep it, the heading names it, and a bad value answers 400 naming the field."""
from __future__ import annotations

import pytest

from tests.fixtures.factories import HOME_PROVINCE
from tests.web.test_dashboard import body, data_rows

Q = "instrument=SIPAS-1001&period=2026-Q1"


def api(client, by: str, period: str = "2026-Q1", **where: str) -> dict:
    response = client.get("/api/v1/indices", query_string={"instrument": "SIPAS-1001", "period": period, "by": by,
                                                           "province": HOME_PROVINCE, **where})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {row["unit_code"]: row for row in response.get_json()["rows"]}


def trend_rows(page: str) -> dict[str, dict[str, str]]:
    return data_rows(page, "data-period")


@pytest.mark.parametrize("where", [{"sex": "1"}, {"channel": "paper"}, {"sex": "2", "age_band": "3"}])
def test_overview_shows_the_api_figures_under_the_same_filter(client, login_as, dataset, where):
    login_as("homeaffairs")
    query = Q + "".join(f"&{k}={v}" for k, v in where.items())
    response = client.get(f"/dashboard/?{query}")
    assert response.status_code == 200
    page = body(response)
    province = api(client, "province", **where)[HOME_PROVINCE]
    communes = api(client, "commune", **where)
    shown = data_rows(page)
    assert int(shown[HOME_PROVINCE]["data-n"]) == province["n"] < api(client, "province")[HOME_PROVINCE]["n"]
    assert shown[HOME_PROVINCE].get("data-index") == (None if province["index"] is None else str(province["index"]))
    for code, row in communes.items():
        if code in shown and not row["suppressed"]:
            assert float(shown[code]["data-index"]) == row["index"]
    trend = trend_rows(page)  # every trend point obeys the filter too (asked period by period)
    assert "2026-Q1" in trend
    for label, point in trend.items():
        figure = api(client, "province", label, **where).get(HOME_PROVINCE)
        assert int(point["data-n"]) == (figure["n"] if figure else 0)
    assert 'class="active-filters"' in page
    for name, value in where.items():
        assert f'name="{name}"' in page and f"{name}={value}" in page  # selected, and kept in the page's links


def test_overview_breakdown_under_a_filter_is_the_filtered_breakdown(client, login_as, dataset):
    login_as("homeaffairs")
    page = body(client.get(f"/dashboard/?{Q}&by=sex&channel=online"))
    rows = api(client, "sex", channel="online")
    shown = data_rows(page)
    for code in ("1", "2"):
        assert int(shown[code]["data-n"]) == rows[code]["n"]


def test_unit_page_shows_the_api_figures_under_the_same_filter(client, login_as, dataset):
    login_as("homeaffairs")
    commune = dataset["communes"][0]
    page = body(client.get(f"/dashboard/commune/{commune}?{Q}&procedure=1.001234"))
    row = api(client, "commune", procedure="1.001234")[commune]
    shown = data_rows(page)
    assert int(shown[commune]["data-n"]) == row["n"] < api(client, "commune")[commune]["n"]
    assert "1.001234" in page


@pytest.mark.parametrize("query, field", [("channel=fax", "channel"), ("sex=9", "sex"), ("age_band=x", "age_band")])
def test_bad_filters_answer_400_naming_the_field(client, login_as, dataset, query, field):
    login_as("homeaffairs")
    response = client.get(f"/dashboard/?{Q}&{query}")
    assert response.status_code == 400
    assert f'id="e-{field}"' in body(response)
