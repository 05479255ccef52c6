"""Run a job: RQ on Redis when SURVEY_REDIS_URL is set (`survey worker`), else a thread pool inside the app."""
from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

from flask import Flask, current_app

from survey.errors import DomainError
from survey.extensions import db
from survey.models import Job
from survey.models.base import utcnow
from survey.services.access import audit
from survey.services.jobs import store
from survey.services.jobs.context import JobFailed
from survey.services.jobs.kinds import KINDS, Context, Result

log = logging.getLogger(__name__)
_LOCK = threading.Lock()


def queue_name(app: Flask | None = None) -> str:
    """The RQ queue of this installation (tests use their own)."""
    return (app or current_app).config.get("JOBS_QUEUE", "survey-jobs")


def uses_redis(app: Flask | None = None) -> bool:
    """Whether jobs go to RQ (a Redis URL is configured and jobs are not forced in-process)."""
    config = (app or current_app).config
    return bool(config.get("REDIS_URL")) and config.get("JOBS_BACKEND", "auto") != "thread"


def redis_connection(app: Flask | None = None):
    """A Redis client for the configured URL."""
    from redis import Redis

    return Redis.from_url((app or current_app).config["REDIS_URL"])


def runner_name(app: Flask | None = None) -> str:
    """Who will hold a job queued now: "rq" or "thread" (a CLI running one itself says "cli")."""
    return "rq" if uses_redis(app) else "thread"


def submit(job: Job) -> Future | None:
    """Hand a committed job to the runner; returns the in-process future (None on RQ), for tests and the CLI."""
    app = current_app._get_current_object()
    if uses_redis(app):
        from rq import Queue

        Queue(queue_name(app), connection=redis_connection(app)).enqueue(
            rq_entry, job.id, job_id=f"survey-job-{job.public_id}", job_timeout=-1, result_ttl=0)
        return None
    return _pool(app).submit(job.id)


class _Pool:
    """One small thread pool per app (per gunicorn worker), so one-centre installs need no other process. Its
    keeper beats every job it holds, queued or running: when the process stops the beats stop, and readers then
    mark those jobs failed (store.reap_stale) instead of leaving them queued forever."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=int(app.config.get("JOBS_THREADS", 2)),
                                           thread_name_prefix="survey-job")
        self.held: set[int] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._keep, name="survey-job-keeper", daemon=True).start()

    def submit(self, job_id: int) -> Future:
        with self.lock:
            self.held.add(job_id)
        return self.executor.submit(self._run, job_id)

    def _run(self, job_id: int) -> None:
        try:
            execute(self.app, job_id)
        finally:
            with self.lock:
                self.held.discard(job_id)

    def _keep(self) -> None:
        """On start, fail the jobs an earlier process left behind; then beat the held ones until the process ends."""
        interval = float(self.app.config.get("JOB_HEARTBEAT_SECONDS", 10))
        try:
            with self.app.app_context():
                reaped = store.reap_on_start()
            if reaped:
                log.warning("%d job(s) left by a stopped process marked failed", reaped)
        except Exception:  # noqa: BLE001 - readers reap them too; the pool must run regardless
            log.warning("could not check for jobs left by a stopped process", exc_info=True)
        while True:
            time.sleep(interval)
            with self.lock:
                held = sorted(self.held)
            if not held:
                continue  # an idle pool writes nothing
            try:
                with self.app.app_context():
                    store.beat_held(held)
            except Exception:  # noqa: BLE001 - a missed beat is retried; the jobs go on
                log.warning("heartbeat of queued jobs failed", exc_info=True)


def _pool(app: Flask) -> _Pool:
    with _LOCK:
        pool = app.extensions.get("survey_jobs")
        if pool is None:
            pool = app.extensions["survey_jobs"] = _Pool(app)
        return pool


def rq_entry(job_id: int) -> None:
    """What RQ runs: `survey worker` has pushed the app context."""
    execute(current_app._get_current_object(), job_id)


def execute(app: Flask, job_id: int) -> None:
    """Run one job to its end in its own app context: done with a file, or failed with a translatable error."""
    with app.app_context():
        job = db.session.get(Job, job_id)
        if job is None or job.state != "queued":
            db.session.rollback()
            return
        now = utcnow()
        job.state, job.started_at, job.heartbeat_at = "running", now, now
        db.session.commit()
        stop = threading.Event()
        beats = threading.Thread(target=_heartbeat, args=(app, job_id, stop), daemon=True)
        beats.start()
        try:
            outcome = _run(job)
        finally:
            stop.set()
            beats.join()
        _finish(job_id, outcome)


def _run(job: Job) -> Result | Exception:
    """The kind's work; the exception it raised instead of its summary."""
    kind = KINDS[job.kind]
    folder = store.results_dir()
    context = Context(job_id=job.id, scope=store.scope_from_json(job.scope), params=dict(job.params),
                      lang=job.lang, folder=folder, stem=job.public_id, actor=job.actor)
    try:
        return kind.run(context)
    except Exception as exc:  # noqa: BLE001 - every failure must end the job as failed, never leave it running
        if not isinstance(exc, DomainError):
            log.exception("job %s (%s) failed", job.public_id, job.kind)
        return exc
    finally:
        db.session.rollback()  # end the work's read transaction before writing the outcome


def _finish(job_id: int, outcome: Result | Exception) -> None:
    """Write the outcome and its audit entry in one transaction."""
    job = db.session.get(Job, job_id)
    now = utcnow()
    job.finished_at, job.expires_at = now, now + store.keep_for()
    aside = store.take_aside(job)  # steps reported while the work held SQLite's write lock
    if aside:
        job.progress_steps = aside
    if job.state != "running":  # reaped as lost meanwhile: keep that verdict
        db.session.commit()
        return
    if isinstance(outcome, Exception):
        job.state = "failed"
        if isinstance(outcome, DomainError):
            job.error_code, job.error_params = outcome.code, {k: str(v) for k, v in outcome.params.items()}
        else:
            job.error_code, job.error_params = "job_failed", {}
        if isinstance(outcome, JobFailed):  # a file saying why (an import's row report) stays downloadable
            job.result_path, job.result_name = outcome.file, outcome.name
        audit.record(job.actor, "job.failed", job.public_id, outcome="failed", kind=job.kind, error=job.error_code)
    else:
        job.state, job.progress, job.result_path, job.result_name = "done", 100, outcome.file, outcome.name
        job.progress_steps = [*(job.progress_steps or []), 100]
        if KINDS[job.kind].audit is not None:  # else the work recorded its entry in its own transaction
            action, obj = KINDS[job.kind].audit
            audit.record(job.actor, action, str(job.params.get(obj) or outcome.details.get(obj, "")),
                         job=job.public_id, **{**job.params, "kind": job.kind, **outcome.details})
    db.session.commit()


def _heartbeat(app: Flask, job_id: int, stop: threading.Event) -> None:
    """Beat while the work runs, so a reader can tell a slow job from one whose worker died."""
    interval = float(app.config.get("JOB_HEARTBEAT_SECONDS", 10))
    with app.app_context():
        while not stop.wait(interval):
            try:
                store.beat(job_id)
            except Exception:  # noqa: BLE001 - a missed beat is retried; the work goes on
                log.warning("heartbeat of job %s failed", job_id, exc_info=True)


def prepare(scope, kind: str, params: dict, actor: str, requester_id: int | None, lang: str = "vi",
            runner: str | None = None) -> Job:
    """Check a request for work now (kind, fields, scope) and queue it; the caller commits, then calls submit()
    (or, with runner="cli", runs it itself)."""
    from survey.errors import Invalid

    if kind not in KINDS:
        raise Invalid([{"field": "kind", "code": "unknown", "message": f"kind must be one of {', '.join(KINDS)}"}])
    checked = KINDS[kind].check(scope, params)
    return store.create_job(scope, kind, checked, actor, requester_id, lang if lang in ("vi", "en") else "vi",
                            runner or runner_name())
