"""A worker killed mid-job leaves the job failed with a clear message: `survey worker` on Redis (PostgreSQL) and a
`survey jobs start` process running the job in-process (SQLite), each killed with SIGKILL."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from survey.extensions import db
from survey.models import Job
from survey.services.access.scope import scope_for
from survey.services.jobs import runner
from tests.fixtures.factories import HOME_PROVINCE
from tests.jobs.support import client_for, use_backend

ROOT = Path(__file__).resolve().parents[2]


def _spawn(app, args: list[str], tmp_path: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
    env.update({"SURVEY_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SURVEY_JOB_HEARTBEAT_SECONDS": "0.2",
                "SURVEY_JOBS_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)})
    if app.config.get("REDIS_URL"):
        env.update({"SURVEY_REDIS_URL": app.config["REDIS_URL"], "SURVEY_JOBS_QUEUE": app.config["JOBS_QUEUE"]})
    log = (tmp_path / "worker.log").open("wb")
    return subprocess.Popen([str(Path(sys.executable).parent / "survey"), *args], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def _until(predicate, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_killed_worker_leaves_job_failed(app, monkeypatch, make_user, tmp_path):
    backend = use_backend(app, monkeypatch)
    user = make_user("homeaffairs", HOME_PROVINCE)
    if backend == "rq":
        job = runner.prepare(scope_for(user), "check", {"seconds": "600"}, user.email, user.id)
        db.session.commit()
        runner.submit(job)
        process = _spawn(app, ["worker"], tmp_path)
    else:
        process = _spawn(app, ["jobs", "start", "check", "-p", "seconds=600"], tmp_path)
        job = _until(lambda: db.session.scalar(select(Job)), "the CLI to queue its job")
        job.scope, job.requester_id = {"role": "homeaffairs", "unit_ids": sorted(scope_for(user).unit_ids),
                                       "agency_ids": None}, user.id  # let the test's user read it
        db.session.commit()
    public_id = job.public_id
    try:
        _until(lambda: db.session.scalar(select(Job.progress).where(Job.public_id == public_id)),
               "the job to report progress")
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    running = db.session.scalar(select(Job).where(Job.public_id == public_id))
    assert running.state == "running"  # nobody told the database: only the missing heartbeat can

    monkeypatch.setitem(app.config, "JOB_STALE_SECONDS", 1)
    reader = client_for(app, user)
    status = _until(lambda: (s := reader.get(f"/jobs/{public_id}/status?lang=en").json)["state"] == "failed" and s,
                    "the job to be reported failed")
    assert status["error"].startswith("The worker running this job stopped before it finished")
    assert 0 < status["progress"] < 100 and status["download"] is None
    db.session.rollback()
    assert db.session.scalar(select(Job.error_code).where(Job.public_id == public_id)) == "worker_lost"
