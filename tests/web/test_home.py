"""The home page answers in Vietnamese by default, links the areas present, and sends a CSP."""


def test_home_page_shows_counts_and_csp(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert b"3321" in response.data.replace(b".", b"")


def test_health(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "rate_limits": "per-worker"}
