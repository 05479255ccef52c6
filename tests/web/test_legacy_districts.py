"""Legacy districts reachable (issue 19 item 4): after the legacy import, a district has a PDF (web, API and CLI),
a dashboard page and a place in the overview's selector for periods before July 2025; Home Affairs sees the
legacy units in /api/v1/units and may import the list from a web screen. District 999 ("Huyện Thử"): 30 ratings
of 5 at 99901 and 40 of 1 at 99902 → 30 / 70 = 42.86 %."""
from __future__ import annotations

import io
import re
import unicodedata

from pypdf import PdfReader
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Unit
from tests.fixtures.factories import commune_codes
from tests.services.test_indices_service_instruments import LEGACY_CSV, legacy_data  # noqa: F401
from tests.web.test_dashboard import body

Q = "instrument=KIOSK-QUICK&period=2025"


def _text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)))


def test_home_affairs_reaches_a_legacy_district_everywhere(client, login_as, legacy_data, runner,  # noqa: F811
                                                           tmp_path):
    login_as("homeaffairs")
    units = client.get("/api/v1/units?vintage=legacy&level=district").get_json()["units"]
    assert [(u["code"], u["name"]) for u in units] == [("999", "Huyện Thử")]
    pdf = client.get(f"/reports/unit?unit=999&{Q}")
    assert pdf.status_code == 200, pdf.get_data(as_text=True)[:300]
    text = _text(pdf.data)
    assert "Huyện Thử" in text and "Huyện (dữ liệu cũ)" in text and "42,9%" in text and "70" in text
    page = body(client.get(f"/dashboard/district/999?{Q}"))
    assert re.search(r'id="unit-index"|data-unit="999"', page)
    assert 'data-unit="999" data-n="70"' in page and 'data-index="42.86"' in page
    overview = body(client.get("/dashboard/?instrument=KIOSK-QUICK&period=2025-Q1"))
    assert '<option value="999">Huyện Thử (999)</option>' in overview
    assert "f-district" not in body(client.get("/dashboard/?instrument=KIOSK-QUICK&period=2025-Q4"))
    chosen = client.get("/dashboard/district?district=999&instrument=KIOSK-QUICK&period=2025-Q1")
    assert chosen.status_code == 302 and "/dashboard/district/999?" in chosen.headers["Location"]
    out = tmp_path / "district.pdf"
    got = runner.invoke(args=["report", "--unit", "999", "--period", "2025", "--instrument", "KIOSK-QUICK",
                              "--min-n", "30", "-o", str(out)])
    assert got.exit_code == 0, got.output
    assert "Huyện Thử" in _text(out.read_bytes())


def test_re_based_commune_figures_are_labelled_approximate_in_the_pdf(client, login_as, legacy_data):  # noqa: F811
    c1, _c2 = legacy_data
    login_as("homeaffairs")
    text = _text(client.get(f"/reports/unit?unit={c1}&{Q}").data)
    assert "gần đúng" in text and "01/7/2025" in text


def test_a_commune_manager_does_not_open_a_district_that_covers_other_communes(client, login_as,  # noqa: F811
                                                                              legacy_data):  # noqa: F811
    _c1, c2 = legacy_data
    login_as("manager", unit=c2)  # 99902 was split between c1 and c2: neither commune covers the district
    assert client.get(f"/dashboard/district/999?{Q}").status_code == 404
    assert client.get(f"/reports/unit?unit=999&{Q}").status_code == 404
    assert client.get("/api/v1/units?vintage=legacy").get_json()["units"] == []


def test_home_affairs_imports_the_legacy_list_from_a_web_screen(client, login_as, app):
    c1, c2 = commune_codes("22", 2)
    foreign = commune_codes("01", 1)[0]
    login_as("homeaffairs")
    assert 'id="legacy-import-link"' in body(client.get("/dashboard/?instrument=KIOSK-QUICK&period=2025-Q1"))
    outside = LEGACY_CSV.format(c1=c1, c2=foreign).encode()
    refused = client.post("/dashboard/legacy-units", data={"file": (io.BytesIO(outside), "legacy.csv")},
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and f"{foreign}" in body(refused) and "line 3" in body(refused)
    assert db.session.scalar(select(func.count()).select_from(Unit).where(Unit.vintage == "legacy")) == 0
    done = client.post("/dashboard/legacy-units", data={"file": (io.BytesIO(LEGACY_CSV.format(c1=c1, c2=c2)
                                                                            .encode()), "legacy.csv")},
                       content_type="multipart/form-data")
    assert done.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Unit).where(Unit.vintage == "legacy")) == 4


def test_only_home_affairs_imports_legacy_units(client, login_as):
    login_as("manager", unit=commune_codes("22", 1)[0])
    assert client.get("/dashboard/legacy-units").status_code == 403
