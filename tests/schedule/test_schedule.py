"""Scheduled reports: sent exactly once per period, to the right people, in their language, within their scope."""
from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

import pypdf
import pytest
from sqlalchemy import func, select

from survey.errors import NotFound
from survey.extensions import db
from survey.models import AuditEntry, ReportSending, ReportSubscription
from survey.services.access.scope import scope_for
from survey.services.schedule import sending, subscriptions
from tests.fixtures.factories import HOME_PROVINCE
from tests.services import report_data

APRIL = date(2026, 4, 2)  # the run's local day: quarterly → 2026-Q1, monthly → 2026-03


def _pdf_text(message) -> str:
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(attachment.get_content()))
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", " ".join(p.extract_text() for p in reader.pages)))


def client_for(app, user):
    """A test client signed in as `user` (with the session keys the user loader checks)."""
    from survey.auth.session import session_keys

    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session.update(session_keys(user))
    return client


def test_due_periods():
    assert sending.due_period("monthly", date(2026, 4, 2)) == "2026-03"
    assert sending.due_period("monthly", date(2026, 1, 31)) == "2025-12"
    assert sending.due_period("quarterly", date(2026, 4, 2)) == "2026-Q1"
    assert sending.due_period("quarterly", date(2026, 3, 31)) == "2025-Q4"
    assert sending.due_period("quarterly", date(2026, 1, 1)) == "2025-Q4"


def test_sent_exactly_once_in_each_recipients_language_and_scope(app, smtp_inbox, make_user, make_service_point,
                                                                 runner):
    data = report_data.build(make_service_point)
    boss = make_user("homeaffairs", HOME_PROVINCE, email="boss@example.vn")
    boss.lang = "vi"
    manager_a = make_user("manager", data.commune_a, email="a@example.vn")
    manager_a.lang = "en"
    manager_b = make_user("manager", data.commune_b, email="b@example.vn")
    db.session.commit()
    scope = scope_for(boss)
    subscriptions.subscribe(scope, boss, data.commune_a, "KIOSK-QUICK", "quarterly")
    subscriptions.subscribe(scope, manager_a, data.commune_a, "KIOSK-QUICK", "quarterly")
    subscriptions.subscribe(scope, manager_b, data.commune_b, "KIOSK-QUICK", "quarterly")
    # Manager B may not see commune A: the service refuses the subscription...
    with pytest.raises(NotFound):
        subscriptions.subscribe(scope, manager_b, data.commune_a, "KIOSK-QUICK", "quarterly")
    # ... and one left from before a move (a row written directly) is refused at sending time.
    db.session.add(ReportSubscription(user_id=manager_b.id, target=data.commune_a, instrument="KIOSK-QUICK",
                                      frequency="quarterly"))
    db.session.commit()

    result = runner.invoke(args=["schedule", "run-due", "--today", APRIL.isoformat()])
    assert result.exit_code == 0, result.output
    assert "sent 3, refused 1, failed 0" in result.output
    again = runner.invoke(args=["schedule", "run-due", "--today", APRIL.isoformat()])
    assert "sent 0, refused 0, failed 0" in again.output  # the same day: nothing more

    messages = {m.rcpt[0] + " " + m["Subject"]: m for m in smtp_inbox.messages()}
    assert len(smtp_inbox.envelopes) == 3
    boss_mail = next(m for k, m in messages.items() if k.startswith("boss@"))
    a_mail = next(m for k, m in messages.items() if k.startswith("a@"))
    b_mails = [m for k, m in messages.items() if k.startswith("b@")]
    assert boss_mail["Subject"].startswith("Báo cáo mức độ hài lòng:") and boss_mail["Content-Language"] == "vi"
    assert a_mail["Subject"].startswith("Satisfaction report:") and a_mail["Content-Language"] == "en"
    assert "2026-Q1" in a_mail["Subject"]
    # Only commune B's own summary reached manager B, and its 10 responses are a suppressed cell (min n 30).
    [b_mail] = b_mails
    b_pdf = _pdf_text(b_mail)
    assert data.commune_b in b_pdf and data.commune_a not in b_pdf
    assert "100.0" not in b_pdf and "100,0" not in b_pdf  # all ten answered 5: the hidden index would be 100
    # Commune A, 40 answers, 30 satisfied: 75.0 % in English, 75,0 % in Vietnamese.
    assert "75.0" in _pdf_text(a_mail) and "75,0" in _pdf_text(boss_mail)

    assert db.session.scalar(select(func.count()).select_from(ReportSending)) == 4
    entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.send")))
    assert sorted(e.outcome for e in entries) == ["denied", "ok", "ok", "ok"]
    denied = next(e for e in entries if e.outcome == "denied")
    assert denied.details["to"] == "b@example.vn" and denied.object == data.commune_a
    assert {e.details["period"] for e in entries} == {"2026-Q1"}


def test_a_failed_sending_is_retried_and_no_mail_setting_is_a_clear_error(app, smtp_inbox, make_user,
                                                                        make_service_point, runner, monkeypatch):
    data = report_data.build(make_service_point)
    boss = make_user("homeaffairs", HOME_PROVINCE, email="boss@example.vn")
    subscriptions.subscribe(scope_for(boss), boss, data.commune_a, "KIOSK-QUICK", "monthly")
    db.session.commit()
    from tests.fixtures.smtp import free_port

    working = app.config["MAIL_URL"]
    monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{free_port()}?timeout=5")
    failed = runner.invoke(args=["schedule", "run-due", "--today", "2026-03-05"])
    assert failed.exit_code == 1 and "failed 1" in failed.output
    assert db.session.scalar(select(func.count()).select_from(ReportSending)) == 0
    monkeypatch.setitem(app.config, "MAIL_URL", working)
    retried = runner.invoke(args=["schedule", "run-due", "--today", "2026-03-05"])
    assert "sent 1," in retried.output and len(smtp_inbox.envelopes) == 1
    assert "2026-02" in smtp_inbox.messages()[0]["Subject"]
    monkeypatch.setitem(app.config, "MAIL_URL", "")
    unset = runner.invoke(args=["schedule", "run-due"])
    assert unset.exit_code != 0 and "SURVEY_MAIL_URL is not set" in unset.output


def test_subscription_rules(app, make_user, make_service_point, runner):
    data = report_data.build(make_service_point)
    viewer = make_user("viewer", data.commune_a)
    manager = make_user("manager", data.commune_a, email="m@example.vn")
    boss = make_user("homeaffairs", HOME_PROVINCE)
    from survey.errors import Forbidden, Invalid

    with pytest.raises(Forbidden):
        subscriptions.subscribe(scope_for(viewer), viewer, data.commune_a, "KIOSK-QUICK", "monthly")
    with pytest.raises(Invalid) as bad:
        subscriptions.subscribe(scope_for(boss), manager, data.commune_a, "KIOSK-QUICK", "weekly")
    assert bad.value.errors[0]["field"] == "frequency"
    # A manager cannot subscribe someone outside its scope (the boss's account lies above it).
    with pytest.raises(NotFound):
        subscriptions.subscribe(scope_for(manager), boss, data.commune_a, "KIOSK-QUICK", "monthly")
    ok = runner.invoke(args=["schedule", "add", "--user", "m@example.vn", "--unit", data.commune_a,
                             "--instrument", "KIOSK-QUICK"])
    assert ok.exit_code == 0, ok.output
    dup = runner.invoke(args=["schedule", "add", "--user", "m@example.vn", "--unit", data.commune_a,
                              "--instrument", "KIOSK-QUICK"])
    assert dup.exit_code != 0 and "exists already" in dup.output
    listed = runner.invoke(args=["schedule", "list"])
    assert f"m@example.vn\t{data.commune_a}\tKIOSK-QUICK\tmonthly" in listed.output


def test_subscription_screen(app, make_user, make_service_point):
    data = report_data.build(make_service_point)
    manager = make_user("manager", data.commune_a, email="m@example.vn")
    client = client_for(app, manager)
    form = {"target": data.commune_a, "instrument": "KIOSK-QUICK", "frequency": "quarterly"}
    assert client.post("/subscriptions/", data=form).status_code == 303
    assert client.post("/subscriptions/", data={**form, "target": data.commune_b}).status_code == 404
    bad = client.post("/subscriptions/", data={**form, "frequency": "daily"})
    assert bad.status_code == 422 and "frequency" in bad.get_data(as_text=True)
    page = client.get("/subscriptions/").get_data(as_text=True)
    assert "m@example.vn" in page and data.commune_a in page and data.commune_b not in page
    [sub] = db.session.scalars(select(ReportSubscription)).all()
    assert client.post(f"/subscriptions/{sub.id}/remove").status_code == 303
    db.session.refresh(sub)
    assert sub.active is False
    viewer = make_user("viewer", data.commune_a)
    assert client_for(app, viewer).get("/subscriptions/").status_code == 403
