"""`survey instruments …`: load the official questionnaires."""
from __future__ import annotations

import click

from survey.cli.common import transactional
from survey.services import instruments


@click.group("instruments")
def instruments_group() -> None:
    """Instruments (questionnaires) and their versions."""


@instruments_group.command("load")
@transactional
def load() -> None:
    """Load the official instruments shipped with the package (idempotent)."""
    for code, outcome in instruments.load_official_instruments().items():
        click.echo(f"{code}: {outcome}")


commands = [instruments_group]
