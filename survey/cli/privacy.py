"""`survey privacy …`: retention purges and deletion of a person's contact details."""
from __future__ import annotations

import click
from flask import current_app

from survey.cli.common import actor, transactional
from survey.services.access import privacy


@click.group("privacy")
def privacy_group() -> None:
    """Respondents' privacy: retention and deletion."""


@privacy_group.command("purge-comments")
@click.option("--older-than", "days", type=click.IntRange(min=0),
              help="Days to keep comment text (default: config RETENTION_DAYS).")
@transactional
def purge_comments(days: int | None) -> None:
    """Erase the text of comments older than the retention period; counts and answers stay."""
    days = current_app.config["RETENTION_DAYS"] if days is None else days
    erased = privacy.purge_comments(actor(), days)
    click.echo(f"Erased the text of {erased} comment(s) older than {days} days; the comment rows are kept.")


@privacy_group.command("purge-contacts")
@click.option("--older-than", "days", type=click.IntRange(min=0),
              help="Days to keep contact details (default: config RETENTION_DAYS).")
@transactional
def purge_contacts(days: int | None) -> None:
    """Delete contact details given more than the retention period ago."""
    days = current_app.config["RETENTION_DAYS"] if days is None else days
    deleted = privacy.purge_contacts(actor(), days)
    click.echo(f"Deleted {deleted} contact record(s) older than {days} days.")


@privacy_group.command("delete-contact")
@click.option("--response", "client_id", required=True, help="The response's id (UUID).")
@transactional
def delete_contact(client_id: str) -> None:
    """Delete the contact details left with one response (a person's deletion request)."""
    deleted = privacy.delete_contact_of_response(actor(), client_id)
    click.echo(f"Deleted {deleted} contact record(s) of response {client_id}.")


commands = [privacy_group]
