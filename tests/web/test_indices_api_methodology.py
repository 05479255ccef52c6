"""The methodology page explains the formulas in Vietnamese and English, with the live weights and min_n."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(("lang", "phrases"), [
    ("vi", ["Phương pháp tính các chỉ số", "Wilson", "SE = sd / √n", "xấp xỉ", "Khía cạnh", "ngày địa phương"]),
    ("en", ["How the indices are computed", "Wilson", "SE = sd / √n", "approximate", "Aspect", "local date"]),
])
def test_methodology_page_in_both_languages(client, lang, phrases):
    resp = client.get("/methodology/", query_string={"lang": lang})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    for phrase in phrases:
        assert phrase in html
    assert "sipas-default-1" in html and "<strong>30</strong>" in html
    # The live structure: SIPAS-1001's factors with their weights, and A3 listed as not measured yet.
    assert "<code>A2.5</code>" in html and "SIPAS-2640 v1" in html and "A3" in html


def test_methodology_page_follows_the_configured_min_n(app, client):
    app.config["MIN_N"] = 50
    try:
        assert "<strong>50</strong>" in client.get("/methodology/?lang=en").get_data(as_text=True)
    finally:
        app.config["MIN_N"] = 30
