"""`survey backup FILE` and `survey restore FILE`: a portable zip of every table, restorable on either database."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from survey.cli.common import transactional
from survey.services.access import audit
from survey.services.operations import backup


def _progress(table: str, rows: int) -> None:
    click.echo(f"  {table}: {rows} rows")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@transactional
def backup_command(file: Path) -> None:
    """Write every table to FILE (a zip of JSON lines), atomically: a failed backup leaves no partial file."""
    click.echo(f"Backing up to {file} …")
    handle, partial = tempfile.mkstemp(prefix=".backup-", suffix=".zip", dir=file.parent.resolve())
    try:
        with os.fdopen(handle, "wb") as out:
            counts = backup.dump(out, _progress)
        os.replace(partial, file)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    audit.record("cli", "backup", file.name, tables=len(counts), rows=sum(counts.values()))
    click.echo(f"Backup written: {sum(counts.values())} rows in {len(counts)} tables.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@transactional
def restore_command(file: Path) -> None:
    """Load FILE into this empty database (run `survey db upgrade` on a new database first)."""
    click.echo(f"Restoring {file} …")
    with file.open("rb") as source:
        counts = backup.restore(source, _progress)
    audit.record("cli", "restore", file.name, tables=len(counts), rows=sum(counts.values()))
    click.echo(f"Restored {sum(counts.values())} rows in {len(counts)} tables.")


commands = [backup_command, restore_command]
