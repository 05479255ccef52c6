"""GET /api/v1/campaigns/<code>/estimates: staff only, scoped, the indices document with se."""
from __future__ import annotations

from datetime import date, datetime, timezone

from survey.extensions import db
from survey.services.access.scope import OPERATOR
from survey.services.campaigns import manage
from survey.services.campaigns.answers import complete_questionnaire
from survey.services.campaigns.frame import import_frame
from tests.fixtures.factories import commune_codes


def _campaign():
    c1, c2 = commune_codes("22", 2)
    import_frame(OPERATOR, "22", "commune_code,village_code,village_name,population\n"
                 f"{c1},V1,Thôn Một,400\n{c1},V2,Thôn Hai,500\n{c2},W1,Thôn Ba,300\n")
    manage.create_campaign(OPERATOR, "C1", "22", "SIPAS-1001", None, date(2026, 10, 1), date(2026, 10, 31), 2, 2,
                           None, 3)
    manage.draw(OPERATOR, "C1")
    for n, row in enumerate(manage.questionnaire_rows(OPERATOR, "C1")):
        complete_questionnaire("C1", row["questionnaire"], {"A2.3.1": 5 if n % 2 else 3, "X.4": 1},
                               submitted_at=datetime(2026, 10, 2, tzinfo=timezone.utc))
    db.session.commit()
    return c1, c2


def test_estimates_for_home_affairs_and_a_commune_manager(app, client, login_as, monkeypatch):
    c1, c2 = _campaign()
    monkeypatch.setitem(app.config, "MIN_N", 1)
    assert client.get("/api/v1/campaigns/C1/estimates").status_code == 401
    login_as("homeaffairs", "22")
    body = client.get("/api/v1/campaigns/C1/estimates?by=commune").get_json()
    assert body["method_version"] == "sipas-design-1" and [r["unit_code"] for r in body["rows"]] == [c1, c2]
    assert body["rows"][0]["items"]["A2.3.1"]["se"] is not None
    assert client.get("/api/v1/campaigns/C1/estimates?by=nonsense").status_code == 422
    assert client.get("/api/v1/campaigns/NOPE/estimates").status_code == 404


def test_commune_manager_sees_only_its_commune(app, client, login_as, monkeypatch):
    c1, _ = _campaign()
    monkeypatch.setitem(app.config, "MIN_N", 1)
    login_as("manager", c1)
    body = client.get("/api/v1/campaigns/C1/estimates?by=commune").get_json()
    assert [r["unit_code"] for r in body["rows"]] == [c1]
