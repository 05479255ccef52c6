"""`survey instruments …`: load the official questionnaires, import, check, publish and show definitions."""
from __future__ import annotations

import json
import sys

import click

from survey.cli.common import audited, transactional
from survey.errors import Invalid
from survey.instruments.describe import describe
from survey.instruments.validate import definition_errors
from survey.services.instruments import versions as instruments
from survey.services.access.scope import OPERATOR


def _read(path: str) -> dict:
    """A definition file, or a clear CLI error when it is not JSON."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{path}: not a readable JSON file ({exc})") from None


@click.group("instruments")
def instruments_group() -> None:
    """Instruments (questionnaires) and their versions."""


@instruments_group.command("load")
@transactional
def load() -> None:
    """Load the official instruments shipped with the package (idempotent)."""
    for code, outcome in instruments.load_official_instruments().items():
        click.echo(f"{code}: {outcome}")


@instruments_group.command("list")
def list_versions() -> None:
    """Every instrument and version with its status."""
    for instrument in instruments.visible_instruments(OPERATOR):
        for version in instrument.versions:
            kind = "official" if instrument.official else "own"
            click.echo(f"{instrument.code}\tv{version.version}\t{version.status}\t{kind}\t{instrument.name_vi}")


@instruments_group.command("validate")
@click.argument("path", type=click.Path(dir_okay=False))
def validate(path: str) -> None:
    """Check a definition file; prints every problem and exits 1 when there is one."""
    errors = definition_errors(_read(path))
    for error in errors:
        click.echo(f"{error['field']}: {error['code']}: {error['message']}")
    if errors:
        sys.exit(1)
    click.echo("valid")


@instruments_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--publish", is_flag=True, help="Publish at once (it can never change afterwards).")
@click.option("--official", is_flag=True, help="A Ministry instrument (e.g. a new version from the annex).")
@transactional
def import_definition(path: str, publish: bool, official: bool) -> None:
    """Store a definition file as a new version (a draft unless --publish)."""
    document = _read(path)
    outcome = instruments.store_version(document, official=official, publish=publish)
    audited("instrument.import", f"{document['code']} v{document['version']}", result=str(outcome), publish=publish)
    click.echo(f"{document['code']} v{document['version']}: {outcome}")


@instruments_group.command("publish")
@click.argument("code")
@click.argument("number", type=int)
@transactional
def publish(code: str, number: int) -> None:
    """Publish a draft version: responses may use it, and it never changes again."""
    instruments.publish_draft(instruments.get_version(code, number))
    audited("instrument.publish", f"{code} v{number}")
    click.echo(f"{code} v{number}: published")


@instruments_group.command("show")
@click.argument("code")
@click.option("--version", "number", type=int, help="Default: the current published version.")
@transactional
def show(code: str, number: int | None) -> None:
    """A version as JSON: sections, index shape, items with codes and routing (as GET /api/v1/instruments)."""
    version = instruments.current_version(code, number)
    try:
        body = describe(instruments.definition_of(version))
    except Invalid as exc:
        body = {"code": code, "version": version.version, "errors": exc.errors}
    click.echo(json.dumps(body, ensure_ascii=False, indent=1))


commands = [instruments_group]
