"""`survey quality`: the quality flags of kiosk, online and paper ratings (methodology §9)."""
from __future__ import annotations

from datetime import date

import click

from survey.cli.common import transactional
from survey.services.access.scope import OPERATOR
from survey.services.quality import settings
from survey.services.quality.scan import scan


@click.group("quality")
def quality_group() -> None:
    """Quality flags: scan stored responses, thresholds, opening hours."""


@quality_group.command("scan")
@click.option("--province", help="Only this province (2-digit code).")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First local date (YYYY-MM-DD).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last local date (YYYY-MM-DD).")
@transactional
def scan_command(province: str | None, start, end) -> None:
    """Recompute every flag of the stored responses in range (bursts and repeated comments included)."""
    first: date | None = start.date() if start else None
    last: date | None = end.date() if end else None
    if first and last and first > last:
        raise click.UsageError("--from is after --to")
    result = scan(OPERATOR, province, first, last)
    click.echo(f"{result.read} responses read, {result.changed} changed.")
    for name, count in sorted(result.reasons.items()):
        click.echo(f"  {name}: {count}")


@quality_group.command("settings")
@click.option("--province", required=True, help="Province code, e.g. 22.")
@click.option("--set", "pairs", multiple=True, metavar="NAME=VALUE", help="Change a threshold, e.g. burst_count=30.")
@transactional
def settings_command(province: str, pairs: tuple[str, ...]) -> None:
    """Show (and with --set change) a province's quality thresholds."""
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.UsageError(f"--set {pair!r}: expected NAME=VALUE")
        values[name.strip()] = value.strip()
    shown = settings.set_thresholds(OPERATOR, province, values, actor="cli") if values else \
        settings.get_thresholds(OPERATOR, province)
    for name, value in vars(shown).items():
        click.echo(f"{name}: {value}")


@quality_group.command("hours")
@click.argument("service_point")
@click.argument("hours", required=False)
@transactional
def hours_command(service_point: str, hours: str | None) -> None:
    """Set a service point's opening hours ("mon-fri 07:30-17:00; sat 07:30-11:30"); none: the province's."""
    value = settings.set_opening_hours(OPERATOR, service_point, hours, actor="cli")
    click.echo(f"{service_point}: {value or 'province default'}")


commands = [quality_group]
