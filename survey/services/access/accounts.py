"""Staff accounts and API tokens (hashed at rest, printed once, revocable)."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import case, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from survey.errors import Conflict, Forbidden, Invalid, NotFound
from survey.extensions import db
from survey.models import ApiToken, User
from survey.models.accounts import ALL_ROLES, NATIONAL_ROLES
from survey.models.base import utcnow
from survey.services.organisation.agencies import get_agency
from survey.services.access.secrets import digest, new_secret
from survey.services.organisation.units import find_unit

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


def add_user(email: str, role: str, password: str, unit: str | None = None, agency: str | None = None,
             name: str = "") -> User:
    """Create a staff account with a role and a home unit or agency (a national role: neither); password hashed
    with scrypt. Callers decide who may make which role: province screens offer ROLES only (staff.create_user),
    the operator's CLI every role."""
    email = email.strip().lower()
    errors = []
    if not EMAIL.match(email):
        errors.append({"field": "email", "code": "bad_format", "message": f"{email!r} is not an e-mail address"})
    if role not in ALL_ROLES:
        errors.append({"field": "role", "code": "unknown", "message": f"role must be one of {', '.join(ALL_ROLES)}"})
    elif role in NATIONAL_ROLES and (unit or agency):
        errors.append({"field": "unit" if unit else "agency", "code": "national",
                       "message": f"a {role} account sees every province: give no --unit or --agency"})
    elif role not in NATIONAL_ROLES and not unit and not agency:
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


# Lock-out: after LOCK_AFTER wrong passwords in a row the account refuses logins for LOCK_MINUTES.
LOCK_AFTER = 5
LOCK_MINUTES = 15
# Checked against when the e-mail is unknown, so a wrong e-mail costs the same time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


def login(email: str, password: str, now=None) -> User:
    """The account for a correct e-mail and password; counts failures and locks after LOCK_AFTER of them.

    Raises Forbidden("bad_credentials") for a wrong or unknown e-mail, wrong password or disabled account and
    Forbidden("locked", until=…) while locked; callers show both alike, so accounts cannot be probed. Failures are
    counted by one UPDATE … SET failed_logins = failed_logins + 1 each, so N simultaneous wrong passwords count N on
    both databases (a read, then a write, counted one). The counters are flushed before raising: the caller commits
    them even on failure.
    """
    now = now or utcnow()
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        raise Forbidden("bad_credentials", "Wrong e-mail or password")
    if user.locked_until is not None and user.locked_until <= now:
        _unlock_expired(user, now)
    if user.locked_until is not None:
        check_password_hash(_DUMMY_HASH, password or "")  # a locked account answers as slowly as any other
        raise _locked(user.locked_until)
    if not check_password(user, password or ""):
        _count_failure(user, now)
        raise Forbidden("bad_credentials", "Wrong e-mail or password")
    if not user.active:
        raise Forbidden("bad_credentials", "Wrong e-mail or password")
    # Succeeds only if no simultaneous failure locked the account meanwhile.
    opened = db.session.execute(
        update(User).where(User.id == user.id, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_logins=0, locked_until=None, last_login_at=now)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(user)
    if not opened:
        raise _locked(user.locked_until)
    return user


def _count_failure(user: User, now) -> None:
    """One more failure, counted in the database; the LOCK_AFTER-th in a row locks for LOCK_MINUTES."""
    until = now + timedelta(minutes=LOCK_MINUTES)
    failed = User.failed_logins + 1
    db.session.execute(
        update(User).where(User.id == user.id)
        .values(failed_logins=failed,
                locked_until=case((failed >= LOCK_AFTER, until), else_=User.locked_until))
        .execution_options(synchronize_session=False))
    db.session.refresh(user)


def _unlock_expired(user: User, now) -> None:
    """A lock-out that has run out starts a fresh count (only once, whoever comes first)."""
    db.session.execute(
        update(User).where(User.id == user.id, User.locked_until <= now).values(failed_logins=0, locked_until=None)
        .execution_options(synchronize_session=False))
    db.session.refresh(user)


def _locked(until) -> Forbidden:
    return Forbidden("locked", "Too many failed attempts: this account is locked for a while",
                     until=until.isoformat(timespec="minutes") if until else "")


def change_password(user: User, current: str, new: str) -> User:
    """Replace a user's own password after checking the current one."""
    if not check_password(user, current or ""):
        raise Invalid([{"field": "current", "code": "wrong", "message": "the current password is wrong"}])
    _check_new_password(user, new)
    user.password_hash, user.must_change_password = hash_password(new), False
    db.session.flush()
    end_sessions(user)
    return user


def reset_password(user: User) -> str:
    """Give an account a new random password (returned once, to be changed at its next sign-in) and lift any
    lock-out."""
    import secrets

    password = secrets.token_urlsafe(12)
    user.password_hash, user.failed_logins, user.locked_until = hash_password(password), 0, None
    user.must_change_password = True  # an administrator has seen it
    db.session.flush()
    end_sessions(user)
    return password


def end_sessions(user: User) -> None:
    """Invalidate every session cookie issued to the user so far (sign-out, password change or reset)."""
    generation = db.session.execute(
        update(User).where(User.id == user.id).values(session_generation=User.session_generation + 1)
        .returning(User.session_generation).execution_options(synchronize_session=False)).scalar_one()
    set_committed_value(user, "session_generation", generation)  # works on current_user's proxy too


def set_active(user: User, active: bool) -> User:
    """Enable or disable an account; a disabled account's sessions and API tokens stop on the next request."""
    user.active = active
    db.session.flush()
    return user


def _check_new_password(user: User, new: str) -> None:
    """Length and not-the-e-mail rules for a new password."""
    errors = []
    if len(new or "") < MIN_PASSWORD:
        errors.append({"field": "new", "code": "too_short",
                       "message": f"password must have at least {MIN_PASSWORD} characters"})
    elif new.strip().lower() == user.email:
        errors.append({"field": "new", "code": "is_email", "message": "password must not be the e-mail address"})
    if errors:
        raise Invalid(errors)
