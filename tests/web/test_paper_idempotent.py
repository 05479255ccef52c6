"""A paper questionnaire's time is a function of what was keyed in (its date → local midnight), so sending the
same questionnaire twice, dated today, is "already stored" and never a second row or a conflict."""
from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Response
from survey.services.responses.envelope import LOCAL_TZ
from tests.fixtures.factories import HOME_PROVINCE, commune_codes


def count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Response))


def today() -> str:
    return datetime.now(LOCAL_TZ).date().isoformat()


def midnight_utc(day: str) -> datetime:
    """Local midnight of the day as the naive UTC the database holds (Viet Nam is UTC+7 all year)."""
    return datetime.fromisoformat(day) - timedelta(hours=7)


@pytest.fixture
def point(make_service_point):
    return make_service_point(unit=commune_codes(HOME_PROVINCE, 1)[0], code="SP-IDEM")


def test_paper_screen_twice_today_is_already_stored(client, point, login_as):
    login_as("clerk")
    form = {"instrument": "KIOSK-QUICK", "service_point": "SP-IDEM", "date": today(), "channel": "paper",
            "id": str(uuid.uuid4()), "a.Q": "4", "a.R": "2"}
    first = client.post("/paper/", data=form, headers={"Accept": "application/json"})
    assert first.status_code == 201, first.get_json()
    again = client.post("/paper/", data=form, headers={"Accept": "application/json"})
    assert again.status_code == 200 and again.get_json()["status"] == "already_stored"
    assert count() == 1
    stored = db.session.scalar(select(Response))
    assert stored.submitted_at == midnight_utc(today()) and stored.local_date.isoformat() == today()


def upload(client, text: str):
    return client.post("/paper/import", data={"file": (io.BytesIO(text.encode()), "today.csv"), "channel": "paper"},
                       content_type="multipart/form-data")


def test_csv_import_of_today_twice_is_already_stored(client, point, login_as):
    login_as("clerk")
    day = today()
    text = f"instrument,service_point,submitted_at,Q\nKIOSK-QUICK,SP-IDEM,{day},5\nKIOSK-QUICK,SP-IDEM,{day},3\n"
    assert upload(client, text).status_code == 200
    again = upload(client, text)
    assert again.status_code == 200, again.get_data(as_text=True)
    assert count() == 2
    times = set(db.session.scalars(select(Response.submitted_at)))
    assert times == {midnight_utc(day)}


def test_cli_import_of_today_twice_is_already_stored(runner, point, tmp_path):
    day = today()
    path = tmp_path / "today.csv"
    path.write_text(f"instrument,service_point,submitted_at,Q\nKIOSK-QUICK,SP-IDEM,{day},5\n", encoding="utf-8")
    first = runner.invoke(args=["responses", "import", str(path)])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["responses", "import", str(path)])
    assert again.exit_code == 0 and "1 already stored" in again.output
    assert count() == 1
    assert db.session.scalar(select(Response.submitted_at)) == midnight_utc(day)
