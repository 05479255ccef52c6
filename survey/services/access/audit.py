"""The audit log: append-only entries (UTC time, actor, action, object, outcome) and the viewer's query.

Call `record(actor, action, obj, outcome, **details)` inside the transaction of the act itself, so the entry
commits or rolls back with it. Actors: a staff e-mail, "device:<id>", "cli:<os user>" or "anonymous". Never put answers,
comments or contact details in `details` (ASVS 16.2.5).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import String, cast, event, literal, select

from survey.errors import Forbidden
from survey.extensions import db
from survey.models import AuditEntry, Device, User
from survey.services.access.scope import Scope, require, visible_devices, visible_users

# Action names in use; others may add their own ("<object>.<verb>"), these are the shared vocabulary.
LOGIN, LOGIN_FAILED, LOGOUT, PASSWORD_CHANGE = "login", "login.failed", "logout", "password.change"
EXPORT, REPORT_DOWNLOAD = "export", "report.download"
OUTCOMES = ("ok", "failed", "denied", "locked")


def record(actor: str, action: str, obj: str = "", outcome: str = "ok", **details: object) -> AuditEntry:
    """Append an audit entry (flushed with the caller's transaction); long values are cut to the columns' sizes."""
    entry = AuditEntry(actor=(actor or "anonymous")[:200], action=action[:60], object=str(obj)[:200],
                       outcome=outcome[:20], details=details)
    db.session.add(entry)
    return entry


def search(scope: Scope, actor: str = "", action: str = "", since: date | None = None, until: date | None = None,
           limit: int = 100, offset: int = 0) -> list[AuditEntry]:
    """Entries newest first, filtered by actor (substring), action (prefix) and UTC dates (inclusive).

    A scoped caller sees the acts of the accounts and kiosks in its scope (including failed sign-ins typed
    with those accounts' e-mails); the operator's own acts ("cli") and attempts on unknown e-mails are seen
    by the operator only.
    """
    require(scope, "audit.read")
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if not scope.is_operator:
        devices = visible_devices(scope).with_only_columns(literal("device:") + cast(Device.id, String))
        stmt = stmt.where(AuditEntry.actor.in_(visible_users(scope).with_only_columns(User.email))
                          | AuditEntry.actor.in_(devices))
    if actor:
        stmt = stmt.where(AuditEntry.actor.contains(actor.strip().lower(), autoescape=True))
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action.strip(), autoescape=True))
    if since:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(since, time.min))
    if until:
        stmt = stmt.where(AuditEntry.at < datetime.combine(until + timedelta(days=1), time.min))
    return list(db.session.scalars(stmt.limit(limit).offset(offset)))


def actions() -> list[str]:
    """The distinct action names in use, for the viewer's filter."""
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _append_only(_mapper, _connection, entry: AuditEntry) -> None:
    """Entries are never changed or removed through the application (ASVS 16.4.2)."""
    raise Forbidden("audit_append_only", "Audit entries cannot be changed or deleted")
