"""Report PDFs and exports over the staff pages and the API: scoped per caller, audited, figures round-trip."""
from __future__ import annotations

import io
import re
import unicodedata

import openpyxl
import pandas as pd
import pypdf
import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEntry
from tests.fixtures.factories import HOME_PROVINCE
from tests.services.report_data import A_BEFORE, A_NOW, build


@pytest.fixture
def data(app, make_service_point):
    return build(make_service_point)


def pdf_text(body: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(body)).pages
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", " ".join(p.extract_text() for p in pages)))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_manager_downloads_own_unit_pdf_and_nothing_else(client, data, login_as):
    login_as("manager", unit=data.commune_a)
    resp = client.get("/reports/unit", query_string={"unit": data.commune_a, "period": "2026-Q1"})
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert f"bao-cao-{data.commune_a}-2026-Q1-vi.pdf" in resp.headers["Content-Disposition"]
    assert "75,0%" in pdf_text(resp.data)
    for other in ({"unit": data.commune_b}, {"service_point": data.point_b}, {"unit": HOME_PROVINCE}):
        assert client.get("/reports/unit", query_string={**other, "period": "2026-Q1"}).status_code == 404
    assert client.get("/reports/province", query_string={"province": HOME_PROVINCE,
                                                         "period": "2026-Q1"}).status_code == 404
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.download")).one()
    assert entry.object == data.commune_a and entry.details["kind"] == "unit"


def test_dashboard_style_links_name_the_place_by_kind(client, data, login_as):
    login_as("homeaffairs")
    for arg, code in (("service_point", data.point_a), ("agency", data.agency_a)):
        resp = client.get("/reports/unit", query_string={arg: code, "period": "2026-Q1", "format": "pdf",
                                                         "instrument": "KIOSK-QUICK", "lang": "en"})
        assert resp.status_code == 200, arg
        assert "75.0%" in pdf_text(resp.data) and "Overall satisfaction index" in pdf_text(resp.data)


def test_home_affairs_gets_the_provincial_report(client, data, login_as):
    login_as("homeaffairs")
    resp = client.get("/reports/province", query_string={"province": HOME_PROVINCE, "period": "2026-Q1",
                                                         "instrument": "KIOSK-QUICK"})
    assert resp.status_code == 200
    text = pdf_text(resp.data)
    assert f"{data.commune_a} 40 75,0" in text and "80,0%" in text


def test_roles_without_the_right_are_refused(client, data, login_as):
    assert client.get("/reports/").status_code in (302, 401)  # anonymous: sent to sign in
    login_as("clerk", unit=data.commune_a)
    assert client.get("/reports/unit", query_string={"unit": data.commune_a, "period": "2026-Q1"}).status_code == 403


def test_viewer_sees_the_form_without_exports(client, data, login_as):
    login_as("viewer", unit=data.commune_a)
    page = client.get("/reports/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'action="/reports/unit"' in html and "/reports/export/" not in html
    assert client.get("/reports/export/indices", query_string={"instrument": "KIOSK-QUICK",
                                                               "period": "2026-Q1"}).status_code == 403


def test_missing_or_bad_arguments_name_the_field(client, data, make_token):
    token = make_token("homeaffairs")
    resp = client.get("/api/v1/reports/unit", query_string={"unit": data.commune_a}, headers=bearer(token))
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["field"] == "period"
    resp = client.get("/api/v1/exports/indices", headers=bearer(token),
                      query_string={"instrument": "KIOSK-QUICK", "period": "2026-Q1", "format": "pdf"})
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["field"] == "format"


def test_indices_csv_round_trips_to_the_api_figures(client, data, make_token):
    token = make_token("homeaffairs")
    query = {"instrument": "KIOSK-QUICK", "period": "2026-Q1", "by": "commune", "province": HOME_PROVINCE}
    api = client.get("/api/v1/indices", query_string=query, headers=bearer(token)).get_json()
    resp = client.get("/api/v1/exports/indices", query_string={**query, "format": "csv"}, headers=bearer(token))
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    frame = pd.read_csv(io.BytesIO(resp.data), dtype={"unit_code": str})
    assert list(frame["unit_code"]) == [row["unit_code"] for row in api["rows"]]
    for row in api["rows"]:
        got = frame[frame["unit_code"] == row["unit_code"]].iloc[0]
        for name in ("n", "index", "ci_low", "ci_high"):
            expected = row[name]
            assert (pd.isna(got[name]) if expected is None else got[name] == pytest.approx(expected)), name
        assert got["Q.pct"] == pytest.approx(row["items"]["Q"]["pct"]) if row["items"]["Q"]["pct"] is not None \
            else pd.isna(got["Q.pct"])
    small = frame[frame["unit_code"] == data.commune_b].iloc[0]
    assert bool(small["suppressed"]) and pd.isna(small["index"]) and pd.isna(small["Q.pct"])
    assert set(frame["instrument"]) == {"KIOSK-QUICK"} and set(frame["min_n"]) == {30}


def test_indices_xlsx_has_the_same_columns(client, data, login_as):
    login_as("homeaffairs")
    resp = client.get("/reports/export/indices", query_string={"instrument": "KIOSK-QUICK", "period": "2026-Q1",
                                                               "province": HOME_PROVINCE, "format": "xlsx"})
    assert resp.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(resp.data), read_only=True)["indices"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("instrument", "instrument_version", "method_version", "period")
    index = rows[0].index("index")
    by_code = {r[rows[0].index("unit_code")]: r for r in rows[1:]}
    assert by_code[data.commune_a][index] == pytest.approx(75.0) and by_code[data.commune_b][index] is None


def test_responses_csv_is_anonymised_and_withholds_small_places(client, data, make_token):
    resp = client.get("/api/v1/exports/responses", headers=bearer(make_token("homeaffairs")),
                      query_string={"instrument": "KIOSK-QUICK", "period": "2025-10..2026-03", "format": "csv"})
    assert resp.status_code == 200
    frame = pd.read_csv(io.BytesIO(resp.data), dtype={"unit_code": str})
    assert len(frame) == len(A_NOW) + len(A_BEFORE) and set(frame["unit_code"]) == {data.commune_a}
    assert list(frame["row"]) == list(range(1, len(frame) + 1))
    for hidden in ("client_id", "id", "dossier_code", "submitted_at", "officer", "counter", "COMMENT"):
        assert hidden not in frame.columns
    assert frame["Q"].value_counts().to_dict() == {5: 20, 4: 26, 3: 20, 2: 4, 1: 2}
    assert frame["R.1"].sum() == 6 and frame["R.2"].sum() == 4 and frame["R.1"].notna().sum() == 6
    assert set(frame["month"]) == {"2025-11", "2026-02"}


def test_responses_xlsx_has_a_code_book_sheet(client, data, login_as):
    login_as("manager", unit=data.commune_a)
    resp = client.get("/reports/export/responses", query_string={"instrument": "KIOSK-QUICK", "period": "2026-Q1",
                                                                 "format": "xlsx", "unit": data.commune_a})
    assert resp.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(resp.data), read_only=True)
    assert book.sheetnames == ["responses", "codebook"]
    data_rows = list(book["responses"].iter_rows(values_only=True))
    assert len(data_rows) == 1 + len(A_NOW)
    codebook = {r[0]: r for r in book["codebook"].iter_rows(values_only=True)}
    assert "Rất hài lòng" in codebook["Q"][3] and codebook["R.1"][1].endswith("Thời gian chờ đợi lâu")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert entry.details["kind"] == "responses" and entry.details["format"] == "xlsx"
    # Someone else's commune is not theirs to export.
    other = client.get("/reports/export/responses", query_string={"instrument": "KIOSK-QUICK", "format": "csv",
                                                                  "period": "2026-Q1", "unit": data.commune_b})
    assert other.status_code == 404
