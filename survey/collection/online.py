"""The public online form reached by a QR code per service point (optionally per procedure or dossier)."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from flask import (Blueprint, current_app, flash, redirect, render_template, request, url_for)
from flask_babel import gettext as _
from flask_login import current_user

from survey.collection import qr
from survey.collection.assets import asset_url
from survey.collection.form_answers import answers_from_form, field_errors
from survey.collection.questions import implied, questions_for
from survey.error_text import explain
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db, limiter
from survey.services.quality.forms import form_started, now_iso
from survey.services.responses import record_response
from survey.services.responses.catalog import accepted_version
from survey.services.responses.envelope import LOCAL_TZ
from survey.services.responses.points import point_by_public_key, points_in_scope
from survey.services.access.scope import scope_for

bp = Blueprint("collection", __name__, url_prefix="/s")
INSTRUMENTS = {"SIPAS-1001": "A2", "KIOSK-QUICK": None, "ONESTOP-61": None}  # instrument → block shown online
HONEYPOT = "website"  # hidden from people; bots that fill every field are thanked and ignored


def _instrument() -> str:
    chosen = (request.values.get("i") or "").upper()
    default = current_app.config.get("ONLINE_INSTRUMENT", "SIPAS-1001")
    return chosen if chosen in INSTRUMENTS else default


def _online_limit() -> str:
    return current_app.config.get("RATE_LIMIT_ONLINE", "30/minute")


@bp.get("/")
def online_index():
    """For citizens: how to reach the form. For staff: their service points' links and printable QR codes."""
    points = points_in_scope(scope_for(current_user)) if current_user.is_authenticated else []
    return render_template("collection/online_index.html", points=points, instruments=list(INSTRUMENTS))


@bp.post("/")
def online_go():
    """The code printed under a QR code, typed by hand."""
    key = (request.form.get("code") or "").strip()
    try:
        point_by_public_key(key)
    except NotFound as exc:
        flash(explain(exc), "error")
        return redirect(url_for("collection.online_index"))
    return redirect(url_for("collection.online_form", key=key))


def _render(point, code: str, status: int = 200, values=None, errors=None, message: str | None = None):
    version = accepted_version(code)
    questions = questions_for(version, INSTRUMENTS[code], profile=code == "SIPAS-1001")
    return render_template(
        "collection/online_form.html", point=point, version=version, questions=questions,
        implied=implied(version), values=values or {}, errors=errors or {}, message=message,
        response_id=(values or {}).get("id") or str(uuid.uuid4()), instrument=code,
        started_at=(values or {}).get("started_at") or now_iso(),
        procedure=request.values.get("p", ""), dossier=request.values.get("d", ""),
        needs_dossier=code == "ONESTOP-61", asset_url=asset_url, honeypot=HONEYPOT), status


@bp.get("/<key>")
def online_form(key: str):
    """The questionnaire on one page, for phones; works without JavaScript."""
    return _render(point_by_public_key(key), _instrument())


@bp.post("/<key>")
@limiter.limit(_online_limit)
def online_submit(key: str):
    """Store the answers as an online response, then thank the respondent (Post/Redirect/Get)."""
    point, code = point_by_public_key(key), _instrument()
    if request.form.get(HONEYPOT):
        return redirect(url_for("collection.online_thanks", key=key))
    version = accepted_version(code)
    answers, respondent = answers_from_form(request.form, version, INSTRUMENTS[code], code == "SIPAS-1001")
    payload = {"id": request.form.get("id", ""), "instrument": code, "version": version.number,
               "service_point": point.code, "procedure": request.form.get("p") or None,
               "dossier": request.form.get("d") or None, "answers": answers, "respondent": respondent,
               "submitted_at": datetime.now(timezone.utc).astimezone(LOCAL_TZ).isoformat(timespec="seconds"),
               "started_at": form_started(request.form.get("started_at"))}
    values = {"id": payload["id"], "started_at": request.form.get("started_at", ""),
              **{f"a.{k}": v for k, v in answers.items()}, **{f"r.{k}": v for k, v in respondent.items()}}
    if code == "ONESTOP-61" and not payload["dossier"]:
        db.session.rollback()
        return _render(point, code, 422, values, {"d": _("Please enter the dossier code from your receipt.")})
    try:
        record_response(payload, channel="online")
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        return _render(point, code, 422, values, field_errors(exc.errors), _("Please check the marked answers."))
    except Conflict as exc:
        db.session.rollback()
        if exc.code != "dossier_rated":  # the same form sent twice (double tap, or back and send again)
            return redirect(url_for("collection.online_thanks", key=key))
        return _render(point, code, 409, values, {}, _("This dossier has already been rated online. Thank you!"))
    return redirect(url_for("collection.online_thanks", key=key))


@bp.get("/<key>/thanks")
def online_thanks(key: str):
    """Thank-you page."""
    return render_template("collection/online_thanks.html", point=point_by_public_key(key), asset_url=asset_url)


@bp.get("/<key>/qr.<fmt>")
def online_qr(key: str, fmt: str):
    """The QR code of the public link as PNG or SVG, optionally for a procedure (p) or a dossier (d)."""
    point = point_by_public_key(key)
    link = qr.public_link(point, request.args.get("p"), request.args.get("d"), request.args.get("i"))
    return qr.qr_response(link, fmt, f"{point.code}.{fmt}")


@bp.get("/<key>/print")
def online_print(key: str):
    """A printable card for a counter or an appointment slip: the QR code, the link and a short invitation."""
    point = point_by_public_key(key)
    args = {k: v for k, v in request.args.items() if k in ("p", "d", "i") and v}
    link = qr.public_link(point, args.get("p"), args.get("d"), args.get("i"))
    return render_template("collection/online_print.html", point=point, link=link, args=args, asset_url=asset_url)
