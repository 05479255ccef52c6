"""Staff sessions: a fresh start per request, password fingerprints that end other sessions, translated prompts."""
from __future__ import annotations

import hashlib
import hmac

from flask import flash, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from survey.extensions import login_manager
from survey.models import User

# Per-request state kept on `g` by Flask-Login, Flask-Babel and our auth helpers. `g` lives on the app
# context; where one app context spans several requests (the test suite's `app` fixture), a request must
# not inherit the previous caller's identity, scope or language.
REQUEST_STATE = ("_login_user", "_flask_babel", "scope", "actor", "api_user", "device", "kiosk_lang")
FINGERPRINT = "_pw"
GENERATION = "_gen"
# Flask-Login's keys and ours: dropped together when the loader refuses a session.
AUTH_KEYS = ("_user_id", "_fresh", "_id", FINGERPRINT, GENERATION)


def configure(_state) -> None:
    """Flask-Login's prompt when a page needs a sign-in, in the reader's language."""
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.localize_callback = str  # the lazy message is rendered in the request's language
    login_manager.login_message_category = "info"


# What an account that must choose its own password may still open.
PASSWORD_FIRST_ENDPOINTS = {"auth.password", "auth.logout", "auth.login", "static"}


def start_request():
    """Forget any earlier request's caller; end a session whose password has changed since it signed in; send an
    account whose password an administrator generated to choose its own before anything else."""
    for key in REQUEST_STATE:
        g.pop(key, None)
    if "_user_id" not in session:
        return None
    if not current_user.is_authenticated:  # refused by the loader (is_valid): forget the stale sign-in
        for key in AUTH_KEYS:
            session.pop(key, None)
        return None
    if current_user.must_change_password and request.endpoint not in PASSWORD_FIRST_ENDPOINTS:
        return _password_first()
    return None


def _password_first():
    """403 for API calls, else the password page with a notice."""
    message = _("Please choose your own password first: the one you signed in with was set by an administrator.")
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify({"error": "password_change_required", "message": str(message)}), 403
    flash(message, "info")
    return redirect(url_for("auth.password"))


def fingerprint(user: User) -> str:
    """A short digest of the password hash: changes whenever the password does, reveals nothing of it."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def is_valid(user: User) -> bool:
    """Whether the session was made by sign-in for the user's current password and session generation: a cookie
    without them (forged with a leaked key, or from before a sign-out, password change or reset) is no session."""
    stored = session.get(FINGERPRINT)
    return (isinstance(stored, str) and hmac.compare_digest(stored, fingerprint(user))
            and session.get(GENERATION) == user.session_generation)


def session_keys(user: User) -> dict:
    """What a signed-in session holds besides Flask-Login's own keys (tests build sessions with it too)."""
    return {FINGERPRINT: fingerprint(user), GENERATION: user.session_generation}


def sign_in(user: User) -> None:
    """A fresh session (no fixation) for the user, keeping only the language choice."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    session.update(session_keys(user))


def refresh_fingerprint(user: User) -> None:
    """Keep this session valid after its own password change (the others end with the new generation)."""
    session.update(session_keys(user))
