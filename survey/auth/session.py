"""Staff sessions: a fresh start per request, password fingerprints that end other sessions, translated prompts."""
from __future__ import annotations

import hashlib

from flask import g, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from survey.extensions import login_manager
from survey.models import User

# Per-request state kept on `g` by Flask-Login, Flask-Babel and our auth helpers. `g` lives on the app
# context; where one app context spans several requests (the test suite's `app` fixture), a request must
# not inherit the previous caller's identity, scope or language.
REQUEST_STATE = ("_login_user", "_flask_babel", "scope", "actor", "api_user", "device", "kiosk_lang")
FINGERPRINT = "_pw"


def configure(_state) -> None:
    """Flask-Login's prompt when a page needs a sign-in, in the reader's language."""
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.localize_callback = str  # the lazy message is rendered in the request's language
    login_manager.login_message_category = "info"


def start_request() -> None:
    """Forget any earlier request's caller; end a session whose password has changed since it signed in."""
    for key in REQUEST_STATE:
        g.pop(key, None)
    stored = session.get(FINGERPRINT)
    # Sessions made by sign-in carry the fingerprint; a mismatch means the password was changed or reset.
    if stored is not None and current_user.is_authenticated and stored != fingerprint(current_user):
        logout_user()
        session.pop(FINGERPRINT, None)


def fingerprint(user: User) -> str:
    """A short digest of the password hash: changes whenever the password does, reveals nothing of it."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def sign_in(user: User) -> None:
    """A fresh session (no fixation) for the user, keeping only the language choice."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    session[FINGERPRINT] = fingerprint(user)


def refresh_fingerprint(user: User) -> None:
    """Keep this session valid after its own password change (the others end)."""
    session[FINGERPRINT] = fingerprint(user)
