"""Closing a campaign (issue 18): Home Affairs of the province closes it on the page or the CLI; afterwards every
channel refuses answers and outcomes with a 4xx and writes nothing, and the estimates stay. Campaign statuses read
as words. A campaign's instrument is official or the province's own."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import Campaign, Questionnaire, Response
from survey.services.access.scope import OPERATOR, scope_for
from survey.services.campaigns import estimates, manage
from survey.services.campaigns.answers import complete_questionnaire
from tests.fixtures.campaigns import answers


def _state() -> tuple:
    db.session.expire_all()
    return (db.session.scalar(select(func.count()).select_from(Response).where(Response.campaign_id.is_not(None))),
            tuple(db.session.scalars(select(Questionnaire.status).order_by(Questionnaire.id))))


def _outstanding(field_campaign) -> str:
    return next(r["questionnaire"] for r in field_campaign.rows if r["status"] == "issued")


def test_home_affairs_closes_from_the_page_and_every_channel_refuses(client, login_as, runner, field_campaign):
    code, q = field_campaign.code, _outstanding(field_campaign)
    out = runner.invoke(args=["devices", "add", "--campaign", code])
    token = out.output.strip().splitlines()[-1]
    login_as("homeaffairs", "22")
    page = client.get(f"/campaigns/{code}")
    assert 'data-status="fieldwork">đang khảo sát<' in page.text and 'id="close-button"' in page.text
    unconfirmed = client.post(f"/campaigns/{code}/close", follow_redirects=True)
    assert unconfirmed.status_code == 200 and "xác nhận" in unconfirmed.text
    assert db.session.scalar(select(Campaign.status).where(Campaign.code == code)) == "fieldwork"
    closed = client.post(f"/campaigns/{code}/close", data={"confirm": "1"}, follow_redirects=True)
    assert closed.status_code == 200 and 'data-status="closed">đã kết thúc<' in closed.text
    assert 'id="close-button"' not in closed.text and 'id="closed-note"' in closed.text
    assert 'id="estimates"' in closed.text  # the estimates stay
    assert "đã kết thúc" in client.get("/campaigns/").text
    before = _state()
    # Personal link: the page says the survey is over, a post stores nothing.
    link = next(r["link"] for r in field_campaign.rows if r["questionnaire"] == q).removeprefix("http://localhost")
    assert client.get(link).status_code == 410
    assert client.post(link, data={"a.A2.3.1": "5", "a.X.4": "1"}).status_code == 409
    # Tablet.
    sent = client.post("/api/v1/responses", headers={"Authorization": f"Bearer {token}"},
                       json={"campaign": code, "questionnaire": q, "answers": {"A2.3.1": 4, "X.4": 1}})
    assert sent.status_code == 409 and sent.get_json()["error"] == "campaign_closed"
    # Paper screen and CSV import.
    form = {"campaign": code, "date": date.today().isoformat(), "channel": "paper", "questionnaire": q,
            "a.A2.3.1": "3", "a.X.4": "1"}
    keyed = client.post("/paper/", data=form, headers={"Accept": "application/json"})
    assert keyed.status_code == 409 and keyed.get_json()["error"] == "campaign_closed"
    csv = f"questionnaire,submitted_at,A2.3.1,X.4\n{q},{date.today()},4,1\n".encode()
    imported = client.post("/paper/import", data={"file": (io.BytesIO(csv), "back.csv")},
                           content_type="multipart/form-data")
    assert imported.status_code == 422
    # Outcomes, on the page and the CLI.
    client.post(f"/campaigns/{code}/outcome", data={"questionnaire": q, "status": "refused"})
    out = runner.invoke(args=["campaigns", "outcome", code, "--questionnaire", q, "--status", "refused"])
    assert out.exit_code != 0 and "closed" in out.output
    assert _state() == before
    assert client.post(f"/campaigns/{code}/close", data={"confirm": "1"}).status_code == 302  # flashed, unchanged
    doc = estimates.estimates_document(OPERATOR, code, "province", 5)
    assert doc["rows"][0]["index"] is not None
    assert client.get(f"/api/v1/campaigns/{code}/estimates?by=commune").status_code == 200


def test_only_home_affairs_of_the_province_closes(client, login_as, field_campaign, make_user):
    code = field_campaign.code
    login_as("manager", field_campaign.communes[0])
    assert client.post(f"/campaigns/{code}/close", data={"confirm": "1"}).status_code == 403
    page = client.get(f"/campaigns/{code}")
    assert page.status_code == 200 and 'id="close-button"' not in page.text and 'id="report-link"' not in page.text
    with pytest.raises(NotFound):
        manage.close_campaign(scope_for(make_user("homeaffairs", "01")), code)
    assert db.session.scalar(select(Campaign.status).where(Campaign.code == code)) == "fieldwork"


def test_cli_close_and_the_status_transitions(runner, field_campaign):
    manage.create_campaign(OPERATOR, "QN-DRAFT", "22", "SIPAS-1001", None, date.today(), date.today(), 1, 1, None, 1)
    db.session.commit()
    draft = runner.invoke(args=["campaigns", "close", "QN-DRAFT"])
    assert draft.exit_code != 0 and "not been drawn" in draft.output
    with pytest.raises(Conflict):  # a draft takes no answers either
        manage.record_outcome(OPERATOR, "QN-DRAFT", "X", "refused")
    done = runner.invoke(args=["campaigns", "close", field_campaign.code])
    assert done.exit_code == 0 and "closed" in done.output
    again = runner.invoke(args=["campaigns", "close", field_campaign.code])
    assert again.exit_code != 0 and "closed already" in again.output
    redraw = runner.invoke(args=["campaigns", "draw", field_campaign.code])
    assert redraw.exit_code != 0
    q = _outstanding(field_campaign)
    with pytest.raises(Conflict) as caught:
        complete_questionnaire(field_campaign.code, q, answers(4))
    assert caught.value.code == "campaign_closed" and caught.value.status == 409
    status = runner.invoke(args=["campaigns", "status", field_campaign.code])
    assert status.exit_code == 0 and "closed" in status.output
    tablet = runner.invoke(args=["devices", "add", "--campaign", field_campaign.code])
    assert tablet.exit_code != 0 and "closed" in tablet.output


def _own(province: str, code: str) -> None:
    from survey.services.instruments.drafts import create_own_instrument, publish_version

    create_own_instrument("KIOSK-QUICK", code, {"vi": f"Phiếu riêng {province}"}, province, "test", OPERATOR)
    publish_version(code, 1, "test", OPERATOR)
    db.session.commit()


def test_a_campaign_uses_an_official_or_its_own_provinces_instrument(app, client, login_as, runner, make_user):
    _own("22", "QN-OWN")
    _own("01", "HN-OWN")
    today = date.today()
    args = (None, today, today + timedelta(days=9), 1, 2, None, 1)
    home = scope_for(make_user("homeaffairs", "22"))
    assert manage.create_campaign(home, "C-OWN", "22", "QN-OWN", *args).status == "draft"
    with pytest.raises(NotFound):  # another province's instrument is unknown to Home Affairs of 22
        manage.create_campaign(home, "C-FOREIGN", "22", "HN-OWN", *args)
    with pytest.raises(Invalid) as caught:  # the operator sees it, and is told why it is refused
        manage.create_campaign(OPERATOR, "C-FOREIGN", "22", "HN-OWN", *args)
    assert caught.value.errors[0]["field"] == "instrument" and caught.value.errors[0]["code"] == "not_this_province"
    db.session.commit()
    out = runner.invoke(args=["campaigns", "create", "--code", "C-CLI", "--province", "22", "--instrument", "HN-OWN",
                              "--from", str(today), "--to", str(today), "--villages-per-commune", "1",
                              "--people-per-village", "2"])
    assert out.exit_code != 0 and "another province" in out.output
    login_as("homeaffairs", "22")
    form = {"code": "C-WEB", "province": "22", "instrument": "HN-OWN", "from": str(today), "to": str(today),
            "villages_per_commune": "1", "people_per_village": "2"}
    page = client.post("/campaigns/new", data=form)
    assert page.status_code == 422 and "HN-OWN" in page.text
    codes = set(db.session.scalars(select(Campaign.code)))
    assert codes == {"C-OWN"}
