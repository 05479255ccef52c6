"""Helpers for job tests: run jobs the way the backend does (threads on SQLite, RQ on Redis with PostgreSQL)."""
from __future__ import annotations

import uuid

from survey.auth.session import session_keys
from survey.extensions import db
from survey.services.jobs import runner

REDIS_URL = "redis://127.0.0.1:6379/7"  # a database number of its own: tests never touch other keys


def use_backend(app, monkeypatch) -> str:
    """SQLite: the in-process thread pool; PostgreSQL: RQ on the local Redis, a queue of this test's own."""
    if db.engine.dialect.name != "postgresql":
        monkeypatch.setitem(app.config, "REDIS_URL", "")
        return "thread"
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", f"test-{uuid.uuid4().hex[:8]}")
    return "rq"


def run_queued(app, future) -> None:
    """Let the backend run what was queued: wait for the thread, or work the RQ queue in this process."""
    if future is not None:
        future.result(timeout=600)
        return
    from rq import Queue

    QuietWorker = _quiet_worker()
    connection = runner.redis_connection(app)
    queue = Queue(runner.queue_name(app), connection=connection)
    assert queue.count >= 1, "nothing was queued on Redis"
    QuietWorker([queue], connection=connection).work(burst=True, with_scheduler=False)
    queue.delete(delete_jobs=True)


def client_for(app, user):
    """A test client signed in as `user`."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session.update(session_keys(user))  # what a sign-in stores: without it the session is anonymous
    return client


def _quiet_worker():
    from rq import SimpleWorker

    class QuietWorker(SimpleWorker):
        """A worker without the command channel (stop and shutdown orders sent over Redis), which these tests never
        use: with RQ 3.0 and redis-py 8 the worker's teardown joins that thread while it waits up to 60 s for a
        message, which held a job test for a minute in about half the runs of tests/jobs."""

        def subscribe(self) -> None:
            """No command channel (unsubscribe skips its teardown when there is no thread)."""

    return QuietWorker
