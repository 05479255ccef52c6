"""`survey agencies …` and `survey service-points …`: create one, or many from CSV."""
from __future__ import annotations

from pathlib import Path

import click

from survey.cli.common import audited, transactional
from survey.csvfile import decode
from survey.models.agencies import AGENCY_KINDS
from survey.services.organisation import agencies


@click.group("agencies")
def agencies_group() -> None:
    """Agencies keyed by their electronic identifier (e.g. 000.21.22.H49)."""


@agencies_group.command("add")
@click.option("--code", required=True, help="Electronic identifier, e.g. 000.21.22.H49.")
@click.option("--name", required=True)
@click.option("--unit", required=True, help="Unit code (province or commune).")
@click.option("--parent", help="Parent agency's identifier.")
@click.option("--kind", type=click.Choice(AGENCY_KINDS), default="department", show_default=True)
@transactional
def add_agency(code: str, name: str, unit: str, parent: str | None, kind: str) -> None:
    """Create an agency."""
    agency = agencies.add_agency(code, name, unit, parent, kind)
    audited("agency.create", agency.code)
    click.echo(f"Agency {agency.code} created: {agency.name}")


@agencies_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@transactional
def import_agencies(file: Path) -> None:
    """Create agencies from a CSV (code,name,unit,parent,kind); any bad row imports nothing."""
    created = agencies.import_csv(decode(file.read_bytes()), 'agencies')
    audited("agencies.import", file.name, created=created)
    click.echo(f"{created} agencies created.")


@click.group("service-points")
def points_group() -> None:
    """Service points: centres and counters where citizens are served."""


@points_group.command("add")
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--agency", required=True, help="Owning agency's identifier.")
@click.option("--unit", required=True, help="Unit code where it stands.")
@click.option("--kind", type=click.Choice(["centre", "counter", "desk", "online"]), default="centre",
              show_default=True)
@transactional
def add_point(code: str, name: str, agency: str, unit: str, kind: str) -> None:
    """Create a service point."""
    point = agencies.add_service_point(code, name, agency, unit, kind)
    audited("service_point.create", point.code)
    click.echo(f"Service point {point.code} created: {point.name}")


@points_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@transactional
def import_points(file: Path) -> None:
    """Create service points from a CSV (code,name,agency,unit,kind); any bad row imports nothing."""
    created = agencies.import_csv(decode(file.read_bytes()), 'service_points')
    audited("service_points.import", file.name, created=created)
    click.echo(f"{created} service points created.")


commands = [agencies_group, points_group]
