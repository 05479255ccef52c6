"""Group commit of kiosk submissions: a batch stores each response once, with the same tallies as one at a time;
a failure or a revoked device stays with its own response; an unconfirmed submission is withdrawn."""
from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from survey.errors import Conflict, Forbidden, NotFound
from survey.extensions import db
from survey.models import Answer, AnswerTally, Comment, Device, Response, ScoreTally
from survey.services.storage import sql
from survey.services.access.devices import authenticate_kiosk, forget_callers
from survey.services.responses import writelock
from survey.services.responses.group_commit import GroupCommit, Submission, group_commit_for, record_kiosk_response
from survey.services.responses.record import Recorded, prepare_response
from survey.services.access.secrets import digest
from survey.services.indices.tallies import rebuild_tallies

NOW = datetime.now(timezone(timedelta(hours=7))).replace(microsecond=0)


def payload(answers: dict | None = None, client_id: str | None = None) -> dict:
    return {"id": client_id or str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "submitted_at": NOW.isoformat(),
            "answers": answers or {"Q": 2, "R": [3, 1], "COMMENT": "Chờ lâu quá"}}


@pytest.fixture
def kiosk(make_device):
    """(caller, token hash) of a new kiosk, as the API sees it."""
    _device, token = make_device()
    return authenticate_kiosk(token), digest(token)


@pytest.fixture
def group(app):
    """A group commit of its own (the app's is shared by the other tests)."""
    made = GroupCommit(db.engine)
    yield made
    made.close()


def submission(kiosk, body: dict) -> Submission:
    caller, token_hash = kiosk
    return Submission(prepare_response(body, device=caller), caller, token_hash)


def count(model) -> int:
    db.session.rollback()  # see what the group commit's connection committed
    return db.session.scalar(select(func.count()).select_from(model))


def tallies() -> tuple[list, list]:
    db.session.rollback()
    answers = db.session.execute(select(AnswerTally).order_by(*AnswerTally.__table__.primary_key)).scalars()
    scores = db.session.execute(select(ScoreTally).order_by(*ScoreTally.__table__.primary_key)).scalars()
    return ([tuple(getattr(t, c.key) for c in AnswerTally.__table__.columns) for t in answers],
            [tuple(round(v, 9) if isinstance(v, float) else v for v in
                   (getattr(t, c.key) for c in ScoreTally.__table__.columns)) for t in scores])


def test_a_batch_stores_each_response_once_and_tallies_them_as_a_recount_would(group, kiosk):
    first, second = payload({"Q": 5}), payload({"Q": 1, "R": [2], "COMMENT": "Thủ tục rườm rà"})
    batch = [submission(kiosk, first), submission(kiosk, second), submission(kiosk, first),
             submission(kiosk, {**first, "answers": {"Q": 4}})]
    group.write_batch(batch)
    outcomes = [s.outcome for s in batch]
    assert [type(o) for o in outcomes] == [Recorded, Recorded, Recorded, Conflict]
    assert [o.created for o in outcomes[:3]] == [True, True, False]
    assert outcomes[2].response_id == outcomes[0].response_id and outcomes[3].code == "id_reused"
    assert count(Response) == 2 and count(Comment) == 1
    assert count(Answer) == 1 + 2  # Q of each, R's one code of the second
    written = tallies()
    assert written[0] and written[1]
    rebuild_tallies()
    db.session.commit()
    assert tallies() == written


def test_a_response_that_fails_fails_alone(group, kiosk):
    good, bad, other = (submission(kiosk, payload()) for _ in range(3))
    bad.prepared = replace(bad.prepared, row=replace(bad.prepared.row, unit_id=10**9))  # no such unit (FK)
    group.write_batch([good, bad, other])
    assert isinstance(good.outcome, Recorded) and isinstance(other.outcome, Recorded)
    assert "IntegrityError" in {cls.__name__ for cls in type(bad.outcome).__mro__}  # the driver's own
    assert count(Response) == 2


def test_revoked_or_re_enrolled_devices_store_nothing_even_when_remembered(app, client, make_device):
    """Another worker revokes a kiosk (or enrols it again): this worker still remembers the token, yet the
    write re-checks the device and answers 403 (or 401) with nothing stored."""
    def post(token: str):
        return client.post("/api/v1/responses", data=json.dumps(payload()),
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})

    revoked, revoked_token = make_device()
    moved, moved_token = make_device()
    assert post(revoked_token).status_code == 201 and post(moved_token).status_code == 201
    with db.engine.begin() as conn:  # as another process would: this one's remembered tokens stay
        conn.execute(text("UPDATE devices SET revoked_at = :now WHERE id = :id"),
                     {"now": datetime(2026, 1, 1), "id": revoked.id})
        conn.execute(text("UPDATE devices SET token_hash = :hash WHERE id = :id"),
                     {"hash": digest("dev_another"), "id": moved.id})
    assert post(revoked_token).status_code == 403
    assert post(moved_token).status_code == 401
    assert count(Response) == 2
    assert post(revoked_token).status_code == 403  # looked up afresh now
    forget_callers()


def test_devices_last_seen_and_outbox_length_are_written_with_the_response(app, client, make_device):
    device, token = make_device()
    resp = client.post("/api/v1/responses", data=json.dumps(payload()),
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                                "X-Outbox-Length": "7"})
    assert resp.status_code == 201
    db.session.rollback()
    stored = db.session.get(Device, device.id)
    assert stored.queue_length == 7 and stored.last_seen_at is not None


def test_concurrent_submissions_of_one_worker_are_each_stored_once(app, kiosk):
    bodies = [payload() for _ in range(12)]
    sends = bodies + bodies[:6]  # six resent while the first send may still be in flight
    results: list[Recorded] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(sends))

    def send(body: dict) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results.append(record_kiosk_response(body, *kiosk))
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

    threads = [threading.Thread(target=send, args=(body,)) for body in sends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r.created for r in results) == 12 and len(results) == 18
    assert count(Response) == 12


def test_a_submission_not_confirmed_in_time_is_withdrawn(group, kiosk):
    group._writing = True  # another thread leads and is stuck behind a long lock
    waiting = submission(kiosk, payload())
    assert group.write(waiting, wait=0.05) is False
    assert group._waiting == [] and waiting.outcome is None
    assert count(Response) == 0


def test_unknown_and_revoked_errors_keep_their_codes(group, kiosk):
    caller, _hash = kiosk
    stale = Submission(prepare_response(payload(), device=caller), caller, digest("dev_old"))
    group.write_batch([stale])
    assert isinstance(stale.outcome, NotFound) and stale.outcome.code == "unknown_token"
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE devices SET revoked_at = :now WHERE id = :id"),
                     {"now": datetime(2026, 1, 1), "id": caller.id})
    revoked = submission(kiosk, payload())
    group.write_batch([revoked])
    assert isinstance(revoked.outcome, Forbidden) and revoked.outcome.code == "revoked_device"
    assert count(Response) == 0


def test_a_waiting_request_holds_no_pooled_connection(app, variant, make_device):
    """With one pooled connection, a request that read its device through its session still gets its response
    written: it gives the connection back before the group commit needs one (else: pool timeout)."""
    _device, token = make_device()
    small = variant(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 1})
    with small.app_context():
        caller = authenticate_kiosk(token)  # the session now holds the only connection
        recorded = record_kiosk_response(payload(), caller, digest(token))
        assert recorded.created
        group_commit_for(db.engine).close()
        db.engine.dispose()
    assert count(Response) == 1


def test_the_leader_takes_its_connection_before_the_write_lock(app, variant, make_device):
    """A session writer takes a pooled connection, then the write lock; a leader that took the lock first and
    then waited for the pool would wait on it until the pool timed out, and its responses would fail."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the write lock queues SQLite writers only")
    _device, token = make_device()
    small = variant(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_timeout": 2})
    with small.app_context():
        caller = authenticate_kiosk(token)
        waiting = Submission(prepare_response(payload(), device=caller), caller, digest(token))
        db.session.commit()  # the session gives its connection back
        engine, leader = db.engine, GroupCommit(db.engine)
        has_connection = threading.Event()

        def session_writer():
            with engine.connect():  # the pool's only connection
                has_connection.set()
                time.sleep(0.3)  # the leader is waiting by now
                writelock.acquire(engine.url.database)
                writelock.release()

        writer = threading.Thread(target=session_writer)
        writer.start()
        has_connection.wait()
        confirmed = leader.write(waiting, wait=10)
        writer.join()
        leader.close()
        engine.dispose()
    assert confirmed and waiting.result().created
    assert count(Response) == 1


def test_without_group_commit_the_request_writes_its_own_transaction(app, variant, make_device):
    device, token = make_device()
    plain = variant(SUBMIT_GROUP_COMMIT=False)
    resp = plain.test_client().post("/api/v1/responses", data=json.dumps(payload()),
                                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                                             "X-Outbox-Length": "3"})
    assert resp.status_code == 201, resp.get_json()
    assert count(Response) == 1
    assert db.session.get(Device, device.id).queue_length == 3
    forget_callers()


@pytest.mark.parametrize("max_variables", [999, 100])
def test_a_batch_wider_than_one_statement_is_stored_whole(group, kiosk, monkeypatch, max_variables):
    """64 responses of 25 columns exceed the 999 parameters older SQLite takes in one statement (and with 100,
    every table's rows take several statements)."""
    monkeypatch.setattr(sql, "MAX_VARIABLES", max_variables)
    batch = [submission(kiosk, payload({"Q": 1 + n % 2, "COMMENT": f"Góp ý {n}"})) for n in range(64)]
    group.write_batch(batch)
    assert all(isinstance(s.outcome, Recorded) and s.outcome.created for s in batch)
    assert len({s.outcome.response_id for s in batch}) == 64
    assert count(Response) == 64 and count(Comment) == 64 and count(Answer) == 64
