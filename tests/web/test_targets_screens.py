"""Targets screens: Home Affairs types a target (a bad field is named, nothing saved), imports a CSV, sees each
commune's progress and prints a scorecard; other roles may not."""
from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Target
from survey.services.responses import record_response
from tests.fixtures.factories import commune_codes

ICT = timezone(timedelta(hours=7))


def _data(make_service_point) -> str:
    code = commune_codes("22", 1)[0]
    point = make_service_point(unit=code).code
    for k in range(12):
        record_response({"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "service_point": point,
                         "submitted_at": datetime(2026, 1 + k % 3, 12, 10, k, tzinfo=ICT).isoformat(),
                         "answers": {"Q": 5 if k % 4 else 2}}, channel="online")
    db.session.commit()
    return code


def test_home_affairs_sets_targets_and_prints_a_scorecard(app, client, login_as, make_service_point):
    code = _data(make_service_point)
    login_as("homeaffairs")
    bad = client.post("/improvement/targets", data={"level": "commune", "code": code, "year": "2026",
                                                    "instrument": "KIOSK-QUICK", "component": "", "target": "120"})
    assert bad.status_code == 422 and 'id="e-target"' in bad.text
    assert db.session.scalar(select(func.count()).select_from(Target)) == 0
    good = client.post("/improvement/targets", data={"level": "commune", "code": code, "year": "2026",
                                                     "instrument": "KIOSK-QUICK", "component": "", "target": "80"})
    assert good.status_code == 302
    page = client.get("/improvement/targets?year=2026&instrument=KIOSK-QUICK")
    assert page.status_code == 200 and f'data-code="{code}"' in page.text
    csv = f"level,code,year,instrument,component,target\ncommune,{code},2026,KIOSK-QUICK,,85\n".encode()
    imported = client.post("/improvement/targets/import", data={"file": (io.BytesIO(csv), "t.csv")},
                           content_type="multipart/form-data")
    assert imported.status_code == 302
    card = client.get(f"/improvement/scorecard/commune/{code}?year=2026&instrument=KIOSK-QUICK")
    assert card.status_code == 200
    assert 'id="sc-target">85' in card.text and "<svg" in card.text and "style=" not in card.text
    assert client.get("/improvement/scorecard/commune/99999?year=2026").status_code == 404
    assert client.get("/improvement/targets?year=1900").status_code == 400


def test_a_bad_csv_changes_nothing(app, client, login_as, make_service_point):
    code = _data(make_service_point)
    login_as("homeaffairs")
    csv = f"level,code,year,instrument,component,target\ncommune,{code},2026,KIOSK-QUICK,,85\nvillage,1,2026,X,,1\n"
    page = client.post("/improvement/targets/import", data={"file": (io.BytesIO(csv.encode()), "t.csv")},
                       content_type="multipart/form-data")
    assert page.status_code == 422 and 'id="e-file"' in page.text and "line 3" in page.text
    assert db.session.scalar(select(func.count()).select_from(Target)) == 0


def test_other_roles_may_not_set_targets(app, client, login_as):
    login_as("manager")
    assert client.get("/improvement/targets").status_code == 403
    assert client.get("/improvement/scorecard/commune/00001").status_code == 403


def test_the_dashboard_unit_page_shows_the_target(app, client, login_as, make_service_point):
    from survey.services.access.scope import OPERATOR
    from survey.services.targets.manage import set_target

    code = _data(make_service_point)
    set_target(OPERATOR, "22", {"level": "commune", "code": code, "year": "2026", "instrument": "KIOSK-QUICK",
                                "target": "80"})
    db.session.commit()
    login_as("homeaffairs")
    page = client.get(f"/dashboard/commune/{code}?instrument=KIOSK-QUICK&period=2026-Q1")
    assert page.status_code == 200 and 'id="unit-target" data-target="80.0"' in page.text
    assert "/improvement/scorecard/commune/" in page.text
    other = client.get(f"/dashboard/commune/{code}?instrument=KIOSK-QUICK&period=2025-Q1")
    assert 'id="unit-target"' not in other.text  # no target for 2025
