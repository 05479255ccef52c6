"""Group commit: a worker's kiosk submissions written together, as many to a transaction as are waiting.

Each request thread validates its response, then hands it to its process's `GroupCommit` and waits: the 201
still comes only after the commit that holds the response. A thread that finds nobody writing becomes the leader:
it takes every response waiting (its own first) and, in one transaction (one SQLite write lock, one commit),
re-checks their devices and stores them with `store_batch` (one statement per table, the tallies summed); then it
wakes the others and hands the lead to the next waiting response, if any. Under load a submission shares the
lock, the commit and the WAL pages with its neighbours instead of queueing for each (SPEC P1); alone it writes
itself, with no thread to wake. A response that fails for an unexpected reason fails alone: its batch is rolled
back and written again one response at a time.
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import Connection, Engine

from survey.errors import DomainError, Forbidden, Invalid, NotFound
from survey.extensions import db
from survey.observability.logs import current_request_id
from survey.observability.submissions import batch_written, lone_written
from survey.services.access.devices import KioskCaller, forget_callers
from survey.services.storage.sql import db_time, execute_many, fetch_all
from survey.services.responses import writelock
from survey.services.responses.kiosk import note_device_seen, seen_update
from survey.services.responses.store import begin_write
from survey.services.responses.record import (Prepared, Recorded, closed_message, prepare_response, store_batch,
                                              store_prepared)

log = logging.getLogger(__name__)
MAX_BATCH = 64  # responses per transaction: bounds how long one commit keeps the others waiting
WAIT_SECONDS = 30.0  # a submission not confirmed by then answers 503 (the outbox sends it again: idempotent)


@dataclass(eq=False)
class Submission:
    """One validated kiosk response on its way to the database, and what became of it."""

    prepared: Prepared
    caller: KioskCaller
    token_hash: str
    seen: tuple[datetime, int] | None = None  # (now, outbox length) when the device's row is due an update
    outcome: Recorded | BaseException | None = None
    lead: bool = False  # handed the lead: this submission's thread writes the next batch
    done: threading.Event = field(default_factory=threading.Event)  # written, failed or handed the lead
    request_id: str = field(default_factory=current_request_id)  # the submitting request's, for the leader's log

    def result(self) -> Recorded:
        """The stored response; re-raises the Conflict, Forbidden, NotFound or failure met while writing."""
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


class GroupCommit:
    """The submissions of one worker process to one database, written a batch at a time by a leading thread."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._waiting: list[Submission] = []
        self._writing = False
        self._conn: Connection | None = None  # used by the leader only, one at a time

    def write(self, submission: Submission, wait: float) -> bool:
        """Store one submission (its outcome is then set); False when it was not confirmed within `wait` seconds
        (the database was locked by a long job): it may still be stored, and a resend says so."""
        with self._lock:
            self._waiting.append(submission)
            leading, self._writing = not self._writing, True
        if not leading:
            if not submission.done.wait(wait):
                with self._lock:
                    if not submission.lead:  # still queued (withdrawn now) or in the batch being written
                        if submission in self._waiting:
                            self._waiting.remove(submission)
                        return False
            if not submission.lead:
                return True
        self._lead()
        return True

    def _lead(self) -> None:
        """Write the waiting submissions, wake them, and hand the lead to the next one waiting (or give it up)."""
        batch: list[Submission] = []
        try:
            # The batch is taken once this process holds the write lock: whatever arrived while the other
            # workers wrote goes in too.
            with self._write_lock():
                with self._lock:
                    batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
                self._store_batch(batch)
        except BaseException as exc:  # nobody may be left waiting, whatever happened
            for submission in batch:
                if submission.outcome is None:
                    submission.outcome = exc
            raise
        finally:
            with self._lock:
                successor = self._waiting[0] if self._waiting else None
                if successor is not None:
                    successor.lead = True
                self._writing = successor is not None
            for submission in batch:
                submission.done.set()
            if successor is not None:
                successor.done.set()
        batch_written(batch)  # once its requests are woken: they need not wait for the log line

    def write_batch(self, batch: list[Submission]) -> None:
        """Store these submissions together now, each one's outcome set (for tools and tests: it takes no lead, so
        never call it while `write` may be leading on this object)."""
        with self._write_lock():
            self._store_batch(batch)
        batch_written(batch)

    def _store_batch(self, batch: list[Submission]) -> None:
        """One transaction for the batch; on an unexpected error, one transaction per response."""
        try:
            self._transaction(batch)
        except Exception as exc:
            self._close()  # a broken connection is not reused
            if len(batch) == 1:
                batch[0].outcome = exc
                log.exception("submission %s failed", batch[0].prepared.row.client_id)
                return
            for submission in batch:
                submission.outcome = None
                self._store_batch([submission])

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        """SQLite: this process's turn at the file lock that queues writers (writelock); PostgreSQL: nothing."""
        if self.engine.dialect.name != "sqlite":
            yield
            return
        # Connection first, lock second, as session writers do (store.begin_write): waiting for the pool while
        # holding the lock could wait on a writer that holds a pooled connection and waits for the lock.
        self._connection()
        writelock.acquire(self.engine.url.database)
        try:
            yield
        finally:
            writelock.release()

    def _transaction(self, batch: list[Submission]) -> None:
        """Re-check the devices and store the batch, committed on the driver (SQLAlchemy's own transaction
        bookkeeping cost as much as a small batch's statements)."""
        conn = self._connection()
        driver = conn.connection.driver_connection
        if conn.dialect.name == "sqlite":  # take SQLite's write lock now (pysqlite would begin lazily)
            driver.execute("BEGIN IMMEDIATE")
        try:
            _store(_checked_devices(batch, conn), conn)
        except BaseException:
            driver.rollback()
            raise
        driver.commit()

    def _connection(self) -> Connection:
        """The leader's connection, kept between batches (checked out of the engine's pool when first needed)."""
        if self._conn is None:
            self._conn = self.engine.connect()
        return self._conn

    def close(self) -> None:
        """Return the connection to the pool (it is opened again when needed)."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001 - the connection is dropped either way
                log.exception("closing the submission connection failed")
            self._conn = None


def _checked_devices(batch: list[Submission], conn: Connection) -> list[Submission]:
    """The submissions whose device still holds its token and is not revoked; the others get their error here,
    since the API remembers tokens for a minute (devices.remembered_kiosk)."""
    ids = sorted({s.caller.id for s in batch})
    marks = ", ".join(f":d{n}" for n in range(len(ids)))
    rows = fetch_all(f"SELECT d.id, d.token_hash, d.revoked_at, p.active, p.code FROM devices d "
                     f"JOIN service_points p ON p.id = d.service_point_id WHERE d.id IN ({marks})",
                     {f"d{n}": device_id for n, device_id in enumerate(ids)}, conn)
    devices = {row[0]: row for row in rows}
    accepted = []
    for submission in batch:
        row = devices.get(submission.caller.id)
        if row is None or row[1] != submission.token_hash:
            submission.outcome = NotFound("unknown_token", "Unknown device token")
        elif row[2] is not None:
            submission.outcome = Forbidden("revoked_device", "This device has been revoked")
        elif not row[3]:  # the point was deactivated: the token stays valid, its submissions are refused
            submission.outcome = Invalid([{"field": "service_point", "code": "inactive",
                                           "message": closed_message(row[4])}], closed_message(row[4]))
        else:
            accepted.append(submission)
            continue
        forget_callers(submission.token_hash)
    return accepted


def _store(batch: list[Submission], conn: Connection) -> None:
    """Store the batch (each outcome: Recorded, or the Conflict of a reused id or a rated dossier) and update the
    devices that are due it with their last-seen time and outbox length (see kiosk.note_device_seen)."""
    for submission, outcome in zip(batch, store_batch([s.prepared for s in batch], conn)):
        submission.outcome = outcome
    seen = [{"device_id": s.caller.id, "seen": db_time(s.seen[0], conn), "queue": s.seen[1]}
            for s in batch if s.seen is not None and isinstance(s.outcome, Recorded)]
    if seen:
        execute_many("UPDATE devices SET last_seen_at = :seen, queue_length = :queue WHERE id = :device_id",
                     seen, conn)


_group_commits: dict[tuple[int, int], GroupCommit] = {}
_group_commits_lock = threading.Lock()


def group_commit_for(engine: Engine) -> GroupCommit:
    """This process's group commit for the engine's database (a forked worker starts its own)."""
    key = (os.getpid(), id(engine))
    found = _group_commits.get(key)
    if found is None:
        with _group_commits_lock:
            found = _group_commits.get(key)
            if found is None:
                found = _group_commits[key] = GroupCommit(engine)
    return found


class NotConfirmed(DomainError):
    """The response was not confirmed in time (the database is locked by a long job): the kiosk sends again."""

    status = 503


def record_kiosk_response(payload: object, caller: KioskCaller, token_hash: str, queue_length: int | None = None,
                          wait: float = WAIT_SECONDS) -> Recorded:
    """Validate a kiosk's response (Invalid: nothing written) and store it once with this process's group commit;
    the device's last-seen row is updated in the same transaction. On the request's own session instead where
    the database cannot be shared between threads (in-memory SQLite) or SUBMIT_GROUP_COMMIT is off."""
    prepared = prepare_response(payload, device=caller)
    engine = db.engine
    if not _shareable(engine):
        lone = Submission(prepared, caller, token_hash)
        # Checked in the write transaction, as the group commit does: the token remembered here may have been
        # revoked or re-enrolled through another worker or server since.
        if not _checked_devices([lone], begin_write()):
            db.session.rollback()
            raise lone.outcome
        recorded = store_prepared(prepared)
        note_device_seen(caller, queue_length)
        db.session.commit()
        lone_written(recorded.created)
        return recorded
    if db.session.registry.has() and db.session().in_transaction():
        # A device or version not remembered yet was read through the request's session: give its connection back
        # before waiting, or threads waiting here could hold every pooled connection the leader needs.
        db.session.commit()
    submission = Submission(prepared, caller, token_hash, seen_update(caller, queue_length))
    if not group_commit_for(engine).write(submission, wait):
        raise NotConfirmed("not_confirmed", "The database is busy; the response was not confirmed, send it again")
    return submission.result()


def _shareable(engine: Engine) -> bool:
    """Whether group commit is on and another connection (a leading thread's) sees the same database."""
    in_memory = engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")
    return bool(current_app.config.get("SUBMIT_GROUP_COMMIT", True)) and not in_memory
