"""Jobs of the in-process runner lost when their process stops: marked failed, in the reader's language, on start-up
or when listed, while the jobs a live process still holds (its pool's queue, a live RQ worker's) are left alone."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Job
from survey.models.base import utcnow
from survey.services.access.scope import scope_for
from survey.services.jobs import runner, store
from tests.fixtures.factories import HOME_PROVINCE
from tests.jobs.support import client_for, use_backend

ROOT = Path(__file__).resolve().parents[2]
# A web process in miniature: its pool of one thread runs one 10-minute check and holds a second in its queue.
SERVER = """
import sys, time
from survey.app import create_app
from survey.extensions import db
from survey.services.access.scope import Scope
from survey.services.jobs import runner
app = create_app()
with app.app_context():
    scope = Scope(role="homeaffairs", unit_ids=frozenset(int(u) for u in sys.argv[1].split(",")), agency_ids=None)
    for _ in range(2):
        job = runner.prepare(scope, "check", {"seconds": "600"}, "server", None)
        db.session.commit()
        runner.submit(job)
        print(job.public_id, flush=True)
time.sleep(600)
"""


def _until(predicate, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _spawn(app, args: list[str], tmp_path: Path, redis: bool = False) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
    env.update({"SURVEY_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SURVEY_JOB_HEARTBEAT_SECONDS": "0.2",
                "SURVEY_JOBS_DIR": str(tmp_path), "SURVEY_JOBS_THREADS": "1", "PYTHONPATH": str(ROOT)})
    if redis:
        env.update({"SURVEY_REDIS_URL": app.config["REDIS_URL"], "SURVEY_JOBS_QUEUE": app.config["JOBS_QUEUE"]})
    log = (tmp_path / "process.log").open("wb")
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log, start_new_session=True,
                            text=True)


def _job(scope, runner_name: str, state: str, beaten: timedelta) -> Job:
    job = store.create_job(scope, "check", {"seconds": "0"}, "someone", None, runner=runner_name)
    job.state, job.heartbeat_at = state, utcnow() - beaten
    return job


def test_jobs_lost_with_their_process_fail_and_the_others_are_left(app, make_user):
    user = make_user("homeaffairs", HOME_PROVINCE)
    scope, long_ago, now = scope_for(user), timedelta(minutes=5), timedelta(0)
    lost = [_job(scope, "thread", "queued", long_ago), _job(scope, "thread", "running", long_ago)]
    cli = _job(scope, "cli", "queued", long_ago)
    kept = [_job(scope, "rq", "queued", long_ago),  # waits in Redis for whichever worker is free
            _job(scope, "rq", "running", now), _job(scope, "thread", "queued", now),  # beaten: a live process
            _job(scope, None, "queued", long_ago)]  # queued before migration 0017: nobody can tell
    db.session.commit()
    ids = {job.id: job.public_id for job in [*lost, cli, *kept]}

    assert store.reap_on_start() == 3  # a pool starting up looks first
    db.session.expire_all()
    states = {ids[job.id]: (job.state, job.error_code) for job in db.session.scalars(select(Job))}
    assert [states[j.public_id] for j in lost] == [("failed", "server_restarted")] * 2
    assert states[cli.public_id] == ("failed", "worker_lost")  # a `survey jobs start` process that was killed
    assert [states[j.public_id][0] for j in kept] == ["queued", "running", "queued", "queued"]
    reader = client_for(app, user)
    en = reader.get(f"/jobs/{lost[0].public_id}/status?lang=en").json
    assert en["error"] == "The server restarted before the job finished; start it again."
    vi = reader.get(f"/jobs/{lost[1].public_id}/status?lang=vi").json
    assert vi["error"] == "Máy chủ đã khởi động lại trước khi công việc hoàn tất; xin bắt đầu lại."
    assert "Máy chủ đã khởi động lại" in reader.get(f"/jobs/{lost[1].public_id}?lang=vi").get_data(as_text=True)


def test_a_killed_web_process_leaves_no_job_queued_or_running(app, make_user, monkeypatch, tmp_path):
    """The queued job is beaten by the live pool (never reaped meanwhile); once the process is killed, listing marks
    both it and the running one failed."""
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    user = make_user("homeaffairs", HOME_PROVINCE)
    units = ",".join(str(u) for u in sorted(scope_for(user).unit_ids))
    process = _spawn(app, [sys.executable, "-c", SERVER, units], tmp_path)
    try:
        ids = [process.stdout.readline().strip() for _ in range(2)]
        assert all(ids), (tmp_path / "process.log").read_text()
        _until(lambda: db.session.scalar(select(Job.progress).where(Job.public_id == ids[0])), "progress")
        monkeypatch.setitem(app.config, "JOB_STALE_SECONDS", 1)
        time.sleep(1.5)  # longer than the stale time: only the beats keep them
        reader = client_for(app, user)
        listed = reader.get("/jobs/?lang=en").get_data(as_text=True)
        assert "Running" in listed and "Waiting" in listed
        db.session.rollback()
        assert [db.session.scalar(select(Job.state).where(Job.public_id == i)) for i in ids] == ["running", "queued"]
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    time.sleep(1.5)
    page = client_for(app, user).get("/jobs/?lang=en").get_data(as_text=True)
    assert "Running" not in page and "Waiting" not in page and page.count("Failed") == 2
    db.session.rollback()
    assert {db.session.scalar(select(Job.error_code).where(Job.public_id == i)) for i in ids} == {"server_restarted"}


def test_a_live_rq_workers_job_is_never_reaped(app, make_user, monkeypatch, tmp_path):
    """PostgreSQL with Redis: a worker's running job beats, its queued one waits in Redis; neither is touched while
    the worker lives, however short the stale time."""
    if use_backend(app, monkeypatch) != "rq":
        pytest.skip("RQ runs with PostgreSQL in these tests")
    user = make_user("homeaffairs", HOME_PROVINCE)
    scope = scope_for(user)
    jobs = [runner.prepare(scope, "check", {"seconds": "600"}, user.email, user.id) for _ in range(2)]
    db.session.commit()
    for job in jobs:
        runner.submit(job)
    ids = [job.public_id for job in jobs]
    process = _spawn(app, [str(Path(sys.executable).parent / "survey"), "worker"], tmp_path, redis=True)
    try:
        _until(lambda: db.session.scalar(select(Job.progress).where(Job.public_id == ids[0])), "progress")
        monkeypatch.setitem(app.config, "JOB_STALE_SECONDS", 1)
        time.sleep(1.5)
        client_for(app, user).get("/jobs/")
        assert store.reap_on_start() == 0
        db.session.rollback()
        assert [db.session.scalar(select(Job.state).where(Job.public_id == i)) for i in ids] == ["running", "queued"]
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        from rq import Queue

        Queue(runner.queue_name(app), connection=runner.redis_connection(app)).delete(delete_jobs=True)
