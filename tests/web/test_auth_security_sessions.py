"""Sign-out and password changes end every session issued before them (issue 15.6)."""
from __future__ import annotations

from survey.extensions import db
from survey.models import User
from survey.services.access import accounts, staff
from survey.services.access.scope import scope_for
from tests.fixtures.factories import PASSWORD

NEW_PASSWORD = "a brand new passphrase"


def _signed_in(app, email: str, password: str = PASSWORD):
    client = app.test_client()
    assert client.post("/auth/login", data={"email": email, "password": password}).status_code == 302
    return client


def _replay(app, cookie: str):
    """A new client presenting a captured session cookie."""
    client = app.test_client()
    client.set_cookie("session", cookie, domain="localhost")
    return client


def _cookie(client) -> str:
    return client.get_cookie("session", domain="localhost").value


def test_a_cookie_captured_before_sign_out_no_longer_works(app, make_user):
    user = make_user()
    client = _signed_in(app, user.email)
    captured = _cookie(client)
    assert _replay(app, captured).get("/auth/password").status_code == 200  # a copy works while signed in
    assert client.post("/auth/logout").status_code == 302
    assert _replay(app, captured).get("/auth/password").status_code == 302
    assert _signed_in(app, user.email).get("/auth/password").status_code == 200  # signing in again works


def test_sign_out_ends_the_accounts_other_sessions_too(app, make_user):
    user = make_user()
    laptop, phone = _signed_in(app, user.email), _signed_in(app, user.email)
    laptop.post("/auth/logout")
    assert phone.get("/auth/password").status_code == 302


def test_a_cookie_captured_before_a_password_change_no_longer_works(app, make_user):
    user = make_user()
    client = _signed_in(app, user.email)
    captured = _cookie(client)
    changed = client.post("/auth/password", data={"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert changed.status_code == 302
    assert client.get("/auth/password").status_code == 200  # the session that changed it stays
    assert _replay(app, captured).get("/auth/password").status_code == 302
    assert db.session.get(User, user.id).session_generation == 1


def test_an_administrators_reset_ends_the_accounts_sessions(app, make_user):
    admin, user = make_user("homeaffairs"), make_user("viewer")
    client = _signed_in(app, user.email)
    staff.reset_user_password(scope_for(admin), admin.email, user.id)
    db.session.commit()
    assert client.get("/auth/password").status_code == 302


def test_api_tokens_survive_sign_out(app, make_user):
    user = make_user()
    _token, secret = accounts.add_token(user.email)
    db.session.commit()
    client = _signed_in(app, user.email)
    client.post("/auth/logout")
    answer = app.test_client().get("/api/v1/units?level=province", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 200
