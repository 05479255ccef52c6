"""`survey devices …`: register kiosks and revoke them."""
from __future__ import annotations

import click
from flask import current_app

from survey.cli.common import audited, print_secret, transactional
from survey.config import public_url
from survey.services.access import devices
from survey.services.organisation.agencies import get_service_point
from survey.services.responses.offered import check_offered


@click.group("devices")
def devices_group() -> None:
    """Kiosk and tablet devices bound to a service point."""


@devices_group.command("add")
@click.option("--service-point", "service_point", default=None)
@click.option("--campaign", default=None, help="An interviewer's tablet for this campaign (instead of a point).")
@click.option("--name", default="")
@click.option("--instrument", default="KIOSK-QUICK", show_default=True,
              help="KIOSK-QUICK, SIPAS-1001 (its A2 block) or a published instrument of the point's province.")
@transactional
def add(service_point: str | None, campaign: str | None, name: str, instrument: str) -> None:
    """Register a device; prints its enrolment link, then its token alone on the last line. The kiosk enrolled by
    the link holds this same token: it keeps working after enrolment."""
    if bool(service_point) == bool(campaign):
        raise click.UsageError("give either --service-point or --campaign")
    if campaign:
        from survey.services.campaigns.fieldwork import register_campaign_device

        device, token = register_campaign_device(campaign, name)
        click.echo(f"Tablet {device.id} registered for campaign {campaign}.")
        print_secret("Device token", token)
        return
    check_offered(get_service_point(service_point), "kiosk", instrument)
    device, token, enrol = devices.register_device(service_point, name, instrument)
    audited("device.register", f"device:{device.id}", service_point=device.service_point.code)
    base = public_url(current_app.config)  # SURVEY_PUBLIC_URL, else the PORT ./scripts/run serves on
    click.echo(f"Device {device.id} registered at {device.service_point.code}.")
    click.echo(f"Enrolment link (open once on the kiosk): {base}/kiosk/enrol/{enrol}")
    click.echo("The kiosk enrolled by this link uses the token below; both stay valid until the device is revoked.")
    print_secret("Device token", token)


@devices_group.command("revoke")
@click.argument("device_id", type=int)
@transactional
def revoke(device_id: int) -> None:
    """Revoke a device at once."""
    devices.revoke_device(device_id)
    audited("device.revoke", f"device:{device_id}")
    click.echo(f"Device {device_id} revoked.")


commands = [devices_group]
