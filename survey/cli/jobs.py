"""`survey worker` (the RQ worker) and `survey jobs start|list|purge` (long work from the command line)."""
from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import click
from flask import current_app

from survey.cli.common import transactional
from survey.errors import DomainError
from survey.extensions import db
from survey.services.access.scope import OPERATOR
from survey.services.jobs import runner, store
from survey.services.jobs.kinds import KINDS


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (tests, one-off runs).")
def worker_command(burst: bool) -> None:
    """Run jobs from Redis (SURVEY_REDIS_URL); start one or more beside the web workers."""
    from rq import SimpleWorker

    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        raise click.ClickException("SURVEY_REDIS_URL is not set: without Redis the web process runs jobs itself")
    reaped = store.reap_stale()  # jobs of a worker that died before this one started
    db.session.commit()
    if reaped:
        click.echo(f"{reaped} job(s) of a lost worker marked failed.")
    # SimpleWorker runs each job in this process (no fork): the database pool is never shared with a child.
    worker = SimpleWorker([runner.queue_name(app)], connection=runner.redis_connection(app))
    worker.work(burst=burst, with_scheduler=False)


@click.group("jobs")
def jobs_group() -> None:
    """Long work as jobs: start one, list them, purge expired results."""


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{pair!r} is not key=value", param_hint="-p")
        out[key.strip()] = value.strip()
    return out


@jobs_group.command("start")
@click.argument("kind", type=click.Choice(sorted(KINDS)))
@click.option("-p", "--param", "pairs", multiple=True, help="key=value, e.g. -p province=22 -p period=2026-Q1.")
@click.option("--wait/--no-wait", default=True, show_default=True, help="Follow the job until it ends.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="With --wait: copy the result here.")
def start_job(kind: str, pairs: tuple[str, ...], wait: bool, output: Path | None) -> None:
    """Start a job as the operator; without Redis it runs in this process (so --wait is implied)."""
    app = current_app._get_current_object()
    params = _params(pairs)
    try:
        if kind == "paper_import" and params.get("path"):  # the job reads a copy kept in the results folder
            _stage(params)
        job = runner.prepare(OPERATOR, kind, params, "cli", None,
                             runner=None if runner.uses_redis(app) else "cli")  # without Redis: run here
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        from survey.cli.common import describe

        raise click.ClickException(describe(exc)) from None
    public_id, job_id = job.public_id, job.id
    click.echo(f"job {public_id} ({kind}) queued")
    if runner.uses_redis(app):
        runner.submit(job)
        if not wait:
            return
        thread = None
    else:
        thread = threading.Thread(target=runner.execute, args=(app, job_id))
        thread.start()
    _follow(public_id, thread, output)


def _stage(params: dict[str, str]) -> None:
    """Keep the CSV named by path= for a paper_import job (decoding it now: a file that is not UTF-8 is refused)."""
    from survey.csvfile import decode
    from survey.services.jobs.data_kinds import stage_upload

    source = Path(params.pop("path"))
    if not source.is_file():
        raise click.BadParameter(f"{source} is not a file", param_hint="-p path")
    params.update(upload=stage_upload(decode(source.read_bytes())), file=source.name)


def _follow(public_id: str, thread: threading.Thread | None, output: Path | None) -> None:
    """Print progress until the job ends; exit non-zero when it failed."""
    from survey.jobs.text import job_error

    with click.progressbar(length=100, label=public_id) as bar:
        shown = 0
        while True:
            db.session.rollback()  # a fresh snapshot each poll
            job = store.get_job(OPERATOR, public_id)
            progress, state = store.progress_of(job), job.state
            db.session.commit()  # never hold a transaction (SQLite's write lock) while waiting
            bar.update(progress - shown)
            shown = progress
            if state in ("done", "failed"):
                break
            time.sleep(0.5)
    if thread is not None:
        thread.join()
    db.session.commit()
    if job.state == "failed":
        from flask_babel import force_locale

        with force_locale("en"):  # the command line speaks English; no request to choose a language from
            raise click.ClickException(f"job {public_id} failed: {job_error(job)}")
    path, name = store.result_file(OPERATOR, public_id)
    if output:
        shutil.copyfile(path, output)
        click.echo(f"{output}: {name}")
    else:
        click.echo(f"{path}: {name}")


@jobs_group.command("list")
@transactional
def list_command() -> None:
    """Recent jobs: id, kind, state, progress, times."""
    for job in store.list_jobs(OPERATOR, 100):
        click.echo(f"{job.public_id}  {job.kind:17} {job.state:8} {store.progress_of(job):3}%  "
                   f"{job.created_at:%Y-%m-%d %H:%M} {job.actor}" + (f"  {job.error_code}" if job.error_code else ""))


@jobs_group.command("purge")
@transactional
def purge_command() -> None:
    """Delete finished jobs past their keeping time (SURVEY_JOB_RESULT_HOURS) and their files."""
    click.echo(f"{store.purge_expired()} expired job(s) deleted.")


commands = [worker_command, jobs_group]
