"""Writing the audit log."""
from __future__ import annotations

from survey.extensions import db
from survey.models import AuditEntry


def record(actor: str, action: str, obj: str = "", outcome: str = "ok", **details: object) -> AuditEntry:
    """Append an audit entry (flushed with the caller's transaction)."""
    entry = AuditEntry(actor=actor, action=action, object=obj, outcome=outcome, details=details)
    db.session.add(entry)
    return entry
