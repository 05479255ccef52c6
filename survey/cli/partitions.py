"""`survey partitions`: the roll-up tallies' monthly partitions on PostgreSQL, made ahead of time (nightly)."""
from __future__ import annotations

import click

from survey.cli.common import transactional
from survey.services.storage import partitions


@click.command("partitions")
@click.option("--ahead", type=click.IntRange(0, 36), default=3, show_default=True,
              help="Also make the partitions of this many months after the current one.")
@click.option("--list", "listing", is_flag=True, help="Then list every partition with its rows and size.")
@transactional
def partitions_command(ahead: int, listing: bool) -> None:
    """Make the tallies' monthly partitions (PostgreSQL) up to --ahead months from now; nothing on SQLite.

    Rows of a month without its partition wait in the default partition and are moved into it here."""
    if not partitions.enabled():
        click.echo("This database does not partition the tallies (SQLite, or not migrated to 0020): nothing to do.")
        return
    made = partitions.ensure_current(ahead)
    click.echo(f"{len(made)} partitions made" + (f": {', '.join(made)}." if made else "."))
    if listing:
        for name, rows, size in partitions.summary():
            click.echo(f"  {name:<28}{rows:>12,} rows{size / 1e6:>10.1f} MB")


commands = [partitions_command]
