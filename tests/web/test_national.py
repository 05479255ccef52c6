"""The national scope on the web, the API and the CLI: the ministry's overview ranks the provinces with intervals
(Vietnamese first), opens any province, downloads the national PDF, and its accounts and tokens come from the CLI."""
from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest
from pypdf import PdfReader

from survey.services.indices.compute import compute_indices
from tests.fixtures.national import NATIONAL_PLAN

Q1 = {"instrument": "SIPAS-1001", "period": "2026-Q1"}
RANKED = {"22", "01", "79", "48"}


def _attrs(body: str, table: str) -> list[dict[str, str]]:
    """data-* attributes of each row of one table (none when the page has no such table)."""
    if f'id="{table}"' not in body:
        return []
    part = body.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return [dict(re.findall(r'data-([a-z-]+)="([^"]*)"', row)) for row in re.findall(r"<tr [^>]*>", part)]


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def ministry_client(client, login_as):
    login_as("ministry", unit=None)
    return client


def test_the_national_overview_ranks_the_provinces_with_their_intervals(ministry_client, national_dataset, app):
    response = ministry_client.get("/dashboard/", query_string=Q1)
    assert response.status_code == 200
    body = _text(response)
    rows = _attrs(body, "table-provinces")
    result = compute_indices("SIPAS-1001", "2026-Q1", by="province", min_n=app.config["MIN_N"])
    published = {row["unit_code"]: row for row in result.document["rows"]}
    assert [r["unit"] for r in rows] == [c for c in result.ranking["cell"] if c in RANKED]
    for row in rows:
        figure = published[row["unit"]]
        assert float(row["index"]) == figure["index"] and float(row["ci-low"]) == figure["ci_low"]
        assert float(row["ci-high"]) == figure["ci_high"] and int(row["n"]) == figure["n"]
    assert [r["rank"] for r in rows] == ["1", "2", "3", "4"]
    assert [r["unit"] for r in _attrs(body, "table-small")] == ["96"]  # suppressed: listed, not ranked
    assert "data-index" not in body.split('id="table-small"')[1].split("</table>")[0]
    silent = re.findall(r'data-unit="(\d\d)"', body.split('id="silent-provinces"')[1].split("</p>")[0])
    assert len(silent) == 34 - len(NATIONAL_PLAN)
    assert "Cả nước" in body and "34 tỉnh" in body  # Vietnamese first
    country = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', re.search(r'<li class="main"[^>]*>', body).group(0)))
    assert float(country["index"]) == round(float(result.parent["index"]), 2)
    assert int(country["n"]) == sum(row["n"] for row in published.values())
    assert "/dashboard/?province=01" in body.replace("&amp;", "&")


def test_the_national_overview_breaks_down_and_filters(ministry_client, national_dataset):
    response = ministry_client.get("/dashboard/", query_string={**Q1, "by": "sex", "channel": "paper"})
    assert response.status_code == 200
    assert _attrs(_text(response), "table-breakdown")
    bad = ministry_client.get("/dashboard/", query_string={**Q1, "sex": "7"})
    assert bad.status_code == 400


def test_the_ministry_opens_any_provinces_overview(ministry_client, national_dataset):
    for province in ("01", "22"):
        response = ministry_client.get("/dashboard/", query_string={**Q1, "province": province})
        assert response.status_code == 200
        body = _text(response)
        shown = {r["unit"] for r in _attrs(body, "table-communes") + _attrs(body, "table-small")}
        assert shown == set(national_dataset[province])  # that province's communes, ranked or too small
        assert f'name="province" value="{province}"' in response.get_data(as_text=True)  # the filters keep it
    assert ministry_client.get("/dashboard/", query_string={**Q1, "province": "77"}).status_code == 404
    commune = national_dataset["01"][0]
    assert ministry_client.get("/dashboard/", query_string={"province": commune}).status_code == 403
    page = ministry_client.get(f"/dashboard/commune/{commune}", query_string=Q1)
    assert page.status_code == 200 and "Cả nước" in _text(page)  # the crumbs lead back to the country


def test_home_affairs_keeps_its_own_province_only(client, login_as, national_dataset):
    login_as("homeaffairs", unit="22")
    assert client.get("/dashboard/", query_string={**Q1, "province": "22"}).status_code == 200
    assert client.get("/dashboard/", query_string={**Q1, "province": "01"}).status_code == 404
    own = _text(client.get("/dashboard/", query_string=Q1))
    assert 'id="table-provinces"' not in own and "Thành phố Hà Nội" not in own
    assert client.get("/reports/national", query_string=Q1).status_code == 403


def test_the_national_pdf_ranks_the_provinces(ministry_client, national_dataset):
    response = ministry_client.get("/reports/national", query_string=Q1)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "XẾP HẠNG CÁC TỈNH, THÀNH PHỐ" in text and "BỘ NỘI VỤ" in text and "So với cả nước" in text
    assert "Thành phố Đà Nẵng" in text and "Cà Mau" in text  # ranked, and listed with too few responses
    english = ministry_client.get("/reports/national", query_string={**Q1, "lang": "en"})
    assert "RANKING OF PROVINCES" in "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(english.data)).pages)


def test_the_ministry_token_reads_every_province_and_exports(app, client, national_dataset):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["users", "add", "--email", "Vu.CCHC@moha.gov.vn", "--role", "ministry"],
                         env={"SURVEY_USER_PASSWORD": "a-long-password"})
    assert made.exit_code == 0, made.output
    issued = runner.invoke(args=["tokens", "add", "--user", "vu.cchc@moha.gov.vn", "--label", "Bộ Nội vụ"])
    assert issued.exit_code == 0, issued.output
    headers = {"Authorization": f"Bearer {issued.output.strip().splitlines()[-1]}"}
    national = client.get("/api/v1/indices", query_string={**Q1, "by": "province"}, headers=headers).get_json()
    assert {row["unit_code"] for row in national["rows"]} == set(NATIONAL_PLAN)
    for province in ("01", "22"):
        one = client.get("/api/v1/indices", query_string={**Q1, "by": "commune", "province": province},
                         headers=headers)
        assert one.status_code == 200 and {r["unit_code"] for r in one.get_json()["rows"]} == \
            set(national_dataset[province])
    export = client.get("/api/v1/exports/indices", query_string={**Q1, "by": "province", "format": "csv"},
                        headers=headers)
    assert export.status_code == 200
    assert {row["unit_code"] for row in csv.DictReader(io.StringIO(export.get_data(as_text=True)))} == \
        set(NATIONAL_PLAN)
    assert client.get("/api/v1/reports/national", query_string=Q1, headers=headers).status_code == 200
    refused = client.post("/api/v1/responses", json={}, headers=headers)
    assert refused.status_code == 401  # a kiosk's credential only
    disabled = runner.invoke(args=["users", "disable", "vu.cchc@moha.gov.vn"])
    assert disabled.exit_code == 0, disabled.output
    assert client.get("/api/v1/indices", query_string={**Q1, "by": "province"}, headers=headers).status_code == 403


def test_the_cli_refuses_a_ministry_account_with_a_unit(app):
    result = app.test_cli_runner().invoke(
        args=["users", "add", "--email", "x@moha.gov.vn", "--role", "ministry", "--unit", "22"],
        env={"SURVEY_USER_PASSWORD": "a-long-password"})
    assert result.exit_code != 0 and "every province" in result.output and "Traceback" not in result.output


def test_survey_indices_by_province_equals_each_province_alone(app, national_dataset):
    runner = app.test_cli_runner()
    together = runner.invoke(args=["indices", "--instrument", "SIPAS-1001", "--period", "2026-Q1", "--by",
                                   "province", "--format", "json"])
    assert together.exit_code == 0, together.output
    rows = {row["unit_code"]: row for row in json.loads(together.output)["rows"]}
    assert set(rows) == set(NATIONAL_PLAN)
    for province in NATIONAL_PLAN:
        alone = runner.invoke(args=["indices", "--instrument", "SIPAS-1001", "--period", "2026-Q1", "--by",
                                    "province", "--province", province, "--format", "json"])
        assert json.loads(alone.output)["rows"] == [rows[province]]
    table = runner.invoke(args=["indices", "--instrument", "SIPAS-1001", "--period", "2026-Q1", "--by", "province"])
    lines = table.output.splitlines()
    ranked = [line.split()[1] for line in lines if re.match(r"^\s+\d+\s+\d\d\s", line)]
    assert set(ranked) == RANKED and any(line.split()[1] == "96" and "suppressed" in line for line in lines
                                         if re.match(r"^\s+–\s+\d\d\s", line))


def test_the_reports_page_offers_the_national_report_and_every_province(ministry_client):
    body = ministry_client.get("/reports/").get_data(as_text=True)
    assert 'action="/reports/national"' in body
    exports = body.split('id="indices-province"')[1].split("</select>")[0]
    assert '<option value="">' in exports and exports.count("<option") == 35  # every province, or one of the 34
