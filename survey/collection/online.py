"""The public online form reached by a QR code per service point (optionally per procedure or dossier)."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from flask import (Blueprint, current_app, flash, redirect, render_template, request, url_for)
from flask_babel import gettext as _
from flask_login import current_user

from survey.collection import qr
from survey.collection.assets import asset_url
from survey.collection.contact import FIELDS as CONTACT_FIELDS
from survey.collection.contact import contact_errors, contact_values, keep_contact
from survey.collection.form_answers import answers_from_form, field_errors
from survey.collection.questions import implied, questions_for
from survey.error_text import explain
from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db, limiter
from survey.services.instruments.legal import onestop_code
from survey.services.responses import record_response, validate_response
from survey.services.responses.catalog import Version, accepted_version
from survey.services.quality.forms import form_started, now_iso
from survey.services.responses.envelope import LOCAL_TZ
from survey.services.responses.offered import offered_at
from survey.services.responses.points import point_by_code, point_by_public_key, points_in_scope, short_code
from survey.services.access.scope import scope_for

bp = Blueprint("collection", __name__, url_prefix="/s")
INSTRUMENTS = {"SIPAS-1001": "A2", "KIOSK-QUICK": None, "ONESTOP-61": None,
               "ONESTOP-118": None}  # the official instruments (the staff page's list); the form reads kinds
ONESTOP = ("ONESTOP-61", "ONESTOP-118")
HONEYPOT = "website"  # hidden from people; bots that fill every field are thanked and ignored


def _choices(point) -> tuple[list, list]:
    """(what the point's QR code offers, what may be asked at all): its own list when it has one (issue 19.6),
    else the site's default first and every instrument the province may ask online."""
    offers = offered_at(point, "online")
    listed = [o for code in (point.online_instruments or []) for o in offers if o.code == code]
    return listed, offers


def _instrument(point) -> str:
    """The instrument asked: `i` when the point offers it, else the point's first (or the site's default)."""
    listed, offers = _choices(point)
    allowed = {o.code.upper(): o.code for o in (listed or offers)}
    default = listed[0].code if listed else current_app.config.get("ONLINE_INSTRUMENT", "SIPAS-1001")
    chosen = (request.values.get("i") or "").upper()
    if chosen in ONESTOP and any(c in ONESTOP for c in allowed.values()):
        code = chosen  # the dossier's receipt date picks between the two decrees below
    else:
        code = allowed.get(chosen, default)
    # A one-stop evaluation uses the instrument in force on its dossier's receipt date (today without one).
    today = datetime.now(timezone.utc).astimezone(LOCAL_TZ).date()
    return onestop_code(code, request.values.get("d"), today) if code in ONESTOP else code


def _shape(version: Version) -> tuple[str | None, bool]:
    """(block, profile) of the online form: a SIPAS-style instrument asks its A2 block and the profile."""
    sipas = version.definition.kind == "sipas-1001"
    block = "A2" if sipas and "A2" in version.definition.settings.get("blocks", {}) else None
    return block, sipas


def _online_limit() -> str:
    from survey.api.throttle import per_worker  # divided by the workers when counted per worker (issue 15.11)

    return per_worker(current_app.config.get("RATE_LIMIT_ONLINE", "30/minute"))


@bp.get("/")
def online_index():
    """For citizens: how to reach the form. For staff: their service points' links and printable QR codes."""
    points = points_in_scope(scope_for(current_user)) if current_user.is_authenticated else []
    return render_template("collection/online_index.html", points=points, instruments=list(INSTRUMENTS))


@bp.post("/")
def online_go():
    """The code printed under a QR code, typed by hand."""
    typed = (request.form.get("code") or "").strip()
    try:
        point = point_by_code(typed)  # the card's short code in any case, or an old card's link key
    except NotFound as exc:
        flash(explain(exc), "error")
        return redirect(url_for("collection.online_index"))
    return redirect(url_for("collection.online_form", key=point.public_key))


def _render(point, code: str, status: int = 200, values=None, errors=None, message: str | None = None):
    version = accepted_version(code)
    block, profile = _shape(version)
    questions = questions_for(version, block, profile=profile, comments=True)
    return render_template(
        "collection/online_form.html", point=point, version=version, questions=questions,
        implied=implied(version), values=values or {}, errors=errors or {}, message=message,
        response_id=(values or {}).get("id") or str(uuid.uuid4()), instrument=code,
        started_at=(values or {}).get("started_at") or now_iso(),
        procedure=request.values.get("p", ""), dossier=request.values.get("d", ""),
        needs_dossier=version.definition.kind == "onestop", asset_url=asset_url, honeypot=HONEYPOT), status


@bp.get("/<key>")
def online_form(key: str):
    """The questionnaire on one page, for phones; works without JavaScript. A point offering several
    instruments first asks which one (unless the link names it)."""
    point = point_by_public_key(key)
    listed, _offers = _choices(point)
    if len(listed) > 1 and not request.args.get("i"):
        return render_template("collection/online_choose.html", point=point, offers=listed, asset_url=asset_url,
                               args={k: v for k, v in request.args.items() if k in ("p", "d") and v})
    return _render(point, _instrument(point))


def _explained(errors: dict[str, str], questions_shown: set[str]) -> str:
    """The message above the form: what is wrong where nothing can be marked (an empty form: "answer at least one
    question"), else a pointer to the marked answers."""
    loose = list(dict.fromkeys(m for name, m in errors.items() if name not in questions_shown))
    marked = any(name in questions_shown for name in errors)
    return " ".join(([_("Please check the marked answers.")] if marked else []) + loose)


@bp.post("/<key>")
@limiter.limit(_online_limit)
def online_submit(key: str):
    """Store the answers as an online response, then thank the respondent (Post/Redirect/Get)."""
    point = point_by_public_key(key)
    code = _instrument(point)
    if request.form.get(HONEYPOT):
        return redirect(url_for("collection.online_thanks", key=key))
    version = accepted_version(code)
    block, profile = _shape(version)
    answers, respondent = answers_from_form(request.form, version, block, profile, comments=True)
    payload = {"id": request.form.get("id", ""), "instrument": code, "version": version.number,
               "service_point": point.code, "procedure": request.form.get("p") or None,
               "dossier": request.form.get("d") or None, "answers": answers, "respondent": respondent,
               "submitted_at": datetime.now(timezone.utc).astimezone(LOCAL_TZ).isoformat(timespec="seconds"),
               "started_at": form_started(request.form.get("started_at"))}
    contact = contact_values(request.form)
    values = {"id": payload["id"], "started_at": request.form.get("started_at", ""),
              **{f"a.{k}": v for k, v in answers.items()}, **{f"r.{k}": v for k, v in respondent.items()}, **contact}
    shown = {f"{'r' if q.profile else 'a'}.{q.code}"
             for q in questions_for(version, block, profile, comments=True)} | {"d", *CONTACT_FIELDS}
    errors = contact_errors(contact)
    if version.definition.kind == "onestop" and not payload["dossier"]:
        errors["d"] = _("Please enter the dossier code from your receipt.")
    try:
        if errors:  # still check the answers, so every problem is shown at once
            validate_response(payload, channel="online")
        else:
            keep_contact(record_response(payload, channel="online"), contact)
            db.session.commit()
    except Invalid as exc:
        errors = {**field_errors(exc.errors), **errors}
    except Conflict as exc:
        db.session.rollback()
        if exc.code != "dossier_rated":  # the same form sent twice (double tap, or back and send again)
            return redirect(url_for("collection.online_thanks", key=key))
        return _render(point, code, 409, values, {}, _("This dossier has already been rated online. Thank you!"))
    if errors:
        db.session.rollback()
        return _render(point, code, 422, values, errors, _explained(errors, shown))
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
    code = short_code(point)
    return render_template("collection/online_print.html", point=point, link=link, args=args, asset_url=asset_url,
                           short_code=f"{code[:4]} {code[4:]}", typed_at=url_for("collection.online_index",
                                                                                 _external=True))
