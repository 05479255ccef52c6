"""Scoped administration of staff accounts and API tokens; every change is audited.

Home Affairs manages the accounts whose home unit or agency lies in its province. Secrets (generated
passwords, API tokens) are returned once and never stored in clear.
"""
from __future__ import annotations

import secrets

from sqlalchemy import select

from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import ApiToken, User
from survey.models.accounts import ROLES
from survey.services.access import accounts
from survey.services.access import audit
from survey.services.organisation.agencies import get_agency
from survey.services.access.scope import Scope, check_agency, check_unit, check_user, require, visible_users
from survey.services.organisation.units import find_unit
from survey.text import nfc


def list_users(scope: Scope) -> list[User]:
    """Accounts the caller manages, by e-mail."""
    require(scope, "accounts.manage")
    return list(db.session.scalars(visible_users(scope).order_by(User.email)))


def get_user(scope: Scope, user_id: int) -> User:
    """One account the caller manages, or NotFound."""
    require(scope, "accounts.manage")
    return check_user(scope, db.session.get(User, user_id), user_id)


def create_user(scope: Scope, actor: str, email: str, role: str, unit: str | None = None,
                agency: str | None = None, name: str = "") -> tuple[User, str]:
    """Create an account inside the caller's scope with a generated password; returns (user, password)."""
    require(scope, "accounts.manage")
    if role not in ROLES:  # a national (ministry) account is made by the operator only: `survey users add`
        raise Invalid([{"field": "role", "code": "unknown", "message": f"role must be one of {', '.join(ROLES)}"}])
    if unit:
        check_unit(scope, _or_none(find_unit, unit), unit)
    if agency:
        check_agency(scope, _or_none(get_agency, agency), agency)
    password = secrets.token_urlsafe(12)
    user = accounts.add_user(email, role, password, unit or None, agency or None, name)
    user.must_change_password = True  # the administrator has seen it
    audit.record(actor, "user.create", user.email, role=role, unit=unit or "", agency=agency or "")
    return user, password


def update_user(scope: Scope, actor: str, user_id: int, name: str, role: str, unit: str | None, agency: str | None,
                acting_user_id: int | None = None) -> User:
    """Change an account's name, role and home unit/agency, each inside the caller's scope (not one's own role or
    scope: an administrator cannot lock themself out); the scope change is audited with before and after."""
    user = get_user(scope, user_id)
    unit, agency = (unit or "").strip() or None, (agency or "").strip().upper() or None
    errors = []
    if role not in ROLES:
        errors.append({"field": "role", "code": "unknown", "message": f"role must be one of {', '.join(ROLES)}"})
    if not unit and not agency:
        errors.append({"field": "unit", "code": "required", "message": "a home unit or a home agency is required"})
    if errors:
        raise Invalid(errors)
    home = check_unit(scope, _or_none(find_unit, unit), unit) if unit else None
    office = check_agency(scope, _or_none(get_agency, agency), agency) if agency else None
    before = _scope_text(user)
    changed = (role, home, office) != (user.role, user.unit, user.agency)
    if changed and user.id == acting_user_id:
        raise Conflict("own_account", "You cannot change your own role or scope")
    name = (nfc(name) or "")[:200]
    if name != (user.name or ""):
        user.name = name
        audit.record(actor, "user.update", user.email, name=name)
    if changed:
        user.role, user.unit, user.agency = role, home, office
        db.session.flush()
        audit.record(actor, "user.scope", user.email, before=before, after=_scope_text(user))
    db.session.flush()
    return user


def _scope_text(user: User) -> str:
    """role@unit/agency, as the audit log shows a scope."""
    return f"{user.role}@{user.unit.code if user.unit else ''}/{user.agency.code if user.agency else ''}"


def set_user_active(scope: Scope, actor: str, user_id: int, active: bool, acting_user_id: int | None = None) -> User:
    """Enable or disable an account (not one's own); takes effect on the account's next request."""
    user = get_user(scope, user_id)
    if not active and user.id == acting_user_id:
        raise Conflict("own_account", "You cannot disable your own account")
    accounts.set_active(user, active)
    audit.record(actor, "user.enable" if active else "user.disable", user.email)
    return user


def reset_user_password(scope: Scope, actor: str, user_id: int) -> tuple[User, str]:
    """A new generated password for an account (returned once); also lifts a lock-out."""
    user = get_user(scope, user_id)
    password = accounts.reset_password(user)
    audit.record(actor, "user.reset", user.email)
    return user, password


def list_tokens(scope: Scope) -> list[ApiToken]:
    """API tokens of the accounts the caller manages, newest first."""
    require(scope, "tokens.manage")
    users = visible_users(scope).with_only_columns(User.id)
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id.in_(users))
                                   .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


def issue_token(scope: Scope, actor: str, email: str, label: str = "") -> tuple[ApiToken, str]:
    """An API token acting as one of the caller's accounts; the secret is returned once."""
    require(scope, "tokens.manage")
    user = _or_none(accounts.get_user, email)
    check_user(scope, user)
    if not user.active:
        raise Invalid([{"field": "email", "code": "disabled", "message": "this account is disabled"}])
    token, secret = accounts.add_token(user.email, label)
    audit.record(actor, "token.issue", f"token:{token.id}", user=user.email)
    return token, secret


def revoke_token(scope: Scope, actor: str, token_id: int) -> ApiToken:
    """Revoke an API token of one of the caller's accounts, at once."""
    require(scope, "tokens.manage")
    token = db.session.get(ApiToken, token_id)
    if token is None or _or_none(lambda user: check_user(scope, user), token.user) is None:
        raise NotFound("unknown_token", f"Unknown token {token_id}", token=token_id)
    accounts.revoke_token(token_id)
    audit.record(actor, "token.revoke", f"token:{token.id}", user=token.user.email)
    return token


def _or_none(getter, code):
    """getter(code), or None when it does not exist."""
    try:
        return getter(code)
    except NotFound:
        return None


def session_user(user_id: int) -> User | None:
    """The account a signed-in session names, or None when it is unknown or disabled."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


def any_account() -> bool:
    """Whether any staff account exists (the first administrator is made only before there is one)."""
    return db.session.scalar(select(User.id).limit(1)) is not None
