"""`survey units …`: load today's units, import legacy ones, search."""
from __future__ import annotations

from pathlib import Path

import click

from survey.cli.common import audited, transactional
from survey.services.organisation import legacy
from survey.services.organisation import units


@click.group("units")
def units_group() -> None:
    """Geographic units: provinces, communes, legacy districts."""


@units_group.command("load")
@click.option("--province", help="Only this province (2-digit code), e.g. 22.")
@transactional
def load(province: str | None) -> None:
    """Load the 34 provinces and 3,321 communes (official codes) from vietnam-provinces."""
    added = units.load_current_units(province)
    click.echo(f"Units loaded: {added['province']} new provinces, {added['commune']} new communes.")


@units_group.command("import-legacy")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@transactional
def import_legacy(file: Path) -> None:
    """Import pre-July-2025 province/district/commune units and their successors (all or nothing)."""
    result = legacy.import_legacy_csv(file.read_bytes())
    audited("units.import_legacy", file.name, **result)
    click.echo("Legacy units imported: {province} provinces, {district} districts, {commune} communes, "
               "{successions} crosswalk links.".format(**result))


@units_group.command("search")
@click.argument("query")
@click.option("--province")
@click.option("--level", type=click.Choice(["province", "district", "commune"]))
def search(query: str, province: str | None, level: str | None) -> None:
    """Find units by code or name, accents optional ("Ha Long" finds "Hạ Long")."""
    for unit in units.search_units(query, province, level, limit=50):
        click.echo(f"{unit.code}\t{unit.level}\t{unit.name}")


commands = [units_group]
