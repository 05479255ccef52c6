"""Alerts: one episode per burst (two evaluations, one alert, one e-mail), closed when it clears or is acknowledged."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from survey.errors import Forbidden, Invalid
from survey.extensions import db
from survey.models import Alert, AuditEntry
from survey.services.access.scope import scope_for
from survey.services.alerts import episodes, rules
from survey.services.responses import record_response
from tests.fixtures.factories import HOME_PROVINCE, commune_codes

NOON = datetime(2026, 2, 10, 5, 0)  # UTC: 12:00 in Viet Nam, a Tuesday


def _ratings(point: str, when: datetime, codes: list[int], comment: str | None = None) -> None:
    for i, q in enumerate(codes):
        answers: dict = {"Q": q}
        if comment and i == 0:
            answers["COMMENT"] = comment
        record_response({"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "service_point": point,
                         "submitted_at": when.isoformat() + "Z", "answers": answers}, channel="paper")
    db.session.commit()


@pytest.fixture
def place(app, make_service_point, make_user):
    a, b = commune_codes(HOME_PROVINCE, 2)
    point = make_service_point(unit=a)
    boss = make_user("homeaffairs", HOME_PROVINCE, email="boss@example.vn")
    manager = make_user("manager", a, email="manager.a@example.vn")
    manager.lang = "en"
    make_user("manager", b, email="manager.b@example.vn")
    db.session.commit()
    return {"a": a, "point": point, "boss": boss, "manager": manager}


def test_a_burst_of_low_ratings_fires_once_and_closes_when_it_clears(app, place, smtp_inbox):
    rules.add_rule(scope_for(place["boss"]), "low_ratings", HOME_PROVINCE,
                   {"hours": 2, "threshold": 50, "min_count": 10}, "boss@example.vn")
    db.session.commit()
    # 10 ratings in the last hour, 7 of them 1 or 2: 70 % > 50 % with n = 10.
    _ratings(place["point"].code, NOON - timedelta(minutes=30), [1, 1, 2, 2, 1, 2, 1, 5, 4, 5])
    first = episodes.run(NOON)
    second = episodes.run(NOON + timedelta(minutes=5))
    assert len(first.raised) == 1 and second.raised == [] and second.closed == []
    [alert] = db.session.scalars(select(Alert)).all()
    assert (alert.state, alert.subject) == ("open", f"unit:{place['point'].unit_id}")
    assert alert.evidence == {"unit_id": place["point"].unit_id, "low": 7, "total": 10, "share": 70.0,
                              "hours": 2, "threshold": 50}
    [mail] = smtp_inbox.messages()  # one e-mail, to commune A's manager only, in English
    assert mail.rcpt == ["manager.a@example.vn"] and mail["Content-Language"] == "en"
    assert "7 of 10 ratings in the last 2 hours were 1 or 2 (70.0 %" in mail.get_body(("plain",)).get_content()
    # Shown with its evidence to the manager and Home Affairs.
    assert [a.id for a, _ in episodes.open_alerts(scope_for(place["manager"]))] == [alert.id]
    assert [a.id for a, _ in episodes.open_alerts(scope_for(place["boss"]))] == [alert.id]
    # Three hours later the burst is out of the window: the episode closes.
    cleared = episodes.run(NOON + timedelta(hours=3))
    db.session.refresh(alert)
    assert cleared.closed == [alert.id] and (alert.state, alert.closed_by) == ("closed", "cleared")
    assert episodes.open_alerts(scope_for(place["boss"])) == []
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("alert.raise") == 1 and actions.count("alert.close") == 1


def test_below_the_minimum_count_or_threshold_nothing_fires(app, place, smtp_inbox):
    rules.add_rule(scope_for(place["boss"]), "low_ratings", place["a"], {"hours": 2, "threshold": 50,
                                                                         "min_count": 10}, "boss")
    _ratings(place["point"].code, NOON - timedelta(minutes=30), [1] * 9)  # 100 % but n = 9
    assert episodes.run(NOON).raised == []
    _ratings(place["point"].code, NOON - timedelta(minutes=20), [5] * 9)  # n = 18, 50 %: not above 50 %
    assert episodes.run(NOON).raised == [] and smtp_inbox.envelopes == []


def test_acknowledged_stays_closed_until_the_condition_clears(app, place, smtp_inbox):
    rules.add_rule(scope_for(place["boss"]), "low_ratings", place["a"], {"hours": 2, "threshold": 50,
                                                                         "min_count": 5}, "boss")
    _ratings(place["point"].code, NOON - timedelta(minutes=30), [1] * 5)
    [alert_id] = episodes.run(NOON).raised
    episodes.acknowledge(scope_for(place["manager"]), alert_id, "manager.a@example.vn")
    db.session.commit()
    assert episodes.run(NOON + timedelta(minutes=5)).raised == []  # still low: the same, acknowledged episode
    episodes.run(NOON + timedelta(hours=3))  # cleared
    _ratings(place["point"].code, NOON + timedelta(hours=4), [2] * 5)
    assert len(episodes.run(NOON + timedelta(hours=4, minutes=10)).raised) == 1  # a new episode


def test_kiosk_silent_in_opening_hours_and_outbox_growing(app, place, make_device):
    scope = scope_for(place["boss"])
    rules.add_rule(scope, "kiosk_silent", place["a"], {"minutes": 60}, "boss")
    rules.add_rule(scope, "outbox_growing", place["a"], {"min_queue": 5}, "boss")
    device, _token = make_device(place["point"].code)
    device.enrolled_at = NOON - timedelta(days=3)
    device.last_seen_at = NOON - timedelta(hours=2)  # 10:00 local: silent since, opened 07:30
    device.queue_length = 6
    db.session.commit()
    first = episodes.run(NOON, send_mail=False)
    kinds = {a.subject for a in db.session.scalars(select(Alert))}
    assert kinds == {f"point:{place['point'].id}"} and len(first.raised) == 1  # no growth seen yet
    device.queue_length = 9
    db.session.commit()
    episodes.run(NOON + timedelta(minutes=5), send_mail=False)
    assert {a.subject for a in db.session.scalars(select(Alert))} == {f"point:{place['point'].id}",
                                                                      f"device:{device.id}"}
    # 18:00 local on the same day: outside opening hours the silence is not judged (nor closed).
    evening = episodes.run(NOON + timedelta(hours=6), send_mail=False)
    assert f"point:{place['point'].id}" in {a.subject for a in db.session.scalars(
        select(Alert).where(Alert.state == "open"))} and evening.raised == []
    device.last_seen_at, device.queue_length = NOON + timedelta(hours=6), 0
    db.session.commit()
    closed = episodes.run(NOON + timedelta(hours=6, minutes=5), send_mail=False)
    assert len(closed.closed) == 1  # the outbox drained; the kiosk's silence waits for opening hours


def test_comment_words_accent_insensitive(app, place):
    rules.add_rule(scope_for(place["boss"]), "comment_words", place["a"], {"words": "hối lộ, tiêu cực"}, "boss")
    now = datetime.utcnow().replace(microsecond=0)
    _ratings(place["point"].code, now - timedelta(minutes=5), [1], comment="Can bo doi HOI LO moi lam")
    _ratings(place["point"].code, now - timedelta(minutes=5), [1], comment="Phục vụ tốt, lộ trình rõ")
    raised = episodes.run(now + timedelta(minutes=1), send_mail=False).raised
    [alert] = db.session.scalars(select(Alert)).all()
    assert raised == [alert.id] and alert.evidence["words"] == ["hoi lo"] and alert.subject.startswith("comment:")
    assert episodes.run(now + timedelta(minutes=2), send_mail=False).raised == []


def test_rule_checks_and_cli(app, place, runner):
    manager_scope = scope_for(place["manager"])
    with pytest.raises(Forbidden):
        rules.add_rule(manager_scope, "low_ratings", place["a"], {}, "m")
    with pytest.raises(Invalid) as bad:
        rules.add_rule(scope_for(place["boss"]), "low_ratings", place["a"], {"threshold": "150"}, "boss")
    assert bad.value.errors[0]["field"] == "threshold"
    with pytest.raises(Invalid) as words:
        rules.add_rule(scope_for(place["boss"]), "comment_words", place["a"], {"words": " , "}, "boss")
    assert words.value.errors[0]["field"] == "words"
    ok = runner.invoke(args=["alerts", "add-rule", "--kind", "low_ratings", "--unit", place["a"], "-p", "hours=3"])
    assert ok.exit_code == 0 and "'hours': 3" in ok.output
    refused = runner.invoke(args=["alerts", "add-rule", "--kind", "low_ratings", "--unit", place["a"], "-p",
                                  "min_count=0"])
    assert refused.exit_code != 0 and "min_count" in refused.output
    ran = runner.invoke(args=["alerts", "run"])
    assert ran.exit_code == 0 and "raised 0, closed 0" in ran.output


def _client(app, user):
    from survey.auth.session import session_keys

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session.update(session_keys(user))
    return client


def test_screens_dashboard_panel_and_acknowledgement(app, place, make_user):
    boss = _client(app, place["boss"])
    form = {"kind": "low_ratings", "unit": place["a"], "hours": "2", "threshold": "50", "min_count": "5"}
    assert boss.post("/alerts/rules", data=form).status_code == 303
    bad = boss.post("/alerts/rules", data={**form, "threshold": "abc"})
    assert bad.status_code == 422 and "threshold" in bad.get_data(as_text=True)
    assert _client(app, place["manager"]).post("/alerts/rules", data=form).status_code == 403
    now = datetime.utcnow().replace(microsecond=0)
    _ratings(place["point"].code, now - timedelta(minutes=10), [1] * 5)
    [alert_id] = episodes.run(now, send_mail=False).raised
    overview = boss.get("/dashboard/?instrument=KIOSK-QUICK").get_data(as_text=True)
    assert 'id="alerts-panel"' in overview and "5 trong 5 đánh giá trong 2 giờ qua ở mức 1 hoặc 2" in overview
    page = _client(app, place["manager"]).get("/alerts/").get_data(as_text=True)
    assert f'/alerts/{alert_id}/ack' in page
    other = make_user("manager", commune_codes(HOME_PROVINCE, 2)[1])
    assert _client(app, other).post(f"/alerts/{alert_id}/ack").status_code == 404
    assert _client(app, place["manager"]).post(f"/alerts/{alert_id}/ack").status_code == 303
    alert = db.session.get(Alert, alert_id)
    db.session.refresh(alert)
    assert (alert.state, alert.closed_by) == ("closed", "manager.a@example.vn")
    assert 'id="alerts-panel"' not in boss.get("/dashboard/?instrument=KIOSK-QUICK").get_data(as_text=True)
