"""Who is calling the API: a staff session, a staff API token or a kiosk device token."""
from __future__ import annotations

from contextlib import contextmanager
from functools import wraps

from flask import abort, g, request
from flask_login import current_user

from survey.errors import DomainError, Forbidden, NotFound
from survey.services.access.accounts import authenticate_token
from survey.services.access.devices import authenticate_kiosk, remembered_kiosk
from survey.services.access.scope import Scope, scope_for


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer …` header."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def staff_scope() -> Scope:
    """The caller's scope: a session user or an API token's user; 401 without, 403 for a device token."""
    token = bearer_token()
    if token is None:
        if current_user.is_authenticated:
            g.actor = current_user.email
            return scope_for(current_user)
        abort(401, description="Authentication required: a staff session or an API token")
    if token.startswith("dev_"):
        abort(403, description="A kiosk device token can only submit responses")
    try:
        user = authenticate_token(token)
    except DomainError as exc:
        abort(401 if exc.status == 404 else 403, description=exc.message)
    g.actor = user.email
    g.api_user = user
    return scope_for(user)


def staff_required(view):
    """Resolve the caller's scope into g.scope before the view runs."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        g.scope = staff_scope()
        return view(*args, **kwargs)
    return wrapper


def device_required(view):
    """Resolve the kiosk device into g.device; 401 without a token, 403 when revoked or not a device token."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = device_token()
        with device_errors():
            g.device = authenticate_kiosk(token)
        return view(*args, **kwargs)
    return wrapper


def submitting_device(view):
    """device_required for submissions: the device is remembered for a minute (g.device, g.device_token_hash),
    and checked again as its response is written (group_commit)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = device_token()
        with device_errors():
            g.device, g.device_token_hash = remembered_kiosk(token)
        return view(*args, **kwargs)
    return wrapper


def device_token() -> str:
    """The bearer token of a kiosk call; 401 without one."""
    token = bearer_token()
    if token is None:
        abort(401, description="A device token is required (Authorization: Bearer …)")
    return token


@contextmanager
def device_errors():
    """An unknown device token answers 401, a revoked device 403."""
    try:
        yield
    except (NotFound, Forbidden) as exc:
        abort(401 if exc.status == 404 else 403, description=exc.message)
