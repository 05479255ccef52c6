"""Web glue: domain errors → HTTP, security headers (CSP), the login loader and template helpers."""
from __future__ import annotations

from flask import Flask, current_app, g, jsonify, render_template, request, session
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from survey.error_text import CSRF, explain, explain_http
from survey.errors import DomainError, Invalid
from survey.extensions import db, login_manager
from survey.numbers import number

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; "
       "base-uri 'self'; form-action 'self'; object-src 'none'")


def wants_json() -> bool:
    """API paths and JSON clients get JSON errors."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def init_app(app: Flask) -> None:
    """Register handlers, headers and the user loader."""
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.after_request(_security_headers)
    app.add_template_filter(format_number, "num")
    app.context_processor(lambda: {"current_locale": str(get_locale() or "vi"),
                                   "has_endpoint": lambda ep: ep in app.view_functions})
    login_manager.login_view = "auth.login"
    _harden_cookies(app)
    login_manager.user_loader(_load_user)


def format_number(value, decimals: int = 0) -> str:
    """The `num` filter: survey.numbers' one format in the reader's language (1.234.567 and 84,5 in Vietnamese)."""
    return number(value, "en" if str(get_locale() or "vi") == "en" else "vi", decimals)


def _load_user(user_id: str):
    """The session's account (None when unknown, disabled, or the session was not made by its current sign-in)."""
    from survey.auth.session import is_valid
    from survey.services.access.staff import session_user

    user = session_user(int(user_id)) if str(user_id).isdigit() else None
    return user if user is not None and is_valid(user) else None


def _domain_error(exc: DomainError):
    """A domain error becomes its status with a code and a message naming the problem."""
    db.session.rollback()
    body = {"error": exc.code, "message": exc.message, **({"params": exc.params} if exc.params else {})}
    if isinstance(exc, Invalid):
        body["errors"] = exc.errors
    if wants_json():
        return jsonify(body), exc.status
    return render_template("error.html", status=exc.status, message=explain(exc),
                           errors=getattr(exc, "errors", [])), exc.status


def _csrf_error(exc: CSRFError):
    """A missing or stale CSRF token: 400 with a reason, never a silent failure."""
    if wants_json():
        return jsonify({"error": "csrf", "message": exc.description}), 400
    return render_template("error.html", status=400, message=str(CSRF), errors=[]), 400


def _http_error(exc: HTTPException):
    """Plain HTTP errors in JSON for the API, as a page elsewhere."""
    # Keep the exception's own headers (Retry-After on 429, Allow on 405) but not its Content-Type.
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    if wants_json():
        body = {"error": exc.name.lower().replace(" ", "_"), "message": exc.description}
        if exc.code == 413:
            body["errors"] = [_size_error()]
        return jsonify(body), exc.code, headers
    return (render_template("error.html", status=exc.code, message=explain_http(exc), errors=[]), exc.code,
            headers)


def _size_error() -> dict:
    """What a 413 exceeded: the body and its limit in bytes (this endpoint's own, else the app's)."""
    limit = request.max_content_length
    return {"field": "body", "code": "too_large", "limit": limit,
            "message": f"the body is larger than the limit of {limit} bytes" if limit else "the body is too large"}


def _private(response) -> None:
    """Answers for a signed-in or token-holding caller (scoped JSON, CSV, PDF, pages) are never stored by a cache,
    and a shared cache must not hand one caller's answer to another."""
    if request.endpoint == "static":
        return
    if "Authorization" in request.headers or "_user_id" in session or g.get("scope") is not None:
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Authorization")
        response.vary.add("Cookie")


def _one_charset(response) -> None:
    """One charset parameter: werkzeug appends `; charset=utf-8` to a text mimetype that already carries one."""
    content_type = response.headers.get("Content-Type", "")
    if content_type.count("charset=") > 1:
        parts = [p.strip() for p in content_type.split(";")]
        charsets = [p for p in parts if p.lower().startswith("charset=")]
        response.headers["Content-Type"] = "; ".join([p for p in parts if p not in charsets] + charsets[:1])


def _security_headers(response):
    """CSP allowing only our own scripts and styles, plus the usual hardening headers; private answers uncached."""
    _private(response)
    _one_charset(response)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if is_production(current_app):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def is_production(app: Flask) -> bool:
    """SURVEY_PRODUCTION (config PRODUCTION) set to a true value: served over HTTPS only."""
    return bool(app.config.get("PRODUCTION") or app.config.get("ENV_PRODUCTION"))


def _harden_cookies(app: Flask) -> None:
    """In production the session and remember cookies are Secure, HttpOnly, SameSite=Lax, `__Host-` named (ASVS 3.3)."""
    if not is_production(app):
        return
    app.config.update(
        SESSION_COOKIE_NAME="__Host-session", SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_DOMAIN=None, SESSION_COOKIE_PATH="/",
        REMEMBER_COOKIE_NAME="__Host-remember", REMEMBER_COOKIE_SECURE=True, REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_PATH="/")
