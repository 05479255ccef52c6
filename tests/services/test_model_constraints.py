"""Invariants kept by the database itself, whatever code writes: unique client ids, codes in range."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.models import Answer, Item, Response
from survey.services.instruments.versions import current_version


def _response_row(point, client_id: str) -> dict:
    return {"client_id": client_id, "content_hash": "h", "instrument_version_id": current_version("KIOSK-QUICK").id,
            "service_point_id": point.id, "unit_id": point.unit_id, "agency_id": point.agency_id,
            "channel": "kiosk", "submitted_at": datetime(2026, 9, 1, 3), "local_date": date(2026, 9, 1)}


def test_duplicate_client_id_is_rejected_by_the_database(app, make_service_point):
    point = make_service_point()
    row = _response_row(point, "0190f4c2-6a00-7000-a000-000000000001")
    db.session.execute(insert(Response), [row])
    with pytest.raises(IntegrityError):
        db.session.execute(insert(Response), [row])
    db.session.rollback()


def test_unknown_channel_and_out_of_range_code_are_rejected(app, make_service_point):
    point = make_service_point()
    with pytest.raises(IntegrityError):
        db.session.execute(insert(Response), [{**_response_row(point, "x-1"), "channel": "fax"}])
    db.session.rollback()
    response_id = db.session.execute(insert(Response).returning(Response.id), [_response_row(point, "x-2")]).scalar()
    item = db.session.scalar(select(Item.id).where(Item.code == "Q"))
    with pytest.raises(IntegrityError):
        db.session.execute(insert(Answer), [{"response_id": response_id, "item_id": item, "code": 100}])
    db.session.rollback()
