"""Access helpers for HTML views: `permission_required(action)` sets g.scope, `current_actor()` names the caller.

Usage in a view module::

    from survey.auth.access import permission_required, current_actor

    @bp.get("/results")
    @permission_required("results.read")
    def results():
        rows = my_service.results(g.scope, ...)   # the service also calls scope.require/check_*
"""
from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import current_user

from survey.extensions import login_manager
from survey.services.access.scope import Scope, can, scope_for


def current_scope() -> Scope | None:
    """The signed-in staff member's scope (cached on g), or None when nobody is signed in."""
    if "scope" not in g:
        if not current_user.is_authenticated:
            return None
        g.scope = scope_for(current_user)
    return g.scope


def permission_required(action: str):
    """Decorator: anonymous → redirect to the login page; a role without the action → 403; else g.scope set."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            scope = current_scope()
            if scope is None:
                return login_manager.unauthorized()
            if not can(scope, action):
                abort(403)  # the page says so in the reader's language
            return view(*args, **kwargs)
        return wrapper
    return decorate


def current_actor() -> str:
    """Who is acting, for audit entries: the API caller (g.actor), the signed-in e-mail, a device, or anonymous."""
    if g.get("actor"):
        return g.actor
    if current_user.is_authenticated:
        return current_user.email
    if g.get("device") is not None:
        return f"device:{g.device.id}"
    return "anonymous"
