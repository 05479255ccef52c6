"""`survey targets`: targets per unit or agency and year, and progress against them (issue 23)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app

from survey.cli.common import transactional
from survey.csvfile import decode
from survey.services.access.scope import OPERATOR
from survey.services.targets.manage import import_targets, targets_for
from survey.services.targets.progress import progress


@click.group("targets")
def targets_group() -> None:
    """Targets per commune, province or agency and year."""


@targets_group.command("import")
@click.option("--province", required=True, help="Province code, e.g. 22.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@transactional
def import_command(province: str, file: Path) -> None:
    """Set targets from a CSV (level,code,year,instrument,component,target); any bad line imports nothing."""
    count = import_targets(OPERATOR, province, decode(file.read_bytes()), actor="cli")
    click.echo(f"{count} targets set for province {province}.")


@targets_group.command("show")
@click.option("--province", required=True, help="Province code, e.g. 22.")
@click.option("--year", type=int, required=True)
@click.option("--instrument", default="SIPAS-1001", show_default=True)
@click.option("--by", type=click.Choice(["commune", "agency"]), default="commune", show_default=True)
@transactional
def show_command(province: str, year: int, instrument: str, by: str) -> None:
    """Each subject's year-to-date figure, rank, target and projected year-end."""
    if not targets_for(OPERATOR, province, year):
        click.echo(f"No targets for {year} in province {province}.")
    rows = progress(OPERATOR, province, instrument, year, by, date.today(), int(current_app.config["MIN_N"]))
    click.echo(f"{'code':<16} {'rank':>4} {'n':>6} {'index':>7} {'target':>7} {'year-end':>19} status")
    for p in rows:
        shown = f"{p.ytd.value:6.2f} [{p.ytd.low:5.1f}–{p.ytd.high:5.1f}]" if p.ytd else "—"
        click.echo(f"{p.code:<16} {p.rank or '—':>4} {p.n:>6} {p.value if p.value is not None else '—':>7} "
                   f"{p.target if p.target is not None else '—':>7} {shown:>19} {p.status or ''}")


commands = [targets_group]
