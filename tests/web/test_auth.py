"""Staff sign-in: sessions, lock-out after repeated failures, safe redirects, sign-out, password change."""
from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEntry, User
from survey.models.base import utcnow
from survey.services.access import accounts
from tests.fixtures.factories import PASSWORD


def _login(client, email, password=PASSWORD, next_url=""):
    return client.post("/auth/login", data={"email": email, "password": password, "next": next_url})


def _reload(user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_login_page_renders_a_form(client):
    response = client.get("/auth/login?lang=en")
    assert response.status_code == 200
    assert b'name="password"' in response.data and b'type="password"' in response.data


def test_correct_password_signs_in_and_is_audited(client, make_user):
    user = make_user("viewer", unit="22")
    response = _login(client, user.email.upper(), next_url="/auth/password")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/password")
    assert client.get("/auth/password").status_code == 200
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login")).one()
    assert (entry.actor, entry.outcome) == (user.email, "ok")
    assert _reload(user).last_login_at is not None


def test_wrong_password_is_refused_and_audited(client, make_user):
    user = make_user()
    response = _login(client, user.email, "wrong password!")
    assert response.status_code == 200
    assert client.get("/auth/password").status_code == 302  # still anonymous
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login.failed")).one()
    assert (entry.actor, entry.outcome) == (user.email, "failed")
    assert _reload(user).failed_logins == 1


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, make_user):
    user = make_user()
    wrong = _login(client, user.email, "wrong password!").data
    unknown = _login(client, "nobody@example.vn", "wrong password!").data
    assert wrong.replace(user.email.encode(), b"") == unknown.replace(b"nobody@example.vn", b"")


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, make_user):
    user = make_user()
    for _ in range(accounts.LOCK_AFTER):
        _login(client, user.email, "wrong password!")
    locked = _reload(user)
    assert locked.locked_until is not None and locked.locked_until > utcnow()
    response = _login(client, user.email)
    assert response.status_code == 200 and client.get("/auth/password").status_code == 302
    outcomes = db.session.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "login.failed")).all()
    assert outcomes.count("locked") == 1 and outcomes.count("failed") == accounts.LOCK_AFTER


def test_lock_out_ends_after_its_period(client, make_user):
    user = make_user()
    for _ in range(accounts.LOCK_AFTER):
        _login(client, user.email, "wrong password!")
    stored = _reload(user)
    stored.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _login(client, user.email).status_code == 302
    assert _reload(user).failed_logins == 0 and _reload(user).locked_until is None


def test_lock_out_service_counts_and_resets(app, make_user):
    user = make_user()
    now = utcnow()
    for i in range(accounts.LOCK_AFTER - 1):
        try:
            accounts.login(user.email, "nope nope nope", now=now)
        except Exception as exc:  # noqa: BLE001 - the code is what matters
            assert exc.code == "bad_credentials"
        assert user.failed_logins == i + 1
    assert accounts.login(user.email, PASSWORD, now=now) is user
    assert user.failed_logins == 0


def test_disabled_account_cannot_sign_in_and_its_session_ends(client, make_user):
    user = make_user()
    assert _login(client, user.email).status_code == 302
    assert client.get("/auth/password").status_code == 200
    accounts.set_active(_reload(user), False)
    db.session.commit()
    assert client.get("/auth/password").status_code == 302  # next request: signed out
    client.get("/auth/logout")
    assert _login(client, user.email).status_code == 200


def test_next_must_be_a_local_path(client, make_user):
    user = make_user()
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        client.post("/auth/logout")
        response = _login(client, user.email, next_url=target)
        assert response.status_code == 302
        assert response.headers["Location"] in ("/", "http://localhost/"), target


def test_logout_needs_a_post(client, login_as):
    login_as("viewer")
    page = client.get("/auth/logout")
    assert page.status_code == 200 and b'method="post"' in page.data
    assert client.get("/auth/password").status_code == 200  # a GET signed nobody out
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/auth/password").status_code == 302
    assert db.session.scalars(select(AuditEntry.action)).all() == ["logout"]


def test_password_change_checks_the_current_password(client, make_user):
    user = make_user()
    _login(client, user.email)
    new = "a much longer secret 42"
    refused = client.post("/auth/password", data={"current": "wrong one!!", "new": new, "confirm": new})
    assert refused.status_code == 200
    assert accounts.check_password(_reload(user), PASSWORD)
    changed = client.post("/auth/password", data={"current": PASSWORD, "new": new, "confirm": new})
    assert changed.status_code == 302
    assert accounts.check_password(_reload(user), new)
    outcomes = db.session.scalars(select(AuditEntry.outcome).where(AuditEntry.action == "password.change")
                                  .order_by(AuditEntry.id)).all()
    assert outcomes == ["failed", "ok"]


def test_password_change_rejects_short_or_mismatched_passwords(client, make_user):
    user = make_user()
    _login(client, user.email)
    client.post("/auth/password", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    client.post("/auth/password", data={"current": PASSWORD, "new": "long enough one", "confirm": "different one!"})
    assert accounts.check_password(_reload(user), PASSWORD)


def test_passwords_are_stored_with_scrypt(make_user):
    assert make_user().password_hash.startswith("scrypt:")


def test_a_password_change_ends_the_other_sessions(app, client, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    _login(laptop, user.email)
    _login(phone, user.email)
    new = "a brand new password"
    assert laptop.post("/auth/password", data={"current": PASSWORD, "new": new, "confirm": new}).status_code == 302
    assert laptop.get("/auth/password").status_code == 200  # this session stays
    assert phone.get("/auth/password").status_code == 302  # the other one ends


def test_an_administrators_reset_ends_the_users_sessions(app, client, login_as, make_user):
    user = make_user("viewer", unit="22")
    theirs = app.test_client()
    _login(theirs, user.email)
    login_as("homeaffairs", unit="22")
    client.post(f"/admin/accounts/{user.id}/reset")
    assert theirs.get("/auth/password").status_code == 302


def test_the_sign_in_prompt_is_translated(client):
    client.get("/auth/password")
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Vui lòng đăng nhập" in page


def test_a_reset_password_must_be_replaced_before_anything_else(app, client, login_as, make_user):
    user = make_user("viewer", unit="22")
    login_as("homeaffairs", unit="22")
    page = client.post(f"/admin/accounts/{user.id}/reset").get_data(as_text=True)
    generated = html.unescape(re.search(r'class="secret"><code>([^<]+)</code>', page).group(1))
    theirs = app.test_client()
    assert _login(theirs, user.email, generated).status_code == 302
    blocked = theirs.get("/dashboard/")
    assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/auth/password")
    notice = theirs.get("/auth/password").get_data(as_text=True)
    assert "Vui lòng đặt mật khẩu của riêng mình" in notice
    api = theirs.get("/api/v1/units?province=22")
    assert api.status_code == 403 and api.get_json()["error"] == "password_change_required"
    new = "my very own password"
    assert theirs.post("/auth/password", data={"current": generated, "new": new, "confirm": new}).status_code == 302
    assert _reload(user).must_change_password is False
    assert theirs.get("/dashboard/").status_code == 200


def test_accounts_created_by_an_administrator_choose_their_own_password(client, login_as):
    login_as("homeaffairs", unit="22")
    resp = client.post("/admin/accounts", data={"email": "new.clerk@example.vn", "role": "viewer", "unit": "22"})
    assert resp.status_code == 200
    created = db.session.scalar(select(User).where(User.email == "new.clerk@example.vn"))
    assert created.must_change_password is True


def test_accounts_made_with_their_own_password_are_not_asked_again(make_user):
    assert make_user("viewer", unit="22").must_change_password is False
