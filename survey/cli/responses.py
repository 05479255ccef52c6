"""`survey responses import FILE.csv`: paper questionnaires in bulk, all or nothing, with a row-by-row report."""
from __future__ import annotations

import click

from survey.cli.common import actor, transactional
from survey.csvfile import decode
from survey.errors import Invalid
from survey.extensions import db
from survey.services.access import audit
from survey.services.responses.csv_import import ImportRejected, import_responses_csv


@click.group("responses")
def responses_group() -> None:
    """Responses: import paper questionnaires."""


@responses_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--channel", type=click.Choice(["paper", "interview"]), default="paper", show_default=True,
              help="Channel of rows that do not name one.")
@click.option("--dry-run", is_flag=True, help="Check every row and report, but store nothing.")
@click.option("--verbose", "-v", is_flag=True, help="One line per row, not only the problems.")
@transactional
def import_command(path: str, channel: str, dry_run: bool, verbose: bool) -> None:
    """Import FILE.csv: columns instrument, service_point, submitted_at, then one per item code (see README)."""
    with open(path, "rb") as handle:
        text = decode(handle.read())  # Invalid (a clear message, exit 1) when not UTF-8
    try:
        report = import_responses_csv(text, default_channel=channel)
    except ImportRejected as exc:
        for row in exc.report.rows:
            if row.status == "error" or verbose:
                _echo_row(row)
        raise Invalid(exc.errors, exc.message) from None
    if verbose:
        for row in report.rows:
            _echo_row(row)
    stored, unchanged = report.count("stored"), report.count("already_stored")
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {len(report.rows)} rows are valid ({stored} new, {unchanged} already stored); "
                   "nothing was stored.")
        return
    audit.record(actor(), "responses.import", path, rows=len(report.rows), stored=stored)
    click.echo(f"Imported {len(report.rows)} rows: {stored} stored, {unchanged} already stored.")


def _echo_row(row) -> None:
    if row.status == "error":
        problems = "; ".join(f"{e.get('field', '')}: {e['message']}" for e in row.errors)
        click.echo(f"line {row.line}: REFUSED — {problems}", err=True)
    else:
        click.echo(f"line {row.line}: {row.status.replace('_', ' ')} {row.id}")


commands = [responses_group]
