"""`survey frame`: the village frame of a province for sample-survey campaigns (methodology §7)."""
from __future__ import annotations

from pathlib import Path

import click

from survey.cli.common import actor, transactional
from survey.services.access.scope import OPERATOR
from survey.services.campaigns.frame import import_frame


@click.group("frame")
def frame_group() -> None:
    """Villages and residential groups with their adult population, per commune."""


@frame_group.command("import")
@click.option("--province", required=True, help="Province code, e.g. 22.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@transactional
def import_command(province: str, file: Path) -> None:
    """Add or update villages from a CSV (commune_code,village_code,village_name,population); all or nothing."""
    done = import_frame(OPERATOR, province, file.read_text("utf-8-sig"), actor())
    click.echo(f"Frame of province {province}: {done['added']} villages added, {done['updated']} updated.")


commands = [frame_group]
