"""Append-only audit log of administrative acts, logins, exports and downloads."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base, utcnow


class AuditEntry(Base):
    """Who did what to which object, when (UTC), and how it ended."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))  # e-mail, "device:<id>" or "cli"
    action: Mapped[str] = mapped_column(String(60))
    object: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
