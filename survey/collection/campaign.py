"""The personal link `/c/<token>` of a campaign questionnaire: the campaign's online form, usable once."""
from __future__ import annotations

import uuid

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey.collection.assets import asset_url
from survey.collection.form_answers import answers_from_form, field_errors
from survey.collection.online import HONEYPOT
from survey.collection.questions import questions_for
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db, limiter
from survey.services.campaigns.answers import in_fieldwork
from survey.services.campaigns.fieldwork import by_token, campaign_version, complete_by_link
from survey.services.campaigns.manage import COLLECTING

bp = Blueprint("campaign_link", __name__, url_prefix="/c")


def _limit() -> str:
    from flask import current_app

    return current_app.config.get("RATE_LIMIT_ONLINE", "30/minute")


def _closed(kind: str, status: int):
    """A clear page for a link that is unknown, used already, or outside the fieldwork."""
    return render_template("campaigns/link_closed.html", kind=kind, asset_url=asset_url), status


def _render(token, campaign, q, status=200, values=None, errors=None, message=None):
    version = campaign_version(campaign)
    return render_template(
        "campaigns/link_form.html", token=token, campaign=campaign, questionnaire=q, version=version,
        questions=questions_for(version, None, profile=True), implied={}, values=values or {},
        errors=errors or {}, message=message, response_id=(values or {}).get("id") or str(uuid.uuid4()),
        asset_url=asset_url, honeypot=HONEYPOT), status


@bp.get("/<token>")
def link_form(token: str):
    """The whole questionnaire on one page for phones; a used link says so instead."""
    try:
        campaign, q = by_token(token)
    except NotFound:
        return _closed("unknown", 404)
    if q.status == "completed":
        return _closed("used", 410)
    if campaign.status not in COLLECTING:
        return _closed("closed", 410)
    if not in_fieldwork(campaign):  # before or after the dates printed on the paper: no form to fill in vain
        return _closed("closed", 403)
    return _render(token, campaign, q)


@bp.post("/<token>")
@limiter.limit(_limit)
def link_submit(token: str):
    """Store the answers once, then thank the respondent (Post/Redirect/Get)."""
    try:
        campaign, q = by_token(token)
    except NotFound:
        return _closed("unknown", 404)
    if request.form.get(HONEYPOT):
        return redirect(url_for("campaign_link.link_thanks"))
    version = campaign_version(campaign)
    answers, respondent = answers_from_form(request.form, version, None, True)
    values = {"id": request.form.get("id", ""), **{f"a.{k}": v for k, v in answers.items()},
              **{f"r.{k}": v for k, v in respondent.items()}}
    client_id = request.form.get("id") if _is_uuid(request.form.get("id")) else None
    try:
        complete_by_link(token, answers, respondent, client_id)
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        if any(e.get("field") == "submitted_at" or e.get("field") == "campaign" for e in exc.errors):
            return _closed("closed", 422)
        return _render(token, campaign, q, 422, values, field_errors(exc.errors), _("Please check the marked answers."))
    except Conflict as exc:
        db.session.rollback()
        return _closed("closed" if exc.code in ("campaign_closed", "not_drawn") else "used", 409)
    return redirect(url_for("campaign_link.link_thanks"))


@bp.get("/thanks")
def link_thanks():
    """Thank-you page (the link itself is spent now)."""
    return render_template("campaigns/link_thanks.html", asset_url=asset_url)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
