"""Lock-out under concurrency, and a lock message that does not reveal accounts (issue 15.5)."""
from __future__ import annotations

import threading

from survey.extensions import db
from survey.models import User
from survey.services.access import accounts
from tests.fixtures.factories import PASSWORD

THREADS = 10


def _reload(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)


def _burst(app, email: str, password: str, n: int = THREADS) -> list[int]:
    """n sign-in attempts at once, each thread with its own app context, session and client."""
    barrier = threading.Barrier(n)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def attempt():
        try:
            with app.app_context():
                client = app.test_client()
                barrier.wait(timeout=60)
                statuses.append(client.post("/auth/login", data={"email": email, "password": password}).status_code)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return statuses


def test_simultaneous_wrong_passwords_each_count(app, make_user, monkeypatch):
    monkeypatch.setattr(accounts, "LOCK_AFTER", 1000)  # count only: no lock on the way
    user = make_user()
    assert _burst(app, user.email, "wrong password!") == [200] * THREADS
    assert _reload(user.id).failed_logins == THREADS


def test_simultaneous_wrong_passwords_lock_the_account(app, make_user):
    user = make_user()
    _burst(app, user.email, "wrong password!")
    locked = _reload(user.id)
    assert locked.locked_until is not None and locked.failed_logins >= accounts.LOCK_AFTER
    client = app.test_client()
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert client.get("/auth/password").status_code == 302  # the right password does not open a locked account


def test_the_lock_message_is_the_same_for_known_and_unknown_accounts(client, make_user):
    user = make_user()
    pages = {}
    for email in (user.email, "nobody@example.vn"):
        for _ in range(accounts.LOCK_AFTER + 1):
            response = client.post("/auth/login", data={"email": email, "password": "wrong password!"})
        assert response.status_code == 200
        pages[email] = response.data.replace(email.encode(), b"EMAIL")
    assert _reload(user.id).locked_until is not None
    assert pages[user.email] == pages["nobody@example.vn"]
    assert "Sai thư điện tử hoặc mật khẩu" in client.post(
        "/auth/login", data={"email": user.email, "password": PASSWORD}).get_data(as_text=True)
