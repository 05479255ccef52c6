"""GET /api/v1/instruments for commune-level staff: their province's own instruments, never another's (issue 19)."""
from __future__ import annotations

import pytest

from survey.extensions import db
from survey.services.access.scope import OPERATOR
from survey.services.instruments import drafts
from tests.fixtures.factories import commune_codes


@pytest.fixture
def own(app):
    for code, province in (("QN-KIOSK", "22"), ("HN-KIOSK", "01")):
        drafts.create_own_instrument("KIOSK-QUICK", code, {"vi": f"Phiếu riêng {code}"}, province, "test", OPERATOR)
        drafts.publish_version(code, 1, "test", OPERATOR)
    db.session.commit()


def test_commune_staff_read_it_through_the_api(client, own, make_token):
    home = {"Authorization": f"Bearer {make_token('viewer', commune_codes('22', 1)[0])}"}
    foreign = {"Authorization": f"Bearer {make_token('viewer', commune_codes('01', 1)[0])}"}
    body = client.get("/api/v1/instruments", query_string={"code": "QN-KIOSK"}, headers=home).get_json()
    assert [(i["code"], i["owner"], i["current_version"]) for i in body["instruments"]] == [("QN-KIOSK", "22", 1)]
    assert client.get("/api/v1/instruments", query_string={"code": "QN-KIOSK"}, headers=foreign).status_code == 404
