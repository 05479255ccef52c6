"""The paper screen keying a campaign's questionnaires: the code printed on each finds its campaign."""
from __future__ import annotations

from datetime import date, datetime, time

from flask import flash, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _

from survey.collection.form_answers import answers_from_form, field_errors
from survey.error_text import explain
from survey.errors import Conflict, Invalid
from survey.extensions import db
from survey.services.campaigns.fieldwork import campaign_version, prepare_paper, store_paper
from survey.services.campaigns.manage import get_campaign
from survey.services.responses.envelope import LOCAL_TZ


def paper_version(code: str):
    """The campaign's instrument version for the keying screen (NotFound outside the caller's units)."""
    return campaign_version(get_campaign(g.scope, code, "responses.enter"))


def save(settings: dict):
    """Store one keyed campaign questionnaire, answering like the paper screen (JSON for its script)."""
    version = paper_version(settings["campaign"])
    answers, respondent = answers_from_form(request.form, version, None, True)
    try:
        day = date.fromisoformat(settings["date"])
        when = datetime.combine(day, time(12), LOCAL_TZ)
    except ValueError:
        when = None
    try:
        if when is None:
            raise Invalid([{"field": "date", "code": "bad_format", "message": "a date YYYY-MM-DD"}], "Bad date")
        recorded = store_paper(prepare_paper(g.scope, request.form.get("questionnaire", ""), answers, respondent,
                                             settings["channel"], when, None))
        db.session.commit()
    except (Invalid, Conflict) as exc:
        db.session.rollback()
        errors = exc.errors if isinstance(exc, Invalid) else [{"field": "questionnaire", "code": exc.code,
                                                                "message": explain(exc)}]
        if request.accept_mimetypes.best == "application/json":
            return jsonify({"error": exc.code, "message": explain(exc), "errors": errors,
                            "fields": {**field_errors(errors), **{e["field"]: e["message"] for e in errors
                                                                 if e["field"] == "questionnaire"}}}), exc.status
        flash(explain(exc), "error")
        return redirect(url_for("paper.entry", **settings))
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"id": recorded.client_id, "status": "stored" if recorded.created else "already_stored"}), \
            201 if recorded.created else 200
    flash(_("Questionnaire saved."), "ok")
    return redirect(url_for("paper.entry", **settings))
