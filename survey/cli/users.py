"""`survey users …` and `survey tokens …`: staff accounts and API tokens."""
from __future__ import annotations

import os
import secrets

import click

from survey.cli.common import audited, print_secret, transactional
from survey.models.accounts import ALL_ROLES
from survey.services.access import accounts


@click.group("users")
def users_group() -> None:
    """Staff accounts."""


@users_group.command("add")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(ALL_ROLES),
              help="ministry: every province, read-only, with no --unit or --agency (made here only).")
@click.option("--unit", help="Home unit code (province for Home Affairs, commune for a commune).")
@click.option("--agency", help="Home agency identifier.")
@click.option("--name", default="")
@transactional
def add(email: str, role: str, unit: str | None, agency: str | None, name: str) -> None:
    """Create an account; password from SURVEY_USER_PASSWORD or prompted."""
    password = os.environ.get("SURVEY_USER_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)
    user = accounts.add_user(email, role, password, unit, agency, name)
    audited("user.create", user.email, role=role, unit=unit or "", agency=agency or "")
    click.echo(f"User {user.email} created with role {user.role}.")


@users_group.command("disable")
@click.argument("email")
@transactional
def disable(email: str) -> None:
    """Disable an account (its sessions and API tokens stop on their next request); the only way for a ministry
    account, which no province's screen manages."""
    user = accounts.set_active(accounts.get_user(email), False)
    audited("user.disable", user.email)
    click.echo(f"User {user.email} disabled.")


@users_group.command("enable")
@click.argument("email")
@transactional
def enable(email: str) -> None:
    """Enable a disabled account again."""
    user = accounts.set_active(accounts.get_user(email), True)
    audited("user.enable", user.email)
    click.echo(f"User {user.email} enabled.")


@users_group.command("ensure-admin")
@click.option("--province", default="22", show_default=True, help="The Home Affairs administrator's province.")
@click.option("--email", default="admin@localhost.localdomain", show_default=True)
@transactional
def ensure_admin(province: str, email: str) -> None:
    """Create the first Home Affairs administrator unless any account exists (password printed once if generated)."""
    from survey.services.access.staff import any_account

    if any_account():
        click.echo("Accounts exist already; no administrator created.")
        return
    password = os.environ.get("SURVEY_ADMIN_PASSWORD")
    generated = not password
    password = password or secrets.token_urlsafe(12)
    user = accounts.add_user(email, "homeaffairs", password, unit=province, name="Quản trị Sở Nội vụ")
    audited("user.create", user.email, role="homeaffairs", unit=province, agency="")
    click.echo(f"Administrator {email} created for province {province}.")
    if generated:
        print_secret(f"Password for {email}", password)


@click.group("tokens")
def tokens_group() -> None:
    """API tokens for integrations."""


@tokens_group.command("add")
@click.option("--user", "email", required=True)
@click.option("--label", default="")
@transactional
def add_token(email: str, label: str) -> None:
    """Issue an API token with the user's scope; prints it alone on the last line."""
    token, secret = accounts.add_token(email, label)
    audited("token.issue", f"token:{token.id}", user=token.user.email)
    click.echo(f"Token {token.id} issued for {token.user.email} ({token.user.role}).")
    print_secret("API token", secret)


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
@transactional
def revoke_token(token_id: int) -> None:
    """Revoke an API token at once."""
    token = accounts.revoke_token(token_id)
    audited("token.revoke", f"token:{token.id}", user=token.user.email)
    click.echo(f"Token {token_id} revoked.")


commands = [users_group, tokens_group]
