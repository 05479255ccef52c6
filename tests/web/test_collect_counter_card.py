"""The printable counter card (issue 19.17): no site bar, a short code typed in any case resolves to the point."""
from __future__ import annotations

import re

from survey.services.responses.points import short_code


def test_the_card_is_clean_and_carries_a_short_code(client, make_service_point):
    point = make_service_point(name="Trung tâm Phục vụ hành chính công tỉnh")
    html = client.get(f"/s/{point.public_key}/print").get_data(as_text=True)
    assert 'class="topbar"' not in html and "css/card.css" in html
    code = re.search(r'id="short-code"[^>]*>([^<]+)<', html).group(1)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4} [0-9A-HJKMNP-TV-Z]{4}", code)
    assert code.replace(" ", "") == short_code(point) and point.name in html
    assert "style=" not in html and "<script>" not in html


def test_the_short_code_is_typed_in_any_case_without_spaces(client, make_service_point):
    point = make_service_point()
    other = make_service_point()
    code = short_code(point)
    assert code != short_code(other)
    for typed in (code, code.lower(), f"{code[:4]} {code[4:]}", f" {code[:4]}-{code[4:].lower()} "):
        resp = client.post("/s/", data={"code": typed})
        assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/s/{point.public_key}"), typed
    # O and I, L read as 0 and 1: a code is never misread.
    if "0" in code or "1" in code:
        looks = code.replace("0", "O").replace("1", "l")
        assert client.post("/s/", data={"code": looks}).headers["Location"].endswith(f"/s/{point.public_key}")
    assert client.post("/s/", data={"code": "ZZZZZZZZ"}).headers["Location"].endswith("/s/")
    assert client.post("/s/", data={"code": point.public_key}).headers["Location"].endswith(  # old cards
        f"/s/{point.public_key}")
