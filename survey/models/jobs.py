"""Background work and what it leads to: jobs, report subscriptions and their sendings, alert rules and alerts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from survey.models.base import Base, utcnow

JOB_STATES = ("queued", "running", "done", "failed")
FREQUENCIES = ("monthly", "quarterly")
ALERT_KINDS = ("low_ratings", "kiosk_silent", "outbox_growing", "comment_words")
ALERT_STATES = ("open", "closed")


class Job(Base):
    """A long piece of work (a province's PDFs, an export) run outside the request, for one requester's scope."""

    __tablename__ = "jobs"
    __table_args__ = (CheckConstraint(f"state IN {JOB_STATES}", name="state"),
                      CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
                      Index("ix_jobs_state", "state"), Index("ix_jobs_expires_at", "expires_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)  # in URLs: not guessable, not countable
    kind: Mapped[str] = mapped_column(String(40))
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(200))  # e-mail or "cli", for the audit log
    scope: Mapped[dict] = mapped_column(JSON)  # {role, unit_ids, agency_ids} the work runs with
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    lang: Mapped[str] = mapped_column(String(5), default="vi")
    # Who holds it while queued: "thread" (a web process's own pool), "cli" (a `survey jobs start` process) or
    # "rq" (Redis); a thread or CLI job no live process beats any more was lost with that process (store.reap_stale).
    runner: Mapped[str | None] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    # Every whole percent the work reported, in order, then 100 (migration 0018): how the bar moved, not only
    # where it ended. At most ~101 small numbers; rewritten whole with each beat that carries progress.
    progress_steps: Mapped[list | None] = mapped_column(JSON, default=list)
    result_path: Mapped[str | None] = mapped_column(String(500))
    result_name: Mapped[str | None] = mapped_column(String(200))
    error_code: Mapped[str | None] = mapped_column(String(60))
    error_params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)


class ReportSubscription(Base):
    """A staff member's standing order for a unit's PDF summary every month or quarter."""

    __tablename__ = "report_subscriptions"
    __table_args__ = (CheckConstraint(f"frequency IN {FREQUENCIES}", name="frequency"),
                      UniqueConstraint("user_id", "target", "instrument", "frequency"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(60))  # unit, agency or service point code
    instrument: Mapped[str] = mapped_column(String(40))
    frequency: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ReportSending(Base):
    """One period's sending of a subscription; unique, so a second run of the same period sends nothing."""

    __tablename__ = "report_sendings"
    __table_args__ = (UniqueConstraint("subscription_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("report_subscriptions.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))  # sent | failed
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AlertRule(Base):
    """A condition Home Affairs watches in a unit or province (and what lies under it)."""

    __tablename__ = "alert_rules"
    __table_args__ = (CheckConstraint(f"kind IN {ALERT_KINDS}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # hours, threshold, min_count, minutes, words…
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Alert(Base):
    """One episode of a rule's condition for one subject (a unit, a service point, a comment)."""

    __tablename__ = "alerts"
    __table_args__ = (CheckConstraint(f"state IN {ALERT_STATES}", name="state"),
                      # At most one open episode per rule and subject: raised once, not every run.
                      Index("uq_alerts_open", "rule_id", "subject", unique=True,
                            sqlite_where=text("state = 'open'"), postgresql_where=text("state = 'open'")))

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("alert_rules.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(60))  # "unit:<id>", "point:<id>", "comment:<id>"
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))  # where it happened, for scope
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    state: Mapped[str] = mapped_column(String(10), default="open")
    evidence: Mapped[dict] = mapped_column(JSON, default=dict)
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[str | None] = mapped_column(String(200))  # "cleared" or the acknowledging manager
