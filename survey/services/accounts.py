"""Staff accounts and API tokens (hashed at rest, printed once, revocable)."""
from __future__ import annotations

import re

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from survey.errors import Conflict, Forbidden, Invalid, NotFound
from survey.extensions import db
from survey.models import ApiToken, User
from survey.models.accounts import ROLES
from survey.models.base import utcnow
from survey.services.agencies import get_agency
from survey.services.secrets import digest, new_secret
from survey.services.units import find_unit

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


def add_user(email: str, role: str, password: str, unit: str | None = None, agency: str | None = None,
             name: str = "") -> User:
    """Create a staff account with a role and a home unit or agency; password hashed with scrypt."""
    email = email.strip().lower()
    errors = []
    if not EMAIL.match(email):
        errors.append({"field": "email", "code": "bad_format", "message": f"{email!r} is not an e-mail address"})
    if role not in ROLES:
        errors.append({"field": "role", "code": "unknown", "message": f"role must be one of {', '.join(ROLES)}"})
    if not unit and not agency:
        errors.append({"field": "unit", "code": "required", "message": "give --unit or --agency (the user's scope)"})
    if len(password) < MIN_PASSWORD:
        errors.append({"field": "password", "code": "too_short",
                       "message": f"password must have at least {MIN_PASSWORD} characters"})
    if errors:
        raise Invalid(errors)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Conflict("duplicate_user", f"User {email} already exists", email=email)
    user = User(email=email, name=name, role=role, password_hash=hash_password(password),
                unit=find_unit(unit) if unit else None, agency=get_agency(agency) if agency else None)
    db.session.add(user)
    db.session.flush()
    return user


def hash_password(password: str) -> str:
    """scrypt hash of a password."""
    return generate_password_hash(password, method="scrypt")


def check_password(user: User, password: str) -> bool:
    """Whether the password matches the stored hash."""
    return check_password_hash(user.password_hash, password)


def get_user(email: str) -> User:
    """The account with this e-mail, or NotFound."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound("unknown_user", f"Unknown user {email}", email=email)
    return user


def add_token(email: str, label: str = "") -> tuple[ApiToken, str]:
    """Issue an API token acting as the user (same role and scope); the secret is returned once."""
    user = get_user(email)
    secret = new_secret("tok")
    token = ApiToken(user=user, token_hash=digest(secret), label=label)
    db.session.add(token)
    db.session.flush()
    return token, secret


def authenticate_token(secret: str) -> User:
    """The active user behind an API token; Forbidden when revoked or disabled, NotFound when unknown."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None:
        raise NotFound("unknown_token", "Unknown API token")
    if token.revoked_at is not None or not token.user.active:
        raise Forbidden("revoked_token", "This token has been revoked")
    token.last_used_at = utcnow()
    return token.user


def revoke_token(token_id: int) -> ApiToken:
    """Revoke an API token at once."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("unknown_token", f"Unknown token {token_id}")
    token.revoked_at = utcnow()
    db.session.flush()
    return token
