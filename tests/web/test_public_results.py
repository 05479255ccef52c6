"""The public results page (no login): only periods Home Affairs published, never a suppressed cell (not even its
n), open data CSV with a code book; publishing needs a closed period and the publish permission."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from survey.errors import Invalid
from survey.extensions import db
from survey.models import Publication
from survey.services.access.scope import OPERATOR
from survey.services.publication.publish import publish
from survey.services.responses import record_response
from tests.fixtures.factories import commune_codes


def seed_public(make_service_point) -> tuple[str, str]:
    """Commune A: 40 SIPAS-2640 respondents in March and in April 2026; commune B: 3 in March (suppressed)."""
    a, b = commune_codes("22", 2)
    point_a, point_b = make_service_point(unit=a).code, make_service_point(unit=b).code
    for month, count in ((3, 40), (4, 40)):
        for k in range(count):
            record_response({"id": str(uuid.uuid4()), "instrument": "SIPAS-2640", "service_point": point_a,
                             "submitted_at": f"2026-{month:02d}-10T00:00:00+07:00",
                             "answers": {"E1.1": 5 if k % 4 else 2, "E3.1": 4}}, channel="paper")
    for _ in range(3):
        record_response({"id": str(uuid.uuid4()), "instrument": "SIPAS-2640", "service_point": point_b,
                         "submitted_at": "2026-03-10T00:00:00+07:00", "answers": {"E1.1": 1, "E3.1": 1}},
                        channel="paper")
    db.session.commit()
    return a, b


def test_only_published_periods_are_public_and_no_suppressed_cell(app, client, make_service_point):
    a, b = seed_public(make_service_point)
    assert client.get("/results/22").status_code == 404  # nothing published yet
    publish(OPERATOR, "22", "SIPAS-2640", "2026-03", on=date(2026, 4, 2))
    db.session.commit()
    page = client.get("/results/22")
    assert page.status_code == 200
    assert f'data-code="{a}"' in page.text and f'data-code="{b}"' not in page.text
    assert 'data-hidden="1"' in page.text
    assert client.get("/results/22?period=2026-04").status_code == 404  # April is not published
    data = client.get("/results/22/data.csv?instrument=SIPAS-2640&period=2026-03")
    rows = list(csv.DictReader(io.StringIO(data.text.lstrip("\ufeff"))))
    assert [(r["level"], r["code"]) for r in rows] == [("province", "22"), ("commune", a)]
    # Commune A: E1.1 30/40 = 75 %, E3.1 40/40 = 100 % → the mean of the two elements with data, 87.5.
    assert rows[1]["index"] == "87.5" and rows[1]["rank"] == "1" and rows[1]["period"] == "2026-03"
    book = client.get("/results/codebook.csv").text
    assert all(column in book for column in ("level", "ci_low", "rank", "method_version"))
    assert client.get("/results/").status_code == 200


def test_publishing_needs_a_closed_period(app, make_service_point):
    seed_public(make_service_point)
    with pytest.raises(Invalid) as caught:
        publish(OPERATOR, "22", "SIPAS-2640", "2026-04", on=date(2026, 4, 30))
    assert caught.value.errors[0]["code"] == "not_closed"
    with pytest.raises(Invalid):
        publish(OPERATOR, "22", "NOPE", "2026-03", on=date(2026, 5, 1))
    assert db.session.scalar(select(func.count()).select_from(Publication)) == 0


def test_home_affairs_publishes_and_withdraws_on_screen(app, client, login_as, make_service_point):
    seed_public(make_service_point)
    login_as("homeaffairs")
    bad = client.post("/improvement/publications", data={"instrument": "SIPAS-2640", "period": "2999"})
    assert bad.status_code == 422 and 'id="e-period"' in bad.text
    assert client.post("/improvement/publications",
                       data={"instrument": "SIPAS-2640", "period": "2026-03"}).status_code == 302
    assert client.get("/results/22").status_code == 200
    assert client.post("/improvement/publications/withdraw",
                       data={"instrument": "SIPAS-2640", "period": "2026-03"}).status_code == 302
    assert client.get("/results/22").status_code == 404


def test_managers_may_not_publish(app, client, login_as):
    login_as("manager")
    assert client.post("/improvement/publications", data={"instrument": "SIPAS-2640",
                                                          "period": "2026-03"}).status_code == 403
