"""`survey alerts add-rule|rules|remove-rule|run|ack|list` (run from the systemd timer every few minutes)."""
from __future__ import annotations

import click
from flask import current_app

from survey.cli.common import actor, audited, transactional
from survey.services.access.scope import OPERATOR
from survey.services.alerts import episodes, rules
from survey.models.jobs import ALERT_KINDS


def _params(pairs: tuple[str, ...]) -> dict:
    out: dict = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} is not key=value", param_hint="-p")
        out[key.strip()] = value.strip()
    return out


@click.group("alerts")
def alerts_group() -> None:
    """Alerts on low ratings, silent kiosks and flagged comments: rules, evaluation, acknowledgement."""


@alerts_group.command("add-rule")
@click.option("--kind", type=click.Choice(ALERT_KINDS), required=True)
@click.option("--unit", required=True, help="Province or commune code (the rule covers what lies under it).")
@click.option("-p", "--param", "pairs", multiple=True,
              help="key=value: hours, threshold, min_count, minutes, open_from, open_to, days, min_queue, words.")
@transactional
def add_rule(kind: str, unit: str, pairs: tuple[str, ...]) -> None:
    """Add an alert rule."""
    rule = rules.add_rule(OPERATOR, kind, unit, _params(pairs), actor())
    audited("alert_rule.add", unit, kind=kind, rule=rule.id)
    click.echo(f"Rule {rule.id}: {kind} on {unit} {rule.params}")


@alerts_group.command("rules")
def list_rules() -> None:
    """Active rules."""
    for rule in rules.visible_rules(OPERATOR):
        shown = {k: v for k, v in rule.params.items() if not k.startswith("_")}
        click.echo(f"{rule.id}\t{rule.kind}\tunit {rule.unit_id}\t{shown}")


@alerts_group.command("remove-rule")
@click.argument("rule_id", type=int)
@transactional
def remove_rule(rule_id: int) -> None:
    """Stop a rule."""
    rules.remove_rule(OPERATOR, rule_id)
    audited("alert_rule.remove", str(rule_id))
    click.echo(f"Rule {rule_id} stopped.")


@alerts_group.command("run")
def run() -> None:
    """Evaluate every rule now: raise new episodes, close cleared ones, e-mail managers."""
    result = episodes.run(send_mail=bool(current_app.config.get("MAIL_URL")))
    click.echo(f"raised {len(result.raised)}, closed {len(result.closed)}, e-mailed {len(result.notified)}")


@alerts_group.command("list")
def list_open() -> None:
    """Open alerts."""
    for alert, rule in episodes.open_alerts(OPERATOR, limit=1000):
        click.echo(f"{alert.id}\t{rule.kind}\t{alert.subject}\t{alert.opened_at:%Y-%m-%d %H:%M}\t{alert.evidence}")


@alerts_group.command("ack")
@click.argument("alert_id", type=int)
@transactional
def ack(alert_id: int) -> None:
    """Acknowledge (close) an alert."""
    episodes.acknowledge(OPERATOR, alert_id, actor())
    click.echo(f"Alert {alert_id} acknowledged.")


commands = [alerts_group]
