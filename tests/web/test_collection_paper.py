"""Paper entry screens: keyed questionnaires for staff in scope, CSV import with a row report, CSV templates."""
from __future__ import annotations

import io
import uuid

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response
from tests.fixtures.factories import HOME_PROVINCE, commune_codes


def count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Response))


@pytest.fixture
def point(make_service_point):
    return make_service_point(unit=commune_codes(HOME_PROVINCE, 1)[0], code="SP-DESK")


def settings(**extra) -> dict:
    return {"instrument": "SIPAS-1001", "service_point": "SP-DESK", "date": "2026-02-03", "channel": "paper", **extra}


def test_entry_needs_a_staff_role_that_enters_data(client, point, login_as):
    assert client.get("/paper/").status_code in (302, 401)
    login_as("viewer")
    assert client.get("/paper/").status_code == 403


def test_entry_screen_lists_every_item_of_the_instrument(client, point, login_as):
    login_as("clerk")
    html = client.get("/paper/", query_string=settings()).get_data(as_text=True)
    for code in ("A1.1.1", "A2.5.3", "X.4", "P.10", "H.2", "COMMENT"):
        assert f'data-item="{code}"' in html
    assert 'name="r.sex"' in html and 'data-codes="1,2,3,4,5,9"' in html
    assert "SP-DESK" in html


def test_keyed_questionnaire_is_stored_as_json(client, point, login_as):
    login_as("clerk")
    form = {**settings(), "id": str(uuid.uuid4()), "a.X.4": "1", "a.X.5": "0", "a.A2.1.1": "4",
            "a.A1.1.1": "5", "r.sex": "2", "a.COMMENT": "Tốt", "counter": "Quầy 2"}
    resp = client.post("/paper/", data=form, headers={"Accept": "application/json"})
    assert resp.status_code == 201, resp.get_json()
    stored = db.session.scalar(select(Response))
    assert stored.channel == "paper" and stored.sex == 2 and stored.counter == "Quầy 2"
    assert str(stored.local_date) == "2026-02-03"
    again = client.post("/paper/", data=form, headers={"Accept": "application/json"})
    assert again.status_code == 200 and count() == 1


def test_keying_errors_name_the_fields_in_json_and_store_nothing(client, point, login_as):
    login_as("clerk")
    form = {**settings(), "id": str(uuid.uuid4()), "a.A2.1.1": "7", "r.sex": "x", "dossier": "HS-1"}
    resp = client.post("/paper/", data=form, headers={"Accept": "application/json"})
    assert resp.status_code == 422
    fields = resp.get_json()["fields"]
    assert {"a.A2.1.1", "r.sex", "dossier"} <= set(fields)
    assert count() == 0


def test_plain_form_post_redirects_back_to_the_batch(client, point, login_as):
    login_as("manager")
    resp = client.post("/paper/", data={**settings(channel="interview"), "id": str(uuid.uuid4()), "a.A2.2.1": "3"})
    assert resp.status_code == 302 and "service_point=SP-DESK" in resp.headers["Location"]
    assert db.session.scalar(select(Response.channel)) == "interview"
    bad = client.post("/paper/", data={**settings(), "id": str(uuid.uuid4()), "a.A2.2.1": "6"})
    assert bad.status_code == 422 and 'class="pe-msg"' in bad.get_data(as_text=True)


def test_clerk_cannot_enter_for_a_service_point_outside_their_unit(client, make_service_point, login_as):
    home, other = commune_codes(HOME_PROVINCE, 2)
    make_service_point(unit=other, code="SP-OTHER")
    login_as("clerk", unit=home)
    html = client.get("/paper/", query_string=settings(service_point="SP-OTHER")).get_data(as_text=True)
    assert "SP-OTHER" not in html.split('name="service_point"')[1].split("</select>")[0]
    resp = client.post("/paper/", data={**settings(service_point="SP-OTHER"), "id": str(uuid.uuid4()),
                                        "a.A2.2.1": "3"}, headers={"Accept": "application/json"})
    assert resp.status_code == 403 and count() == 0


def upload(client, text: str):
    return client.post("/paper/import", data={"file": (io.BytesIO(text.encode()), "batch.csv"), "channel": "paper"},
                       content_type="multipart/form-data")


def test_csv_import_screen_reports_each_row(client, point, login_as):
    login_as("clerk")
    good = "instrument,service_point,submitted_at,Q,R\nKIOSK-QUICK,SP-DESK,2026-01-05,5,\nKIOSK-QUICK,SP-DESK,2026-01-05,1,2\n"
    resp = upload(client, good)
    assert resp.status_code == 200 and 'id="import-report"' in resp.get_data(as_text=True)
    assert count() == 2
    bad = "instrument,service_point,submitted_at,Q\nKIOSK-QUICK,SP-DESK,2026-01-05,4\nKIOSK-QUICK,SP-DESK,2026-01-05,0\n"
    resp = upload(client, bad)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "row-error" in html and "answers.Q" in html
    assert count() == 2  # the good first row of the bad file was not kept either
    assert upload(client, "").status_code == 422
    not_utf8 = client.post("/paper/import", data={"file": (io.BytesIO(b"\xff\xfeQ"), "x.csv")},
                           content_type="multipart/form-data")
    assert not_utf8.status_code == 422


def test_csv_template_has_the_instrument_columns(client, login_as):
    login_as("clerk")
    resp = client.get("/paper/template.csv?instrument=KIOSK-QUICK")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    header = resp.get_data(as_text=True).lstrip("\ufeff").splitlines()[0].split(",")
    assert header[:3] == ["id", "instrument", "version"] and header[-3:] == ["Q", "R", "COMMENT"]


def test_a_csv_above_the_app_body_limit_but_within_5_mb_reaches_the_importer(client, point, login_as, app,
                                                                              monkeypatch):
    monkeypatch.setitem(app.config, "PAPER_IMPORT_JOB_ROWS", 5000)  # inline, not a job (tests/jobs/test_jobs_data)
    login_as("clerk")
    big = "instrument,service_point,submitted_at,Q,COMMENT\n" + "".join(
        f"KIOSK-QUICK,SP-DESK,2026-01-05,{1 + i % 5},{'x' * 90}\n" for i in range(4000))  # about 500 kB
    resp = upload(client, big)
    assert resp.status_code != 413, "the screen promises 5 MB"
    assert 'id="import-report"' in resp.get_data(as_text=True)
