"""`survey service-points list`, `agencies list`, `devices list`, `users list` (plain tables) and
`survey devices import FILE.csv` (one enrolment link per kiosk): subcommands of the existing groups."""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app

from survey.cli.agencies import agencies_group, points_group
from survey.cli.common import actor, transactional
from survey.cli.devices import devices_group
from survey.cli.users import users_group
from survey.csvfile import decode
from survey.services.access.scope import OPERATOR
from survey.services.organisation import device_import, directory

STATE = click.Choice(directory.STATES)


def _table(header: tuple[str, ...], rows: list[tuple]) -> None:
    """Columns padded to their widest cell under a header row."""
    cells = [tuple("" if v is None else str(v) for v in row) for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(header)]
    for row in [header, *cells]:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())


def _state(active: bool) -> str:
    return "active" if active else "inactive"


@points_group.command("list")
@click.option("--province", help="Province code, e.g. 22.")
@click.option("--search", default="", help="Part of a name (accents may be left out) or of a code.")
@click.option("--state", type=STATE, default="all", show_default=True)
@transactional
def list_points(province: str | None, search: str, state: str) -> None:
    """List service points: code, name, kind, agency, unit, state."""
    page = directory.search_service_points(OPERATOR, search, size=None, state=state, province=province)
    _table(("code", "name", "kind", "agency", "unit", "state"),
           [(p.code, p.name, p.kind, p.agency.code, p.unit.code, _state(p.active)) for p in page.rows])
    click.echo(f"{page.total} service point(s).")


@agencies_group.command("list")
@click.option("--province", help="Province code, e.g. 22.")
@click.option("--search", default="", help="Part of a name (accents may be left out) or of an identifier.")
@click.option("--state", type=STATE, default="all", show_default=True)
@transactional
def list_agencies(province: str | None, search: str, state: str) -> None:
    """List agencies: identifier, name, kind, unit, parent, state."""
    page = directory.search_agencies(OPERATOR, search, size=None, state=state, province=province)
    _table(("code", "name", "kind", "unit", "parent", "state"),
           [(a.code, a.name, a.kind, a.unit.code, a.parent.code if a.parent else "", _state(a.active))
            for a in page.rows])
    click.echo(f"{page.total} agencies.")


@devices_group.command("list")
@click.option("--province", help="Province code, e.g. 22.")
@click.option("--service-point", "service_point", help="Only the kiosks of this service point.")
@click.option("--search", default="", help="Part of the kiosk's name or of its service point's name or code.")
@transactional
def list_devices(province: str | None, service_point: str | None, search: str) -> None:
    """List kiosks: id, name, service point, questionnaire, state, last seen (UTC)."""
    page = directory.search_devices(OPERATOR, search, size=None, service_point=service_point, province=province)
    _table(("id", "name", "service_point", "instrument", "state", "last_seen_utc"),
           [(d.id, d.name, d.service_point.code, d.instrument_code,
             "revoked" if d.revoked_at else "enrolled" if d.enrolled_at else "awaiting enrolment",
             d.last_seen_at.strftime("%Y-%m-%d %H:%M") if d.last_seen_at else "") for d in page.rows])
    click.echo(f"{page.total} device(s).")


@users_group.command("list")
@click.option("--search", default="", help="Part of the e-mail or name (accents may be left out).")
@click.option("--role", help="Only this role.")
@click.option("--state", type=STATE, default="all", show_default=True)
@transactional
def list_users(search: str, role: str | None, state: str) -> None:
    """List staff accounts: e-mail, name, role, home unit, home agency, state."""
    page = directory.search_users(OPERATOR, search, size=None, state=state, role=role)
    _table(("email", "name", "role", "unit", "agency", "state"),
           [(u.email, u.name, u.role, u.unit.code if u.unit else "", u.agency.code if u.agency else "",
             _state(u.active)) for u in page.rows])
    click.echo(f"{page.total} account(s).")


@devices_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@transactional
def import_devices(file: Path) -> None:
    """Register kiosks from a CSV (service_point,name,instrument); any bad row registers none. Prints each
    kiosk's one-time enrolment link."""
    created = device_import.import_devices(OPERATOR, actor(), decode(file.read_bytes()), file.name)
    base = public_url()
    _table(("id", "service_point", "name", "instrument", "enrolment_link"),
           [(d.id, d.service_point.code, d.name, d.instrument_code, f"{base}/kiosk/enrol/{enrol}")
            for d, enrol in created])
    click.echo(f"{len(created)} kiosk(s) registered. Open each link once on its kiosk; they are not shown again.")


def public_url() -> str:
    """The site's public address: PUBLIC_URL, else this machine on the port `./scripts/run` serves (PORT)."""
    configured = str(current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    return configured or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"


commands: list = []  # subcommands only: they join the groups their modules define
