"""`survey schedule run-due`: each subscription's last complete period, sent exactly once, in the recipient's
language and scope, through the same services as the dashboard's PDF."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey.errors import DomainError
from survey.extensions import db
from survey.models import ReportSending, ReportSubscription, User
from survey.services.access import audit
from survey.services.access.scope import scope_for

log = logging.getLogger(__name__)
LOCAL = timezone(timedelta(hours=7))  # periods are local dates (Asia/Ho_Chi_Minh)
ACTION = "report.send"


def local_today() -> date:
    """Today's date in Viet Nam."""
    return datetime.now(LOCAL).date()


def due_period(frequency: str, today: date) -> str:
    """The last complete month or quarter before `today` (what a run on that day sends)."""
    first = today.replace(day=1)
    if frequency == "monthly":
        last = first - timedelta(days=1)
        return f"{last.year}-{last.month:02d}"
    quarter_start = first.replace(month=(first.month - 1) // 3 * 3 + 1)
    last = quarter_start - timedelta(days=1)
    return f"{last.year}-Q{(last.month - 1) // 3 + 1}"


@dataclass
class RunResult:
    """What a run did, by subscription id."""

    sent: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def run_due(today: date | None = None, min_n: int = 30) -> RunResult:
    """Send every active subscription's due period that has no sending yet; each in its own transaction."""
    today = today or local_today()
    result = RunResult()
    subs = list(db.session.execute(select(ReportSubscription.id, ReportSubscription.frequency)
                                   .where(ReportSubscription.active.is_(True)).order_by(ReportSubscription.id)))
    db.session.rollback()
    for sub_id, frequency in subs:
        period = due_period(frequency, today)
        outcome = _send_one(sub_id, period, min_n)
        if outcome is not None:
            getattr(result, outcome).append(sub_id)
    return result


def _claim(sub_id: int, period: str, outcome: str) -> bool:
    """Insert the period's sending row, the transaction's first write; False (rolled back) when another run has it:
    the unique row makes sending once. No savepoint: SQLite's driver would commit it on release."""
    try:
        db.session.add(ReportSending(subscription_id=sub_id, period=period, outcome=outcome))
        db.session.flush()
        return True
    except IntegrityError:
        db.session.rollback()
        return False


def _send_one(sub_id: int, period: str, min_n: int) -> str | None:
    """Claim, build and send one subscription's period; None when it was sent before."""
    from survey.reports.pdf import render_unit_summary
    from survey.services.mail.compose import report_message
    from survey.services.mail.send import send
    from survey.services.reports.unit import unit_summary

    sub = db.session.get(ReportSubscription, sub_id)
    if db.session.scalar(select(ReportSending.id).where(ReportSending.subscription_id == sub_id,
                                                        ReportSending.period == period)) is not None:
        db.session.rollback()
        return None
    user = db.session.get(User, sub.user_id)
    details = {"subscription": sub_id, "period": period, "instrument": sub.instrument, "to": user.email}
    try:
        if not user.active:
            raise DomainError("recipient_inactive", "The recipient's account is disabled")
        # The recipient's own scope, as on their dashboard: a place they may no longer see is refused here.
        summary = unit_summary(scope_for(user), sub.target, period, sub.instrument, None, min_n)
    except DomainError as exc:
        db.session.rollback()
        if _claim(sub_id, period, "refused"):
            audit.record("schedule", ACTION, sub.target, outcome="denied", error=exc.code, **details)
        db.session.commit()
        return "refused"
    if not _claim(sub_id, period, "sent"):
        return None
    lang = user.lang if user.lang in ("vi", "en") else "vi"
    name = f"bao-cao-{summary.unit_code}-{summary.period}-{lang}.pdf"
    try:
        pdf = render_unit_summary(summary, lang)
        send(report_message(user.email, lang, summary.unit_name, summary.period, pdf, name))
    except DomainError as exc:
        # Nothing went out: drop the claim so the next run tries again, and say so in the log.
        db.session.rollback()
        log.warning("scheduled report %s for %s failed: %s", sub_id, period, exc.code)
        audit.record("schedule", ACTION, sub.target, outcome="failed", error=exc.code, **details)
        db.session.commit()
        return "failed"
    audit.record("schedule", ACTION, sub.target, n=summary.n, suppressed=summary.suppressed, **details)
    db.session.commit()
    return "sent"
