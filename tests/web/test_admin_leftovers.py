"""Issue 19 items 18 and 19 leftovers: SIPAS-2640 is listed as 2017–2021 in both languages without changing its
published definition; the index code book is served (part=codebook) and linked on the reports page."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEntry, Instrument, InstrumentVersion
from survey.services.instruments.versions import load_official_instruments
from tests.fixtures.factories import HOME_PROVINCE


def test_sipas_2640_is_named_2017_2021_in_both_languages(app, client, login_as):
    load_official_instruments()
    db.session.commit()
    instrument = db.session.scalar(select(Instrument).where(Instrument.code == "SIPAS-2640"))
    assert "2017–2021" in instrument.name_vi and "2017–2020" not in instrument.name_vi
    assert "2017–2021" in instrument.name_en
    published = db.session.scalar(select(InstrumentVersion.definition).where(
        InstrumentVersion.instrument_id == instrument.id))
    assert "2017–2020" in published["name"]["vi"]  # the published definition itself stays as it was published
    assert load_official_instruments()["SIPAS-2640"] == "unchanged"  # reloading keeps the correction
    login_as("homeaffairs")
    listing = client.get("/admin/instruments/?lang=vi").get_data(as_text=True)
    assert "giai đoạn 2017–2021" in listing and "2017–2020" not in listing


def test_index_code_book_is_downloadable_and_linked(client, login_as):
    login_as("homeaffairs")
    page = client.get("/reports/?lang=en").get_data(as_text=True)
    assert 'id="indices-part"' in page and 'value="codebook"' in page
    resp = client.get("/reports/export/indices", query_string={
        "instrument": "KIOSK-QUICK", "period": "2026-Q1", "province": HOME_PROVINCE, "part": "codebook"})
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "codebook.csv" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["column", "meaning_vi", "meaning_en"]
    assert {"instrument", "period"} <= {r[0] for r in rows[1:]} and all(r[1] and r[2] for r in rows[1:])
    db.session.expire_all()
    assert db.session.scalar(select(AuditEntry.details).where(AuditEntry.action == "export"))["part"] == "codebook"
    bad = client.get("/reports/export/indices", query_string={
        "instrument": "KIOSK-QUICK", "period": "2026-Q1", "province": HOME_PROVINCE, "part": "everything"})
    assert bad.status_code in (400, 422) and "part" in bad.get_data(as_text=True)
