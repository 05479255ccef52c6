"""Property-based fuzzing of POST /api/v1/responses: no body produces a 500 or a partial write."""
from __future__ import annotations

import json
import uuid

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Answer, Comment, Response

ITEM_CODES = ["Q", "R", "COMMENT", "A2.1.1", "A2.5.1", "X.5", "sex", "ZZ", "", "q"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 12), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=30), st.sampled_from(["5", "\u0000", "\ud800", "A\u0301", "x" * 600]))
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                           max_leaves=12)
answers = st.one_of(json_values, st.dictionaries(st.sampled_from(ITEM_CODES), st.one_of(
    st.integers(0, 9), st.lists(st.integers(0, 9), max_size=4), scalars), max_size=5))
bodies = st.fixed_dictionaries({}, optional={
    "id": st.one_of(st.uuids().map(str), st.just("00000000-0000-0000-0000-000000000001"), scalars),
    "instrument": st.one_of(st.sampled_from(["KIOSK-QUICK", "SIPAS-1001", "ONESTOP-61", "kiosk-quick"]), scalars),
    "version": st.one_of(st.just(1), scalars),
    "service_point": scalars,
    "agency": st.one_of(st.just("000.21.22.H49"), scalars),
    "dossier": st.one_of(st.just("000.21.22.H49-250701-0001"), scalars),
    "channel": st.one_of(st.sampled_from(["kiosk", "online", "paper", "interview"]), scalars),
    "submitted_at": st.one_of(st.just("2026-01-05T10:00:00+07:00"), st.datetimes().map(lambda d: d.isoformat()),
                              st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()), scalars),
    "answers": answers,
    "respondent": st.one_of(st.dictionaries(st.sampled_from(["sex", "age_band", "x"]), scalars, max_size=3),
                            json_values),
    "counter": scalars, "officer": scalars, "extra": scalars,
})


@pytest.fixture
def kiosk_token(make_device) -> str:
    """One kiosk for every example of a run (function-scoped fixtures are shared by the examples)."""
    return make_device()[1]

# Mostly valid KIOSK-QUICK bodies with fuzzed answers, so stored responses are exercised too.
near_valid = st.fixed_dictionaries({
    "id": st.uuids().map(str), "instrument": st.just("KIOSK-QUICK"),
    "submitted_at": st.just("2026-01-05T10:00:00+07:00"),
    "answers": st.fixed_dictionaries({"Q": st.sampled_from([1, 2, 3, 4, 5, 9, 0, "1"])}, optional={
        "R": st.lists(st.integers(0, 8), max_size=4), "COMMENT": st.text(max_size=40)}),
}, optional={"dossier": st.sampled_from(["000.21.22.H49-250701-0001", "H49.221.01-250701-010001"]),
             "channel": st.sampled_from(["kiosk", "online"])})


def _counts() -> tuple[int, int, int]:
    db.session.rollback()
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Response, Answer, Comment))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(body=st.one_of(near_valid, bodies, json_values))
def test_fuzzed_bodies_never_500_and_never_write_part_of_a_response(client, kiosk_token, body):
    token = kiosk_token
    before = _counts()
    raw = json.dumps(body, allow_nan=True).encode("utf-8", "surrogatepass")
    resp = client.post("/api/v1/responses", data=raw, headers={"Authorization": f"Bearer {token}",
                                                               "Content-Type": "application/json"})
    assert resp.status_code < 500, resp.get_data(as_text=True)
    after = _counts()
    if resp.status_code == 201:
        assert after[0] == before[0] + 1 and after[1] > before[1]
        stored = db.session.scalar(select(Response).where(Response.client_id == str(uuid.UUID(body["id"]))))
        assert stored is not None and stored.answers or after[2] > before[2]
    else:
        assert resp.status_code in (200, 409, 413, 415, 422), resp.status_code
        data = resp.get_json()
        assert data["status"] == "already_stored" if resp.status_code == 200 else data["error"]
        assert after == before
