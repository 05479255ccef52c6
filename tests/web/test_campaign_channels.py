"""Campaign fieldwork channels (issue 18): personal link, tablet API, paper screen and paper CSV — each completes a
questionnaire exactly once."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Device, Questionnaire, Response
from survey.services.access.scope import OPERATOR
from survey.services.campaigns import manage
from survey.services.campaigns.frame import import_frame
from tests.fixtures.factories import commune_codes


@pytest.fixture
def campaign(app):
    """A drawn campaign of province 22 whose fieldwork includes today: 2 communes, 4 questionnaires each."""
    c1, c2 = commune_codes("22", 2)
    import_frame(OPERATOR, "22", "commune_code,village_code,village_name,population\n"
                 f"{c1},V1,Thôn Một,400\n{c2},W1,Thôn Hai,300\n")
    today = date.today()
    manage.create_campaign(OPERATOR, "QN-LINK", "22", "SIPAS-1001", None, today - timedelta(days=30),
                           today + timedelta(days=30), 1, 4, None, 5)
    manage.draw(OPERATOR, "QN-LINK")
    db.session.commit()
    return manage.questionnaire_rows(OPERATOR, "QN-LINK")


def _completed() -> int:
    return db.session.scalar(select(func.count()).select_from(Response).where(Response.campaign_id.is_not(None)))


def _status(code: str) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Questionnaire.status).where(Questionnaire.code == code))


def test_personal_link_works_once(client, campaign):
    row = campaign[0]
    path = row["link"].removeprefix("http://localhost")
    page = client.get(path)
    assert page.status_code == 200 and 'name="a.A2.3.1"' in page.text and row["questionnaire"] in page.text
    assert 'name="a.X.4"' in page.text  # residents are asked whether they used a service: nothing implied
    sent = client.post(path, data={"a.A2.3.1": "5", "a.X.4": "1", "r.sex": "2"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/c/thanks")
    assert _status(row["questionnaire"]) == "completed" and _completed() == 1
    stored = db.session.scalar(select(Response).where(Response.campaign_id.is_not(None)))
    assert (stored.channel, stored.sex, stored.service_point_id) == ("online", 2, None)
    used = client.get(path)
    assert used.status_code == 410 and "đã được sử dụng" in used.text and "has been used" in used.text
    again = client.post(path, data={"a.A2.3.1": "1", "a.X.4": "1"})
    assert again.status_code == 409 and "đã được sử dụng" in again.text
    assert _completed() == 1
    unknown = client.get("/c/not-a-real-token")
    assert unknown.status_code == 404 and "Liên kết không hợp lệ" in unknown.text and "not valid" in unknown.text


def test_personal_link_names_a_bad_answer_and_stores_nothing(client, campaign):
    path = campaign[0]["link"].removeprefix("http://localhost")
    page = client.post(path, data={"a.A2.3.1": "7", "a.X.4": "1"})
    assert page.status_code == 422 and 'aria-invalid' in page.text or 'sf-error' in page.text
    assert client.post(path, data={}).status_code == 422  # a blank page completes nothing
    assert page.status_code == 422 and _completed() == 0 and _status(campaign[0]["questionnaire"]) == "issued"


def test_tablet_completes_through_the_responses_api(app, client, runner, campaign):
    out = runner.invoke(args=["devices", "add", "--campaign", "QN-LINK", "--name", "Tablet 1"])
    assert out.exit_code == 0, out.output
    token = out.output.strip().splitlines()[-1]
    assert token.startswith("cam_")
    device = db.session.scalar(select(Device).where(Device.campaign_id.is_not(None)))
    assert device.service_point_id is None
    q = campaign[1]["questionnaire"]
    body = {"id": "5f2b8f8e-9a51-4b7e-9d7a-1d1c2b3a4f50", "campaign": "QN-LINK", "questionnaire": q,
            "answers": {"A2.3.1": 4, "X.4": 1}, "respondent": {"age_band": 3}}
    auth = {"Authorization": f"Bearer {token}"}
    first = client.post("/api/v1/responses", json=body, headers=auth)
    assert first.status_code == 201 and first.get_json() == {"id": body["id"], "status": "stored"}
    second = client.post("/api/v1/responses", json=body, headers=auth)
    assert second.status_code == 200 and second.get_json()["status"] == "already_stored"
    changed = client.post("/api/v1/responses", json={**body, "answers": {"A2.3.1": 2}}, headers=auth)
    assert changed.status_code == 409
    other = client.post("/api/v1/responses", json={**body, "campaign": "OTHER"}, headers=auth)
    assert other.status_code == 422 and other.get_json()["errors"][0]["field"] == "campaign"
    late = client.post("/api/v1/responses", headers=auth, json={
        **body, "questionnaire": campaign[2]["questionnaire"], "submitted_at": "2001-01-01T10:00:00+07:00"})
    assert late.status_code == 422
    assert client.post("/api/v1/responses", json=body, headers={"Authorization": "Bearer cam_nope"}).status_code == 401
    assert _completed() == 1 and _status(q) == "completed"
    stored = db.session.scalar(select(Response).where(Response.campaign_id.is_not(None)))
    assert (stored.channel, stored.age_band, stored.client_id) == ("interview", 3, body["id"])
    assert runner.invoke(args=["devices", "add"]).exit_code != 0  # neither a point nor a campaign


def test_paper_screen_keys_a_campaign_questionnaire_once(client, login_as, campaign):
    login_as("homeaffairs", "22")
    screen = client.get("/paper/?campaign=QN-LINK")
    assert screen.status_code == 200 and 'name="questionnaire"' in screen.text and 'name="a.A2.3.1"' in screen.text
    q = campaign[4]["questionnaire"]
    form = {"campaign": "QN-LINK", "date": date.today().isoformat(), "channel": "paper", "questionnaire": q.lower(),
            "a.A2.3.1": "3", "a.X.4": "1"}
    json_accept = {"Accept": "application/json"}
    assert client.post("/paper/", data=form, headers=json_accept).status_code == 201
    assert client.post("/paper/", data=form, headers=json_accept).status_code == 200
    changed = client.post("/paper/", data={**form, "a.A2.3.1": "5"}, headers=json_accept)
    assert changed.status_code == 409 and "questionnaire" in changed.get_json()["fields"]
    unknown = client.post("/paper/", data={**form, "questionnaire": "ZZZZZZZZ"}, headers=json_accept)
    assert unknown.status_code == 422 and unknown.get_json()["fields"]["questionnaire"]
    assert _completed() == 1 and _status(q) == "completed"
    assert db.session.scalar(select(Response.channel).where(Response.campaign_id.is_not(None))) == "paper"


def test_paper_csv_import_with_a_questionnaire_column(client, login_as, campaign):
    login_as("homeaffairs", "22")
    q1, q2 = campaign[5]["questionnaire"], campaign[6]["questionnaire"]
    day = date.today().isoformat()
    text = f"questionnaire,submitted_at,A2.3.1,X.4,sex\n{q1},{day},4,1,1\n{q2},{day},2,1,\n"
    sent = client.post("/paper/import", data={"file": (_file(text), "back.csv")}, content_type="multipart/form-data")
    assert sent.status_code == 200, sent.text
    assert _completed() == 2 and _status(q1) == _status(q2) == "completed"
    again = client.post("/paper/import", data={"file": (_file(text), "back.csv")}, content_type="multipart/form-data")
    assert again.status_code == 200 and _completed() == 2  # the same file again stores nothing new
    bad = f"questionnaire,submitted_at,A2.3.1,X.4\n{campaign[7]['questionnaire']},{day},4,1\n{q1},{day},5,1\n" \
          f"NOPE1234,{day},4,1\n"
    rejected = client.post("/paper/import", data={"file": (_file(bad), "bad.csv")},
                           content_type="multipart/form-data")
    assert rejected.status_code == 422 and _completed() == 2
    assert _status(campaign[7]["questionnaire"]) == "issued"  # all or nothing


def _file(text: str):
    import io

    return io.BytesIO(text.encode())


def test_every_channel_refuses_a_date_outside_the_fieldwork(client, login_as, campaign):
    """422 and nothing stored: the personal link after the fieldwork ended, the paper screen and the CSV import
    dated before it began (the tablet's late submission: test_tablet_completes_through_the_responses_api)."""
    today = date.today()
    manage.create_campaign(OPERATOR, "QN-PAST", "22", "SIPAS-1001", None, today - timedelta(days=20),
                           today - timedelta(days=1), 1, 2, None, 5)
    manage.draw(OPERATOR, "QN-PAST")
    db.session.commit()
    past = manage.questionnaire_rows(OPERATOR, "QN-PAST")[0]
    link = past["link"].removeprefix("http://localhost")
    shown = client.get(link)  # the page says the survey is over instead of a form that can only be refused
    assert shown.status_code == 403 and 'data-kind="closed"' in shown.text and "<form" not in shown.text
    sent = client.post(link, data={"a.A2.3.1": "5", "a.X.4": "1"})
    assert sent.status_code == 422 and _status(past["questionnaire"]) == "issued"
    login_as("homeaffairs", "22")
    early = (today - timedelta(days=40)).isoformat()
    q = campaign[4]["questionnaire"]
    form = {"campaign": "QN-LINK", "date": early, "channel": "paper", "questionnaire": q, "a.A2.3.1": "3",
            "a.X.4": "1"}
    keyed = client.post("/paper/", data=form, headers={"Accept": "application/json"})
    assert keyed.status_code == 422 and _status(q) == "issued"
    text = f"questionnaire,submitted_at,A2.3.1,X.4\n{campaign[5]['questionnaire']},{early},4,1\n"
    imported = client.post("/paper/import", data={"file": (_file(text), "early.csv")},
                           content_type="multipart/form-data")
    assert imported.status_code == 422 and "fieldwork" in imported.text
    assert _completed() == 0
