"""Issue 19 item 14: one navigation on every area, built from what the signed-in role may open; the home page
offers only what works for the person reading it."""
from __future__ import annotations

import re

import pytest

from tests.fixtures.factories import commune_codes


def nav(page: str) -> list[str]:
    """The hrefs of the top bar's main navigation."""
    bar = page.split('<nav aria-label="', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'href="([^"?]+)"', bar)


def cards(page: str) -> list[str]:
    return re.findall(r'<a class="card" href="([^"]+)"', page)


def test_clerk_sees_only_what_a_clerk_may_open(client, login_as):
    login_as("clerk", unit=commune_codes("22", 1)[0])
    home = client.get("/?lang=vi").get_data(as_text=True)
    assert "/paper/" in cards(home)
    assert not {"/admin/", "/dashboard/", "/reports/", "/auth/login"} & set(cards(home) + nav(home))
    assert "Đăng nhập cán bộ" not in home
    for href in set(cards(home) + nav(home)) - {"/auth/logout"}:
        assert client.get(href).status_code == 200, href  # nothing offered answers 403


def test_home_affairs_reaches_every_area_from_every_area(client, login_as):
    login_as("homeaffairs", unit="22")
    wanted = {"/dashboard/", "/reports/", "/paper/", "/admin/", "/admin/instruments/", "/methodology/"}
    for area in ("/", "/admin/", "/admin/agencies", "/dashboard/", "/reports/", "/paper/", "/admin/instruments/",
                 "/methodology/"):
        page = client.get(area).get_data(as_text=True)
        assert wanted <= set(nav(page)), area
        assert "/auth/login" not in nav(page) and "/auth/logout" in nav(page)


@pytest.mark.parametrize("role", ["viewer", "manager"])
def test_every_link_offered_opens(client, login_as, role):
    login_as(role, unit=commune_codes("22", 1)[0])
    page = client.get("/").get_data(as_text=True)
    offered = set(cards(page) + nav(page)) - {"/auth/logout"}
    assert offered
    for href in offered:
        assert client.get(href, follow_redirects=True).status_code == 200, href


def test_anonymous_home_offers_sign_in_and_no_401_links(client):
    page = client.get("/?lang=vi").get_data(as_text=True)
    assert "/auth/login" in nav(page) and "/admin/" not in nav(page)
    api = re.findall(r'<code><a href="(/api/[^"]+)"', page)
    assert api and all(client.get(href).status_code == 200 for href in api)


def test_current_area_is_marked(client, login_as):
    login_as("homeaffairs", unit="22")
    page = client.get("/reports/").get_data(as_text=True)
    assert re.search(r'href="/reports/"\s+aria-current="page"', page)
