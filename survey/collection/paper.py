"""Paper entry for staff: key questionnaires fast from the keyboard, or import a CSV of many (all or nothing)."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date, datetime

from flask import Blueprint, current_app, flash, g, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from survey.auth.access import current_actor, permission_required
from survey.collection import campaign_paper
from survey.collection.assets import asset_url
from survey.collection.form_answers import answers_from_form, field_errors
from survey.collection.questions import implied, questions_for
from survey.collection.row_errors import file_error_text, row_error_text
from survey.error_text import explain
from survey.errors import Conflict, DomainError, Invalid
from survey.extensions import db
from survey.services.access import audit
from survey.services.exports.cells import safe_row
from survey.services.instruments.legal import onestop_code
from survey.services.jobs import data_kinds, runner
from survey.services.responses import record_response
from survey.services.responses.catalog import accepted_version, published_codes
from survey.uploads import uploaded_text
from survey.services.responses.csv_import import META, ImportRejected, import_responses_csv
from survey.services.responses.envelope import LOCAL_TZ, paper_time
from survey.services.responses.points import points_in_scope

bp = Blueprint("paper", __name__, url_prefix="/paper")
MAX_UPLOAD = 5 * 1024 * 1024
ENVELOPE = ("dossier", "procedure", "agency", "counter", "officer")


def _settings() -> dict:
    """The batch settings kept between questionnaires: instrument, service point, date, channel."""
    values = request.values
    day = values.get("date") or datetime.now(LOCAL_TZ).date().isoformat()
    return {"instrument": (values.get("instrument") or "").upper(), "service_point": values.get("service_point", ""),
            "date": day, "channel": values.get("channel") if values.get("channel") == "interview" else "paper",
            **({"campaign": values["campaign"]} if values.get("campaign") else {})}


def _payload(form, settings: dict, version) -> dict:
    answers, respondent = answers_from_form(form, version, None, True)
    try:
        when = paper_time(date.fromisoformat(settings["date"]))
    except ValueError:
        when = settings["date"]  # validation names the field
    payload = {"id": form.get("id", ""), "instrument": version.code, "version": version.number,
               "service_point": settings["service_point"], "channel": settings["channel"], "submitted_at": when,
               "answers": answers, "respondent": respondent}
    payload.update({k: form.get(k) for k in ENVELOPE if form.get(k)})
    if version.definition.kind == "onestop":
        # The one-stop instrument in force on the dossier's receipt date: the clerk keys the form, not the decree.
        code = onestop_code(version.code, payload.get("dossier"), _day(settings["date"]))
        if code != version.code:
            payload.update(instrument=code, version=None)
    return payload


def _day(text: str) -> date:
    """The batch date, or today when it is not a date yet (validation names the field)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return datetime.now(LOCAL_TZ).date()


@bp.get("/")
@permission_required("responses.enter")
def entry():
    """The keying screen: pick instrument, service point and date once, then type codes questionnaire after
    questionnaire."""
    settings = _settings()
    points = points_in_scope(g.scope)
    version = questions = None
    if settings["instrument"] in published_codes(g.scope) and settings["service_point"]:
        version = accepted_version(settings["instrument"])
        questions = questions_for(version, None, profile=True)
    if settings.get("campaign"):  # a campaign's questionnaires (survey/collection/campaign_paper.py)
        version = campaign_paper.paper_version(settings["campaign"])
        questions = questions_for(version, None, profile=True)
    return render_template("collection/paper_entry.html", settings=settings, points=points,
                           instruments=published_codes(g.scope), version=version, questions=questions,
                           implied=implied(version) if version and not settings.get("campaign") else {},
                           response_id=str(uuid.uuid4()),
                           errors={}, values={}, asset_url=asset_url)


@bp.post("/")
@permission_required("responses.enter")
def save():
    """Store one keyed questionnaire: JSON for the keyboard script, a page for plain form posts."""
    settings = _settings()
    if settings.get("campaign"):  # a campaign's questionnaire (survey/collection/campaign_paper.py)
        return campaign_paper.save(settings)
    version = accepted_version(settings["instrument"])
    payload = _payload(request.form, settings, version)
    try:
        recorded = record_response(payload, channel=settings["channel"], scope=g.scope)
        db.session.commit()
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        errors = exc.errors if isinstance(exc, Invalid) else [{"field": exc.code, "code": exc.code,
                                                                "message": explain(exc)}]
        if request.accept_mimetypes.best == "application/json":  # this page's own script shows the message
            return jsonify({"error": exc.code, "message": explain(exc), "errors": errors,
                            "fields": field_errors(errors, "dossier")}), exc.status
        flash(explain(exc), "error")
        return render_template("collection/paper_entry.html", settings=settings, points=points_in_scope(g.scope),
                               instruments=published_codes(g.scope), version=version,
                               questions=questions_for(version, None, profile=True), implied=implied(version),
                               response_id=payload["id"], errors=field_errors(errors, "dossier"), values=request.form,
                               asset_url=asset_url), exc.status
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"id": recorded.client_id, "status": "stored" if recorded.created else "already_stored"}), \
            201 if recorded.created else 200
    flash(_("Questionnaire saved."), "ok")
    return redirect(url_for("paper.entry", **settings))


@bp.route("/import", methods=["GET", "POST"])
@permission_required("responses.enter")
def import_csv():
    """Upload a CSV of questionnaires; any bad row imports nothing, and the report says which rows and why. A file
    over PAPER_IMPORT_JOB_ROWS rows is imported by a job (its page follows it); ?job= shows that job's report."""
    if request.method == "GET":
        if request.args.get("job"):
            return _job_report(request.args["job"])
        return render_template("collection/paper_import.html", report=None, instruments=published_codes(g.scope))
    status, report, message = 200, None, None
    try:
        filename, text = uploaded_text("file", MAX_UPLOAD, _("Choose a CSV file of at most 5 MB."))
        rows = data_kinds.row_count(text)
        if rows > int(current_app.config.get("PAPER_IMPORT_JOB_ROWS", 2000)):
            return _start_import_job(filename, text, rows)
        report = import_responses_csv(text, g.scope, request.form.get("channel") or "paper")
        audit.record(current_actor(), "responses.import", filename, rows=len(report.rows),
                     stored=report.count("stored"))
        db.session.commit()
        message = _("%(n)s questionnaires imported.", n=len(report.rows))
    except ImportRejected as exc:
        db.session.rollback()
        status, report, message = 422, exc.report, _("Nothing was imported: fix the rows marked below.")
    except DomainError as exc:
        db.session.rollback()
        status, message = exc.status, "; ".join(file_error_text(e) for e in getattr(exc, "errors", [])) \
            or explain(exc)
    return render_template("collection/paper_import.html", report=report, message=message, ok=status == 200,
                           instruments=published_codes(g.scope), row_error_text=row_error_text), status


def _start_import_job(filename: str, text: str, rows: int):
    """Keep the file for a job of the caller's scope and show the job's page."""
    params = {"upload": data_kinds.stage_upload(text), "file": filename, "rows": str(rows),
              "channel": request.form.get("channel") or "paper"}
    lang = "en" if str(get_locale() or "vi") == "en" else "vi"
    job = runner.prepare(g.scope, "paper_import", params, current_actor(), current_user.id, lang)
    db.session.commit()
    runner.submit(job)
    return redirect(url_for("jobs.show", public_id=job.public_id), code=303)


def _job_report(public_id: str):
    """A finished import job's row report, as the inline import shows it."""
    job, report = data_kinds.import_report(g.scope, public_id)
    db.session.commit()
    message = (_("%(n)s questionnaires imported.", n=len(report.rows)) if job.state == "done"
               else _("Nothing was imported: fix the rows marked below."))
    return render_template("collection/paper_import.html", report=report, message=message, ok=job.state == "done",
                           instruments=published_codes(g.scope), row_error_text=row_error_text)


@bp.get("/template.csv")
@permission_required("responses.enter")
def csv_template():
    """An empty CSV with the columns of an instrument, to fill in a spreadsheet."""
    version = accepted_version((request.args.get("instrument") or "KIOSK-QUICK").upper())
    codes = [q.code for q in questions_for(version, None, profile=True)]
    out = io.StringIO()
    csv.writer(out).writerow(safe_row([*META, *codes]))
    resp = make_response("\ufeff" + out.getvalue())
    resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="{version.code}-v{version.number}.csv"'
    return resp
