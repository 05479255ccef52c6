"""Helpers shared by commands: one transaction per command, domain errors as clear CLI errors."""
from __future__ import annotations

import getpass
from functools import wraps

import click

from survey.errors import DomainError, Invalid
from survey.extensions import db
from survey.services.access import audit


def actor() -> str:
    """Who acts from the command line, for the audit log: "cli:<operating-system user>"."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        name = "unknown"
    return f"cli:{name}"


def audited(action: str, obj: str = "", **details: object) -> None:
    """Write an administrative act of the command line to the audit log, as the web's are (same transaction)."""
    audit.record(actor(), action, obj, **details)


def transactional(command):
    """Commit once when the command succeeds; roll back and print the problem when it fails."""
    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            result = command(*args, **kwargs)
            db.session.commit()
            return result
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(describe(exc)) from None
    return wrapper


def describe(exc: DomainError) -> str:
    """A domain error as lines a person can act on."""
    lines = [exc.message]
    if isinstance(exc, Invalid):
        shown = exc.errors[:50]
        lines += [f"  - {e.get('field', '')}: {e['message']}" for e in shown]
        if len(exc.errors) > len(shown):
            lines.append(f"  … and {len(exc.errors) - len(shown)} more")
    return "\n".join(lines)


def print_secret(label: str, secret: str) -> None:
    """Print a secret alone on the last line, so scripts can `tail -n 1`."""
    click.echo(f"{label} (shown once; store it now):")
    click.echo(secret)
