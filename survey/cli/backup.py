"""`survey backup FILE` and `survey restore FILE`: one consistent snapshot of every table, checked both ways."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from survey.cli.common import actor, transactional
from survey.services.access import audit
from survey.services.operations import backup, restore
from survey.services.operations.manifest import open_archive, read_manifest, verify_files


def _progress(table: str, rows: int) -> None:
    click.echo(f"  {table}: {rows} rows", err=True)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@transactional
def backup_command(file: Path) -> None:
    """Write one snapshot of every table to FILE (a zip of JSON lines with a manifest), then check the file.

    Written beside FILE and renamed into place only once checked: a failed backup leaves no partial file."""
    click.echo(f"Backing up to {file} …", err=True)
    handle, partial = tempfile.mkstemp(prefix=".backup-", suffix=".zip", dir=file.parent.resolve())
    try:
        with os.fdopen(handle, "wb") as out:
            counts = backup.dump(out, _progress)
        with open(partial, "rb") as written, open_archive(written) as archive:
            verify_files(archive, read_manifest(archive))  # every table's file reads back whole
        os.replace(partial, file)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    rows, size = sum(counts.values()), file.stat().st_size
    audit.record(actor(), "backup", file.name, tables=len(counts), rows=rows, bytes=size)
    click.echo(f"Backup written and checked: {len(counts)} tables, {rows} rows, {size} bytes in {file}.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@transactional
def restore_command(file: Path) -> None:
    """Load FILE into this empty database (run `survey db upgrade` on a new database first).

    The file is checked first (manifest, checksums, row counts), then every value and foreign key as it loads;
    any problem refuses the whole restore and writes nothing."""
    click.echo(f"Checking and restoring {file} …", err=True)
    with file.open("rb") as source:
        counts = restore.restore(source, _progress)
    audit.record(actor(), "restore", file.name, tables=len(counts), rows=sum(counts.values()))
    click.echo(f"Restored {sum(counts.values())} rows in {len(counts)} tables.")


commands = [backup_command, restore_command]
