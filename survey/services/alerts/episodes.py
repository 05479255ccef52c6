"""`survey alerts run`: evaluate every rule, raise one alert per episode, close cleared ones, e-mail managers."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey.errors import DomainError, NotFound
from survey.extensions import db
from survey.models import Alert, AlertRule, Unit, User
from survey.models.base import utcnow
from survey.services.access import audit
from survey.services.access.scope import Scope, require, scope_for
from survey.services.alerts import conditions

log = logging.getLogger(__name__)
CLEARED = "cleared"
SELF_CLOSING = ("low_ratings", "kiosk_silent", "outbox_growing")  # a flagged comment stays until acknowledged


@dataclass
class RunResult:
    """Alert ids raised, closed and e-mailed by one run."""

    raised: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    notified: list[int] = field(default_factory=list)


def _found(rule: AlertRule, now: datetime, open_subjects: set[str]) -> dict | None:
    if rule.kind == "outbox_growing":
        return conditions.outbox_growing(rule, now, open_subjects)
    return getattr(conditions, rule.kind)(rule, now)


def _latest(rule_id: int, subject: str) -> Alert | None:
    return db.session.scalar(select(Alert).where(Alert.rule_id == rule_id, Alert.subject == subject)
                             .order_by(Alert.id.desc()).limit(1))


def evaluate_rule(rule: AlertRule, now: datetime, result: RunResult) -> None:
    """One rule: new episodes opened, cleared ones closed (the caller commits)."""
    open_alerts = {a.subject: a for a in db.session.scalars(
        select(Alert).where(Alert.rule_id == rule.id, Alert.state == "open"))}
    found = _found(rule, now, set(open_alerts))
    if found is None:
        return  # cannot be judged now: episodes stay as they are
    for subject, evidence in found.items():
        if subject in open_alerts:
            continue
        last = _latest(rule.id, subject)
        if last is not None and last.closed_by != CLEARED and "cleared_at" not in last.evidence:
            continue  # acknowledged, and the condition never cleared since: the same episode
        alert = Alert(rule_id=rule.id, subject=subject, unit_id=evidence["unit_id"],
                      agency_id=evidence.get("agency_id"), state="open", evidence=evidence, opened_at=now)
        db.session.add(alert)
        db.session.flush()
        result.raised.append(alert.id)
        audit.record("alerts", "alert.raise", subject, rule=rule.id, kind=rule.kind, alert=alert.id)
    if rule.kind not in SELF_CLOSING:
        return
    for subject, alert in open_alerts.items():
        if subject not in found:
            alert.state, alert.closed_at, alert.closed_by = "closed", now, CLEARED
            result.closed.append(alert.id)
            audit.record("alerts", "alert.close", subject, rule=rule.id, kind=rule.kind, alert=alert.id)
    for alert in db.session.scalars(select(Alert).where(Alert.rule_id == rule.id, Alert.state == "closed",
                                                        Alert.closed_by != CLEARED)):
        if alert.subject not in found and "cleared_at" not in alert.evidence:
            alert.evidence = {**alert.evidence, "cleared_at": now.isoformat(timespec="seconds")}


def run(now: datetime | None = None, send_mail: bool = True) -> RunResult:
    """Evaluate every active rule (one transaction each), then e-mail the managers of alerts not yet notified."""
    now = now or utcnow()
    result = RunResult()
    rule_ids = list(db.session.scalars(select(AlertRule.id).where(AlertRule.active.is_(True)).order_by(AlertRule.id)))
    for rule_id in rule_ids:
        try:
            evaluate_rule(db.session.get(AlertRule, rule_id), now, result)
            db.session.commit()
        except IntegrityError:  # another run opened the same episode meanwhile: it is raised once, by that run
            db.session.rollback()
    if send_mail:
        notify_pending(now, result)
    return result


def managers_of(alert: Alert) -> list[User]:
    """Active managers whose scope covers the alert's place."""
    managers = db.session.scalars(select(User).where(User.role == "manager", User.active.is_(True)))
    return [u for u in managers if _sees(scope_for(u), alert)]


def notify_pending(now: datetime, result: RunResult) -> None:
    """E-mail each open, not yet notified alert to its managers, in their language; retried next run on failure."""
    from survey.services.mail.compose import alert_message
    from survey.services.mail.send import send

    pending = list(db.session.scalars(select(Alert).where(Alert.state == "open", Alert.notified_at.is_(None))))
    for alert in pending:
        rule = db.session.get(AlertRule, alert.rule_id)
        place = db.session.get(Unit, alert.unit_id).name
        try:
            for user in managers_of(alert):
                send(alert_message(user.email, user.lang, rule.kind, place, alert.evidence))
        except DomainError as exc:
            log.warning("alert %s not e-mailed: %s", alert.id, exc.code)
            db.session.rollback()
            return
        alert.notified_at = now
        db.session.commit()
        result.notified.append(alert.id)


def _sees(scope: Scope, alert: Alert) -> bool:
    if not scope.sees_unit(alert.unit_id):
        return False
    if scope.agency_ids is None:
        return True
    return alert.agency_id is not None and alert.agency_id in scope.agency_ids  # fail closed


def open_alerts(scope: Scope, limit: int = 20) -> list[tuple[Alert, AlertRule]]:
    """Open alerts the caller may see, newest first, with their rules (the dashboard's panel)."""
    require(scope, "alerts.read")
    stmt = select(Alert, AlertRule).join(AlertRule, AlertRule.id == Alert.rule_id).where(Alert.state == "open")
    rows = db.session.execute(stmt.order_by(Alert.opened_at.desc(), Alert.id.desc())).all()
    return [(a, r) for a, r in rows if _sees(scope, a)][:limit]


def acknowledge(scope: Scope, alert_id: int, actor: str) -> Alert:
    """A manager closes an open alert; it is not raised again until its condition has cleared."""
    require(scope, "alerts.acknowledge")
    alert = db.session.get(Alert, alert_id)
    if alert is None or not _sees(scope, alert):
        raise NotFound("unknown_alert", f"There is no alert {alert_id}", alert=alert_id)
    if alert.state == "open":
        alert.state, alert.closed_at, alert.closed_by = "closed", utcnow(), actor[:200]
        audit.record(actor, "alert.acknowledge", alert.subject, alert=alert.id)
    return alert
