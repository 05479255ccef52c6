"""record_response: one transaction the caller owns, scope checks, channel defaults, and the tally hook."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from survey.errors import Forbidden, Invalid
from survey.extensions import db
from survey.models import Answer, Response
from survey.services.responses import record, record_response
from survey.services.access.scope import scope_for


def payload(point: str | None = None, **extra) -> dict:
    body = {"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "submitted_at": "2026-01-05T10:00:00+07:00",
            "answers": {"Q": 4}, **extra}
    if point:
        body["service_point"] = point
    return body


def count(model=Response) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_nothing_is_kept_when_the_callers_transaction_rolls_back(app, make_service_point, monkeypatch):
    # The tally hook fails after the response was flushed: the caller rolls back and no row survives
    # (on SQLite a released SAVEPOINT must not have committed on its own).
    point = make_service_point()
    monkeypatch.setattr(record, "tally_responses",
                        lambda *args: (_ for _ in ()).throw(RuntimeError("tally down")))
    with pytest.raises(RuntimeError):
        record_response(payload(point.code), channel="paper")
    db.session.rollback()
    assert count() == 0 and count(Answer) == 0


def test_tally_hook_sees_the_flushed_response_with_its_answers(app, make_service_point, monkeypatch):
    point = make_service_point()
    seen = []
    monkeypatch.setattr(record, "tally_responses", lambda scored, *args: seen.extend(
        (response.id, len(response.answers)) for response, _scorer in scored))
    recorded = record_response(payload(point.code, answers={"Q": 1, "R": [1, 2]}), channel="paper")
    db.session.commit()
    assert seen == [(recorded.response_id, 3)]


def test_channel_must_be_given_without_a_device(app, make_service_point):
    point = make_service_point()
    with pytest.raises(Invalid) as caught:
        record_response(payload(point.code))
    assert caught.value.errors[0]["field"] == "channel"
    assert record_response(payload(point.code), channel="online").created


def test_staff_can_only_enter_responses_for_their_units(app, make_service_point, make_user):
    from tests.fixtures.factories import HOME_PROVINCE, commune_codes

    home, other = commune_codes(HOME_PROVINCE, 2)
    mine, theirs = make_service_point(unit=home), make_service_point(unit=other)
    clerk = make_user("clerk", unit=home)
    scope = scope_for(clerk)
    assert record_response(payload(mine.code), channel="paper", scope=scope).created
    with pytest.raises(Forbidden):
        record_response(payload(theirs.code), channel="paper", scope=scope)


def test_a_retired_version_still_accepts_queued_answers_but_a_draft_does_not(app, make_service_point):
    from survey.instruments.definition import load_document
    from survey.services.instruments.versions import current_version, store_version

    point = make_service_point()
    draft = load_document("KIOSK-QUICK")
    draft["version"] = 2
    store_version(draft, official=True, publish=False)
    version = current_version("KIOSK-QUICK", 1)
    version.status = "retired"
    db.session.commit()
    assert record_response(payload(point.code, version=1), channel="kiosk").created
    with pytest.raises(Invalid) as caught:
        record_response(payload(point.code, version=2), channel="kiosk")
    assert caught.value.errors[0]["code"] == "not_published"
    with pytest.raises(Invalid) as caught:
        record_response(payload(point.code), channel="kiosk")  # no published version left
    assert caught.value.errors[0]["field"] == "instrument"
