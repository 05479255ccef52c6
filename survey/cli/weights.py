"""`survey weights`: population margins (sex × age band) for the secondary, post-stratified figures."""
from __future__ import annotations

from pathlib import Path

import click

from survey.cli.common import actor, transactional
from survey.csvfile import decode
from survey.services.indices import weights
from survey.services.access.scope import OPERATOR


@click.group("weights")
def weights_group() -> None:
    """Population margins for the optional weighted figures (unweighted figures stay the published ones)."""


@weights_group.command("import")
@click.option("--province", required=True, help="Province code, e.g. 22.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@transactional
def import_command(province: str, file: Path) -> None:
    """Replace the province's margins from a CSV (sex,age_band,population); any bad row imports nothing."""
    count = weights.import_margins(OPERATOR, province, decode(file.read_bytes()), actor=actor())
    click.echo(f"{count} margins stored for province {province}.")


@weights_group.command("show")
@click.option("--province", required=True, help="Province code, e.g. 22.")
@transactional
def show_command(province: str) -> None:
    """The province's margins and each stratum's share of the population."""
    rows = weights.margins_for(weights.province_unit(OPERATOR, province).id)
    if not rows:
        click.echo(f"No margins for province {province}: no weighted figures.")
        return
    total = sum(r.population for r in rows) or 1
    click.echo(f"{'sex':>3} {'age_band':>8} {'population':>12} {'share':>7}")
    for r in rows:
        click.echo(f"{r.sex:>3} {r.age_band:>8} {r.population:>12} {100 * r.population / total:>6.2f}%")
    click.echo(f"Uploaded {rows[0].uploaded_at:%Y-%m-%d %H:%M} UTC by {rows[0].uploaded_by}")


commands = [weights_group]
