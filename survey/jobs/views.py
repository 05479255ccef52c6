"""Blueprint "jobs" (/jobs): start long work, follow its progress (JSON polled by static/js/jobs.js), download."""
from __future__ import annotations

import io

from flask import Blueprint, g, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_login import current_user

from survey.auth.access import current_actor, permission_required
from survey.collection.row_errors import row_error_text
from survey.extensions import db
from survey.i18n import file_language
from survey.jobs.text import job_error, kind_label, state_label
from survey.models import Job, Unit
from survey.services.access.scope import can, visible_units
from survey.services.instruments.versions import visible_instruments
from survey.services.jobs import data_kinds, runner, store

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
FORM_FIELDS = ("province", "period", "instrument", "version", "lang", "unit", "format", "by", "seconds")


def _lang() -> str:
    return "en" if str(get_locale() or "vi") == "en" else "vi"


@bp.get("/")
@permission_required("jobs.read")
def index():
    """The caller's jobs and forms to start new ones (a clerk sees their imports only)."""
    scope = g.scope
    provinces = [u for u in db.session.scalars(visible_units(scope).where(Unit.level == "province",
                                                                          Unit.vintage == "2025"))
                 if scope.agency_ids is None and (scope.unit_ids is None or u.id in scope.unit_ids)
                 and can(scope, "reports.download")]
    jobs = store.list_jobs(scope)
    db.session.commit()  # stale jobs reaped while listing
    return render_template("jobs/index.html", jobs=jobs, provinces=provinces, kind_label=kind_label,
                           state_label=state_label, instruments=[i.code for i in visible_instruments(scope)],
                           may_export=can(scope, "results.export"), may_backup=can(scope, "backup.run"))


@bp.post("/")
@permission_required("reports.download")
def start():
    """Queue a job from a form (kind + its fields) and show its page."""
    params = {name: request.form[name] for name in FORM_FIELDS if name in request.form}
    job = runner.prepare(g.scope, request.form.get("kind", ""), params, current_actor(), current_user.id, _lang())
    db.session.commit()
    runner.submit(job)
    return redirect(url_for("jobs.show", public_id=job.public_id), code=303)


@bp.get("/<public_id>")
@permission_required("jobs.read")
def show(public_id: str):
    """One job: a progress bar that updates, then a download link or the error."""
    job = store.get_job(g.scope, public_id)
    db.session.commit()
    return render_template("jobs/show.html", job=job, status=_status(job), kind_label=kind_label)


@bp.get("/<public_id>/status")
@permission_required("jobs.read")
def status(public_id: str):
    """The job's state as JSON, for the page's script."""
    job = store.get_job(g.scope, public_id)
    db.session.commit()
    return jsonify(_status(job))


@bp.get("/<public_id>/download")
@file_language
@permission_required("jobs.read")
def download(public_id: str):
    """The finished job's file; an import's row report with its problems worded in the reader's language, as the
    paper import screen shows them (the stored file keeps the services' English)."""
    path, name = store.result_file(g.scope, public_id)
    if store.get_job(g.scope, public_id).kind != "paper_import":
        db.session.commit()
        return send_file(path, as_attachment=True, download_name=name)
    _, report = data_kinds.import_report(g.scope, public_id)
    db.session.commit()
    body = io.BytesIO(b"".join(data_kinds.report_csv(report, row_error_text)))
    return send_file(body, mimetype="text/csv; charset=utf-8", as_attachment=True, download_name=name)


def _status(job: Job) -> dict:
    return {"state": job.state, "label": state_label(job), "progress": store.progress_of(job),
            "error": job_error(job) if job.state == "failed" else None,
            "download": url_for("jobs.download", public_id=job.public_id)
            if job.state in ("done", "failed") and job.result_path else None,
            "report": url_for("paper.import_csv", job=job.public_id)
            if job.kind == "paper_import" and job.result_path else None,
            "name": job.result_name}
