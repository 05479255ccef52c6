"""`survey demo`: realistic demo data for one province through the bulk paths."""
from __future__ import annotations

import time

import click

from survey.cli.common import transactional
from survey.extensions import db
from survey.services.indices.columns import seal_all
from survey.services.operations import demo
from survey.services.operations.status import holds_responses
from survey.services.organisation import units
from survey.services.instruments.versions import load_official_instruments


@click.command("demo")
@click.option("--province", help="Province code, e.g. 22 (Quảng Ninh).")
@click.option("--national", is_flag=True,
              help="Every province instead of one: N responses spread over the 34 provinces by their communes "
                   "(one bulk load; no campaign).")
@click.option("--responses", "count", type=int, default=20000, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--instrument", type=click.Choice(["KIOSK-QUICK", "SIPAS-1001"]),
              help="Only this instrument (default: kiosks answer KIOSK-QUICK, the rest SIPAS-1001).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds responses.")
@click.option("--campaign/--no-campaign", default=True, show_default=True,
              help="Also a sample-survey campaign: village frame, draw, fieldwork done (its responses are apart "
                   "from the N kiosk/online ones).")
@transactional
def demo_command(province: str | None, national: bool, count: int, seed: int, instrument: str | None,
                 if_empty: bool, campaign: bool) -> None:
    """Create agencies, service points, N responses over 12 months and a finished sample-survey campaign."""
    if count < 0:
        raise click.BadParameter("must be 0 or more", param_hint="--responses")
    if bool(province) == national:
        raise click.UsageError("give either --province CODE or --national")
    if national and instrument:
        raise click.UsageError("--instrument is for one province; --national uses both instruments")
    if if_empty and holds_responses():
        click.echo("Responses exist already; demo data left as it is.")
        return
    _require_faker()
    started = time.perf_counter()
    if national:
        _national(count, seed, started)
        return
    units.load_current_units(province)
    load_official_instruments()
    org = demo.build_organisation(province)
    click.echo(f"Organisation: {org['agencies']} agencies, {org['service_points']} service points "
               f"in {org['communes']} communes.")
    with click.progressbar(length=count, label="Responses", show_pos=True) as bar:
        demo.generate_responses(province, count, seed=seed, instrument=instrument, progress=bar.update)
    made = demo.build_demo_campaign(province, seed=seed) if campaign else None
    if made:
        click.echo(f"Campaign {made['code']}: {made['questionnaires']} questionnaires in {made['villages']} villages "
                   f"of {made['communes']} communes, {made['completed']} completed (RR1 {made['response_rate']:.1f}%).")
    db.session.commit()  # the columnar blocks are sealed on their own connection, from committed responses
    sealed = seal_all()
    click.echo(f"{count} responses written (and {sealed} sealed into columnar blocks) in "
               f"{time.perf_counter() - started:.1f} s.")


def _national(count: int, seed: int, started: float) -> None:
    """Every province's organisation, then N responses in one bulk load, then the columnar blocks."""
    units.load_current_units()
    load_official_instruments()
    codes = [unit.code for unit in units.search_units(level="province")]
    points = sum(demo.build_organisation(code)["service_points"] for code in codes)
    click.echo(f"Organisation: {len(codes)} provinces, {points} service points.")
    with click.progressbar(length=count, label="Responses", show_pos=True, show_percent=True, show_eta=True) as bar:
        shares, sealed = demo.generate_national(count, seed=seed, progress=bar.update)
    loaded = time.perf_counter()
    click.echo(f"{count} responses in {len(shares)} provinces loaded, keys and indexes rebuilt and columnar "
               f"blocks sealed from memory in {loaded - started:.1f} s.")
    db.session.commit()
    sealed += seal_all()  # what the load could not seal itself (a version with older responses unsealed)
    click.echo(f"{sealed} sealed into columnar blocks, {time.perf_counter() - loaded:.1f} s after the load; "
               f"{time.perf_counter() - started:.1f} s in all.")


def _require_faker() -> None:
    """Faker (names of officers, comments) is in the `demo` extra, not in a production install."""
    try:
        import faker  # noqa: F401
    except ImportError:
        raise click.ClickException("`survey demo` needs Faker, which is in the demo extra: "
                                   "pip install 'sipas-survey[demo]' (scripts/run installs it).") from None


commands = [demo_command]
