"""The "what to fix first" screen: the ranked items, the importance–performance SVG (no inline style), the
citizens' priorities and kiosk reasons; bad parameters are 400, other roles 403."""
from __future__ import annotations


def test_the_screen_ranks_items_and_draws_the_chart(app, client, login_as, communes):
    a, _b = communes
    login_as("homeaffairs")
    page = client.get(f"/improvement/priorities/commune/{a}?instrument=SIPAS-2640&period=2026-03")
    assert page.status_code == 200
    text = page.text
    assert text.index('data-item="E1.1"') < text.index('data-item="E3.1"')
    assert 'class="ip-chart"' in text and "style=" not in text
    assert 'id="reasons"' in text
    target = client.get(f"/improvement/priorities/commune/{a}?instrument=SIPAS-2640&period=2026-03&reference=target")
    assert target.status_code == 200 and 'id="no-target"' in target.text


def test_bad_parameters_and_roles(app, client, login_as, communes):
    a, _b = communes
    login_as("homeaffairs")
    assert client.get(f"/improvement/priorities/commune/{a}?instrument=X").status_code == 400
    assert client.get(f"/improvement/priorities/commune/{a}?period=soon").status_code == 400
    assert client.get(f"/improvement/priorities/village/{a}").status_code == 404
    assert client.get("/improvement/priorities/commune/99999?period=2026-03").status_code == 404
    client.get("/auth/logout")


def test_managers_may_not_open_it(app, client, login_as, communes):
    a, _b = communes
    login_as("manager")
    assert client.get(f"/improvement/priorities/commune/{a}").status_code == 403
