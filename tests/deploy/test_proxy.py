"""SURVEY_TRUSTED_PROXIES: forwarded headers ignored by default, the last N hops believed when set."""
from __future__ import annotations

import pytest
from flask import request
from sqlalchemy import select

from survey.app import create_app
from survey.extensions import db
from survey.models import AuditEntry

PROXY = "10.0.0.5"  # the address every request arrives from: the reverse proxy


def _probe(app):
    """The variant app with a route echoing what Flask believes about the request."""
    app.add_url_rule("/_probe", "probe", lambda: {"addr": request.remote_addr, "scheme": request.scheme,
                                                   "host": request.host})
    return app.test_client()


FORWARDED = {"X-Forwarded-For": "198.51.100.9, 203.0.113.7", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "khaosat.example.vn", "X-Forwarded-Port": "443"}


def test_without_trusted_proxies_forwarded_headers_are_ignored(variant):
    client = _probe(variant(SERVER_NAME=None))
    seen = client.get("/_probe", headers=FORWARDED, environ_base={"REMOTE_ADDR": PROXY}).get_json()
    assert seen == {"addr": PROXY, "scheme": "http", "host": "localhost"}


def test_one_trusted_proxy_gives_the_last_hop(variant):
    client = _probe(variant(SERVER_NAME=None, TRUSTED_PROXIES=1))
    seen = client.get("/_probe", headers=FORWARDED, environ_base={"REMOTE_ADDR": PROXY}).get_json()
    # Only the entry the trusted proxy appended is believed; 198.51.100.9 was typed by the client.
    assert seen == {"addr": "203.0.113.7", "scheme": "https", "host": "khaosat.example.vn"}


def test_two_trusted_proxies_give_the_second_last_hop(variant):
    client = _probe(variant(SERVER_NAME=None, TRUSTED_PROXIES=2))
    seen = client.get("/_probe", headers=FORWARDED, environ_base={"REMOTE_ADDR": PROXY}).get_json()
    assert seen["addr"] == "198.51.100.9"


def test_the_audit_log_records_the_clients_address(variant, make_user):
    user = make_user()
    client = variant(TRUSTED_PROXIES=1).test_client()
    client.post("/auth/login", data={"email": user.email, "password": "wrong password"},
                headers={"X-Forwarded-For": "203.0.113.21"}, environ_base={"REMOTE_ADDR": PROXY})
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.actor == user.email)).one()
    assert (entry.action, entry.outcome, entry.details["ip"]) == ("login.failed", "failed", "203.0.113.21")


@pytest.mark.parametrize(("hops", "other_client_status"), [(1, 200), (0, 429)])
def test_sign_in_limit_counts_per_client_behind_the_proxy(variant, make_user, hops, other_client_status):
    user = make_user()
    limited = variant(TRUSTED_PROXIES=hops, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute",
                      RATELIMIT_STORAGE_URI="worker-memory://")
    client = limited.test_client()

    def attempt(address: str) -> int:
        return client.post("/auth/login", data={"email": user.email, "password": "wrong password"},
                           headers={"X-Forwarded-For": address}, environ_base={"REMOTE_ADDR": PROXY}).status_code

    first = f"203.0.113.{40 + hops}"
    assert [attempt(first), attempt(first), attempt(first)] == [200, 200, 429]
    # Trusting the proxy, another citizen has its own budget; not trusting it, everyone is the proxy.
    assert attempt(f"203.0.113.{50 + hops}") == other_client_status


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_a_bad_hop_count_stops_start_up_naming_the_variable(value, monkeypatch):
    monkeypatch.setenv("SURVEY_TRUSTED_PROXIES", value)
    with pytest.raises(ValueError, match="SURVEY_TRUSTED_PROXIES"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
