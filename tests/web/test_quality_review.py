"""The quality review screen: Home Affairs sees flagged episodes with the figures with and without them, runs the
scan and changes thresholds (bad values named, nothing changed); other roles may not; the dashboard's clean switch."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from survey.extensions import db
from survey.models import QualitySettings
from survey.services.access.devices import authenticate_kiosk
from survey.services.responses import record_response

ICT = timezone(timedelta(hours=7))


def _burst(make_device, n: int = 30) -> None:
    _device, token = make_device()
    caller = authenticate_kiosk(token)
    start = datetime(2026, 3, 3, 9, 0, tzinfo=ICT)
    for k in range(n):
        record_response({"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK",
                         "submitted_at": (start + timedelta(seconds=5 * k)).isoformat(), "answers": {"Q": 5}},
                        device=caller)
    for k in range(10):
        record_response({"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK",
                         "submitted_at": datetime(2026, 3, 5 + k % 2, 10 + k // 2, 0, tzinfo=ICT).isoformat(),
                         "answers": {"Q": 2}}, device=caller)
    db.session.commit()


def test_home_affairs_scans_and_reviews_flagged_episodes(app, client, login_as, make_device):
    _burst(make_device)
    login_as("homeaffairs")
    page = client.get("/improvement/quality?period=2026-03")
    assert page.status_code == 200 and 'id="no-flags"' in page.text
    done = client.post("/improvement/quality/scan", data={"period": "2026-03"})
    assert done.status_code == 302
    page = client.get("/improvement/quality?period=2026-03").text
    assert 'data-reason="burst"' in page and "<td class=\"num\">30</td>" in page
    # All 40: 30 of 40 satisfied = 75 %; clean: 0 of 10 = 0 %.
    assert "75,00" in page or "75.00" in page
    assert 'data-instrument="KIOSK-QUICK"' in page


def test_thresholds_are_checked_and_saved(app, client, login_as):
    login_as("homeaffairs")
    bad = client.post("/improvement/quality/settings", data={"burst_count": "0", "burst_minutes": "10",
                                                             "fast_seconds_per_item": "1", "straight_min_items": "10",
                                                             "comment_repeats": "3", "default_hours": "always"})
    assert bad.status_code == 422 and 'id="e-burst_count"' in bad.text and 'id="e-default_hours"' in bad.text
    assert db.session.scalar(select(QualitySettings)) is None
    good = client.post("/improvement/quality/settings", data={"burst_count": "40", "burst_minutes": "10",
                                                              "fast_seconds_per_item": "1.5",
                                                              "straight_min_items": "10", "comment_repeats": "3",
                                                              "default_hours": "mon-sat 07:00-17:00"})
    assert good.status_code == 302
    assert db.session.scalar(select(QualitySettings.burst_count)) == 40


def test_a_bad_period_is_named(app, client, login_as):
    login_as("homeaffairs")
    page = client.get("/improvement/quality?period=March")
    assert page.status_code == 400 and 'id="e-period"' in page.text


def test_other_roles_may_not_review(app, client, login_as):
    login_as("manager")
    assert client.get("/improvement/quality").status_code == 403
    assert client.post("/improvement/quality/scan").status_code == 403


def test_the_dashboard_switch_computes_the_clean_view(app, client, login_as, make_device, make_token):
    from survey.services.access.scope import OPERATOR
    from survey.services.quality.scan import scan

    _burst(make_device)
    scan(OPERATOR, "22")
    db.session.commit()
    login_as("homeaffairs")
    base = "/dashboard/?instrument=KIOSK-QUICK&period=2026-03"
    everything, clean = client.get(base), client.get(base + "&quality=clean")
    assert everything.status_code == 200 and clean.status_code == 200
    assert 'id="f-quality" type="checkbox" name="quality" value="clean" checked' in clean.text
    assert client.get(base + "&quality=tidy").status_code == 400
    api = "/api/v1/indices?instrument=KIOSK-QUICK&period=2026-03&province=22"
    headers = {"Authorization": f"Bearer {make_token('homeaffairs')}"}
    bad = client.get(api + "&quality=tidy", headers=headers)
    assert bad.status_code == 422 and "quality" in bad.text
    rows = {q: [r for r in client.get(api + f"&quality={q}&by=province", headers=headers).json["rows"]]
            for q in ("all", "clean")}
    assert [(r["n"], r["flagged"]) for r in rows["all"]] == [(40, 30)]
    assert [(r["n"], r["flagged"]) for r in rows["clean"]] == [(10, 30)]
