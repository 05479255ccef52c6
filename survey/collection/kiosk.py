"""Kiosk mode: a device enrolled once by link or QR shows the rating screen with no login, online or offline."""
from __future__ import annotations

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from survey.collection import strings
from survey.collection.assets import asset_url
from survey.collection.questions import implied, questions_for
from survey.errors import DomainError
from survey.extensions import db
from survey.models import Device
from survey.services.access import audit
from survey.services.access.devices import authenticate_device, enrol_device
from survey.services.responses.catalog import accepted_version
from survey.services.responses.kiosk import kiosk_settings, pending_enrolment

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
COOKIE = "kiosk_device"
COOKIE_AGE = 10 * 365 * 24 * 3600  # a kiosk stays enrolled until Home Affairs revokes it


def _device() -> Device | None:
    """The device named by this browser's kiosk cookie, or None (unknown or revoked)."""
    token = request.cookies.get(COOKIE, "")
    if not token.startswith("dev_") or len(token) > 200:
        return None
    try:
        return authenticate_device(token)
    except DomainError:
        return None


@bp.get("/")
def start():
    """The kiosk screen of an enrolled device; a page explaining enrolment otherwise."""
    device = _device()
    if device is None:
        return render_template("collection/kiosk_not_enrolled.html"), 401
    version = accepted_version(device.instrument_code)
    settings = kiosk_settings(device, dict(version.definition.settings))
    questions = questions_for(version, settings["block"])
    texts = {}
    for lang in ("vi", "en"):
        with force_locale(lang):
            texts[lang] = strings.kiosk()
    data = {"token": request.cookies[COOKIE], "instrument": version.code, "version": version.number,
            "api": url_for("api.submit_response"), "heartbeat": url_for("api.device_heartbeat"),
            "sw": url_for("kiosk.service_worker"), "settings": settings, "implied": implied(version),
            "questions": [q.to_dict() for q in questions], "strings": texts,
            "device": {"name": device.name, "service_point": device.service_point.name}}
    page = render_template("collection/kiosk.html", data=data, device=device, lang=settings["lang"],
                           strings=texts[settings["lang"]], asset_url=asset_url)
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"  # the service worker keeps its own copy for offline use
    return response


@bp.get("/enrol/<code>")
def enrol(code: str):
    """Confirm enrolment: which service point this browser will rate for (a link preview must not use the code)."""
    device = pending_enrolment(code)
    if device is None:
        return render_template("error.html", status=404, errors=[],
                               message=_("This enrolment link is unknown or was already used.")), 404
    return render_template("collection/kiosk_enrol.html", device=device, code=code)


@bp.post("/enrol/<code>")
def enrol_confirm(code: str):
    """Use the one-time code: the device token goes into a long-lived HttpOnly cookie, then the kiosk starts."""
    device, token = enrol_device(code)
    audit.record(f"device:{device.id}", "device.enrol", device.service_point.code, ip=request.remote_addr)
    db.session.commit()
    response = redirect(url_for("kiosk.start"))
    response.set_cookie(COOKIE, token, max_age=COOKIE_AGE, httponly=True, samesite="Strict", path="/",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    current_app.logger.info("kiosk device %s enrolled at %s", device.id, device.service_point.code)
    return response


@bp.get("/sw.js")
def service_worker():
    """The kiosk's service worker, served under /kiosk/ so its scope is the kiosk and nothing else."""
    response = current_app.send_static_file("kiosk/sw.js")
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/kiosk/"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """Lets a tablet add the kiosk to its home screen and open it full screen (public: browsers fetch it without
    cookies, and it holds nothing secret)."""
    response = current_app.response_class(
        '{"name":"Kiosk","start_url":"/kiosk/","scope":"/kiosk/","display":"fullscreen",'
        '"background_color":"#ffffff","theme_color":"#a50e0e"}', mimetype="application/manifest+json")
    return response
