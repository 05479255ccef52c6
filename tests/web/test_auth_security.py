"""Browser security: CSRF on every form, production cookie flags, CSP without inline code, login throttling."""
from __future__ import annotations

import re

import pytest

from survey.auth.session import session_keys
from tests.fixtures.factories import PASSWORD


def _csrf_token(page: bytes) -> str:
    return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"',
                     page).group(1 if b'type="hidden" value' in page else 2).decode()


def test_forms_without_a_csrf_token_are_rejected(variant, make_user):
    strict = variant(WTF_CSRF_ENABLED=True)
    user = make_user("homeaffairs", unit="22")
    client = strict.test_client()
    refused = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status_code == 400
    assert client.get("/auth/password").status_code == 302  # not signed in
    token = _csrf_token(client.get("/auth/login").data)
    signed_in = client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302
    form = client.get("/admin/agencies").data
    assert b'name="csrf_token"' in form
    assert client.post("/admin/agencies", data={"code": "000.55.22.H22", "name": "X", "unit": "22"}).status_code == 400
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/auth/password").status_code == 200  # still signed in: the forged sign-out failed


def test_every_post_form_carries_a_csrf_token(variant, make_user, make_device):
    make_device()
    user = make_user("homeaffairs", unit="22")
    client = variant(WTF_CSRF_ENABLED=True).test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session.update(session_keys(user))
    for url in ("/admin/agencies", "/admin/service-points", "/admin/devices", "/admin/accounts", "/admin/tokens",
                "/auth/password", "/auth/logout"):
        page = client.get(url).get_data(as_text=True)
        forms = re.findall(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", page, flags=re.S | re.I)
        assert forms, url
        assert all('name="csrf_token"' in body for body in forms), url


def test_the_api_needs_no_csrf_token(variant, make_device):
    strict = variant(WTF_CSRF_ENABLED=True)
    _device, token = make_device()
    response = strict.test_client().post("/api/v1/devices/heartbeat", json={"queue_length": 0},
                                         headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_production_cookies_are_secure_httponly_and_samesite(variant, make_user):
    production = variant(PRODUCTION=True, SECRET_KEY="k" * 32)
    user = make_user()
    response = production.test_client().post("/auth/login", data={"email": user.email, "password": PASSWORD},
                                             base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Domain=" not in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_development_cookies_work_over_plain_http(client, make_user):
    user = make_user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "Strict-Transport-Security" not in response.headers


def test_csp_allows_only_own_scripts_and_styles(client, login_as):
    login_as("homeaffairs", unit="22")
    for url in ("/auth/login", "/admin/", "/api/v1/units"):
        policy = client.get(url).headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_no_page_has_inline_scripts_or_styles(app, client, login_as):
    """CSP would block them: every staff and public page uses static files only."""
    login_as("homeaffairs", unit="22")
    problems = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        response = client.get(rule.rule)
        if response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page, re.I) or re.search(r"<style\b|\sstyle=\"", page, re.I) \
                or re.search(r"\son[a-z]+=\"", page, re.I):
            problems.append(rule.rule)
    assert not problems


def test_login_is_throttled_per_address(variant, make_user):
    limited = variant(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute",
                      RATELIMIT_STORAGE_URI="worker-memory://")
    user = make_user()
    client = limited.test_client()
    statuses = [client.post("/auth/login", data={"email": user.email, "password": "wrong password"}).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/auth/login").status_code == 200  # only attempts are limited, not the page
