"""`survey schedule add|list|remove|run-due`: scheduled PDF summaries by e-mail (run-due from the systemd timer)."""
from __future__ import annotations

from datetime import date

import click
from flask import current_app

from survey.cli.common import audited, transactional
from survey.services.access.accounts import get_user
from survey.services.access.scope import OPERATOR
from survey.services.schedule import sending, subscriptions


@click.group("schedule")
def schedule_group() -> None:
    """Scheduled reports: subscriptions and sending what is due."""


@schedule_group.command("add")
@click.option("--user", "email", required=True, help="The recipient's e-mail (a Home Affairs or manager account).")
@click.option("--unit", "target", required=True, help="Unit, agency or service point code.")
@click.option("--instrument", default="SIPAS-1001", show_default=True)
@click.option("--frequency", type=click.Choice(["monthly", "quarterly"]), default="monthly", show_default=True)
@transactional
def add(email: str, target: str, instrument: str, frequency: str) -> None:
    """Subscribe an account to a place's summary (the account must be allowed to see the place)."""
    sub = subscriptions.subscribe(OPERATOR, get_user(email), target, instrument, frequency)
    audited("subscription.add", sub.target, user=email, instrument=instrument, frequency=frequency)
    click.echo(f"Subscription {sub.id}: {email} ← {sub.target} {instrument} {frequency}")


@schedule_group.command("list")
def list_subscriptions() -> None:
    """Active subscriptions."""
    for sub, email in subscriptions.with_recipients(subscriptions.visible_subscriptions(OPERATOR, None)):
        click.echo(f"{sub.id}\t{email}\t{sub.target}\t{sub.instrument}\t{sub.frequency}")


@schedule_group.command("remove")
@click.argument("sub_id", type=int)
@transactional
def remove(sub_id: int) -> None:
    """End a subscription."""
    sub = subscriptions.unsubscribe(OPERATOR, None, sub_id)
    audited("subscription.remove", sub.target, subscription=sub_id)
    click.echo(f"Subscription {sub_id} ended.")


@schedule_group.command("run-due")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Act as if today were this local date.")
def run_due(today) -> None:
    """Send every subscription's last complete month or quarter not sent yet (a second run sends nothing)."""
    if not current_app.config.get("MAIL_URL"):
        raise click.ClickException("SURVEY_MAIL_URL is not set: scheduled reports cannot be sent")
    day: date | None = today.date() if today else None
    result = sending.run_due(day, int(current_app.config.get("MIN_N", 30)))
    click.echo(f"sent {len(result.sent)}, refused {len(result.refused)}, failed {len(result.failed)}")
    if result.failed:
        raise SystemExit(1)


commands = [schedule_group]
