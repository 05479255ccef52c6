"""Jobs as rows: create, read within the requester's scope, progress and heartbeat, stale and expired ones."""
from __future__ import annotations

import json
import os
import secrets
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from survey.errors import NotFound
from survey.extensions import db
from survey.models import Job
from survey.models.base import utcnow
from survey.services.access.scope import Scope

WORKER_LOST = "worker_lost"
SERVER_RESTARTED = "server_restarted"
# Runners whose queued jobs live only in a process's memory: lost, never to start, if that process stops.
IN_PROCESS = ("thread", "cli")


def scope_to_json(scope: Scope) -> dict:
    """A Scope as JSON: sets as sorted lists, None kept."""
    return {"role": scope.role,
            "unit_ids": None if scope.unit_ids is None else sorted(scope.unit_ids),
            "agency_ids": None if scope.agency_ids is None else sorted(scope.agency_ids)}


def scope_from_json(data: dict) -> Scope:
    """The Scope a job runs with, as stored when it was asked for."""
    units, agencies = data.get("unit_ids"), data.get("agency_ids")
    return Scope(role=data["role"], unit_ids=None if units is None else frozenset(units),
                 agency_ids=None if agencies is None else frozenset(agencies))


def create_job(scope: Scope, kind: str, params: dict, actor: str, requester_id: int | None,
               lang: str = "vi", runner: str = "thread") -> Job:
    """A queued job (flushed, not committed: the caller commits, then hands it to `runner`)."""
    job = Job(public_id=secrets.token_hex(12), kind=kind, requester_id=requester_id, actor=actor,
              scope=scope_to_json(scope), params=params, lang=lang, state="queued", progress=0, error_params={},
              runner=runner, heartbeat_at=utcnow())  # a queued job is beaten by the process holding it
    db.session.add(job)
    db.session.flush()
    return job


def visible(scope: Scope, job: Job) -> bool:
    """A job is seen by callers of its role whose scope covers the one it runs with (and by the operator): its
    requester keeps it when units join their scope later (legacy districts imported), nobody else gains it."""
    if scope.is_operator:
        return True
    data = job.scope or {}
    return (data.get("role") == scope.role and _covers(scope.unit_ids, data.get("unit_ids"))
            and _covers(scope.agency_ids, data.get("agency_ids")))


def _covers(mine: frozenset[int] | None, theirs: list[int] | None) -> bool:
    """None is unrestricted: it covers everything and only it covers itself."""
    if mine is None:
        return True
    return theirs is not None and set(theirs) <= mine


def get_job(scope: Scope, public_id: str) -> Job:
    """The job if this caller may see it; NotFound otherwise (an outsider cannot tell hidden from unknown)."""
    reap_stale()
    job = db.session.scalar(select(Job).where(Job.public_id == public_id))
    if job is None or not visible(scope, job):
        raise NotFound("unknown_job", f"There is no job {public_id}", job=public_id)
    return job


def list_jobs(scope: Scope, limit: int = 50) -> list[Job]:
    """The jobs this caller may see, newest first."""
    reap_stale()
    # Scopes are JSON, compared in Python; the recent ones are enough for a list that is kept a day.
    stmt = select(Job).order_by(Job.created_at.desc(), Job.id.desc()).limit(500)
    return [job for job in db.session.scalars(stmt) if visible(scope, job)][:limit]


def stale_after() -> timedelta:
    """How long a running job may go without a heartbeat before its worker counts as lost."""
    return timedelta(seconds=float(current_app.config.get("JOB_STALE_SECONDS", 60)))


def reap_stale(now: datetime | None = None) -> int:
    """Mark as failed the jobs whose process stopped (a killed process never says so itself): running jobs that
    stopped beating, and queued jobs of a web process's pool or a CLI process that nobody beats any more. Queued
    RQ jobs wait in Redis for whichever worker is free, and a live worker beats the job it runs: both are left."""
    now = now or utcnow()
    old = Job.heartbeat_at < now - stale_after()
    in_process = Job.runner.in_(IN_PROCESS)
    stale = old & ((Job.state == "running") | ((Job.state == "queued") & in_process))
    if db.session.scalar(select(Job.id).where(stale).limit(1)) is None:
        return 0  # the common case writes nothing: no write lock taken on every poll of a progress bar
    done = 0
    # The web process's own pool stopped with the process: the server restarted (or its worker was replaced).
    for where, code in ((stale & (Job.runner == "thread"), SERVER_RESTARTED),
                        (stale & ((Job.runner != "thread") | Job.runner.is_(None)), WORKER_LOST)):
        result = db.session.execute(
            update(Job).where(where)
            .values(state="failed", error_code=code, error_params={}, finished_at=now,
                    expires_at=now + keep_for()).execution_options(synchronize_session=False))
        done += result.rowcount or 0
    return done


def reap_on_start() -> int:
    """`reap_stale` in a transaction of its own, for a process starting its runner (no caller's session involved)."""
    try:
        reaped = reap_stale()
        db.session.commit()
        return reaped
    except Exception:
        db.session.rollback()
        raise


def keep_for() -> timedelta:
    """How long results (and failed jobs) are kept."""
    return timedelta(hours=float(current_app.config.get("JOB_RESULT_HOURS", 24)))


def beat_held(job_ids: list[int]) -> None:
    """The heartbeat of the jobs a process holds (queued in its pool or running), on a connection of its own."""
    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id.in_(job_ids), Job.state.in_(("queued", "running")))
                     .values(heartbeat_at=utcnow()))


def beat(job_id: int, progress: int | None = None, steps: list[int] | None = None) -> None:
    """Heartbeat (and progress, with the values reported so far) on a connection of its own, committed at once
    so readers see it now."""
    values: dict = {"heartbeat_at": utcnow()}
    if progress is not None:
        values["progress"] = max(0, min(100, int(progress)))
    if steps is not None:
        values["progress_steps"] = steps
    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job_id, Job.state == "running").values(**values))


def beat_aside(stem: str, progress: int, steps: list[int]) -> None:
    """Progress while the work itself holds SQLite's write lock (a paper import storing its rows), when a write to
    the jobs table would wait for the work's commit: kept in a file beside the results instead, replaced whole."""
    path = results_dir() / f"{stem}.progress"
    partial = path.with_suffix(".progress.tmp")
    partial.write_text(json.dumps({"progress": progress, "steps": steps}), encoding="utf-8")
    os.replace(partial, path)


def _aside(stem: str) -> dict:
    try:
        return json.loads((results_dir() / f"{stem}.progress").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def progress_of(job: Job) -> int:
    """A job's progress as its readers see it: the row's, or the later value kept aside while it held the lock."""
    if job.state != "running":
        return job.progress
    return max(job.progress, int(_aside(job.public_id).get("progress") or 0))


def take_aside(job: Job) -> list[int]:
    """The progress steps the job kept aside (none when it never had to), the file removed: its end is written."""
    steps = _aside(job.public_id).get("steps") or []
    (results_dir() / f"{job.public_id}.progress").unlink(missing_ok=True)
    return [int(v) for v in steps]


def results_dir() -> Path:
    """Where result files are written (shared by the web and `survey worker` processes)."""
    configured = current_app.config.get("JOBS_DIR") or str(Path(current_app.instance_path) / "jobs")
    path = Path(configured)
    path.mkdir(parents=True, exist_ok=True)
    return path


def result_file(scope: Scope, public_id: str) -> tuple[Path, str]:
    """The finished job's file and download name (a failed import's row report too); NotFound when there is none,
    or it expired or was removed."""
    job = get_job(scope, public_id)
    if job.state not in ("done", "failed") or not job.result_path or (job.expires_at and job.expires_at < utcnow()):
        raise NotFound("job_result_gone", "This job has no result to download", job=public_id)
    path = results_dir() / job.result_path
    if not path.is_file():
        raise NotFound("job_result_gone", "This job has no result to download", job=public_id)
    return path, job.result_name or path.name


def purge_expired(now: datetime | None = None) -> int:
    """Delete finished jobs past their keeping time, with their files; returns how many."""
    now = now or utcnow()
    reap_stale(now)
    jobs = list(db.session.scalars(select(Job).where(Job.state.in_(("done", "failed")), Job.expires_at < now)))
    folder = results_dir()
    for job in jobs:
        if job.result_path:
            (folder / job.result_path).unlink(missing_ok=True)
        (folder / f"{job.public_id}.progress").unlink(missing_ok=True)  # a worker killed while storing
        db.session.delete(job)
    # A paper import's upload is deleted by its job; one whose job never ran (refused, lost) goes after the same time.
    cutoff = (now - keep_for()).replace(tzinfo=timezone.utc).timestamp()  # naive UTC, as utcnow()
    for upload in folder.glob("upload-*.csv"):
        if upload.stat().st_mtime < cutoff:
            upload.unlink(missing_ok=True)
    return len(jobs)
