"""Staff sign-in, sign-out and password change (Flask-Login sessions, throttled, audited)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from survey.api.throttle import per_worker
from survey.auth import session as staff_session
from survey.auth.forms import ConfirmForm, LoginForm, PasswordForm
from survey.errors import Forbidden, Invalid
from survey.extensions import db, limiter
from survey.services.access import accounts
from survey.services.access import audit

bp = Blueprint("auth", __name__, url_prefix="/auth")
bp.record_once(staff_session.configure)
bp.before_app_request(staff_session.start_request)


def _login_limit() -> str:
    """Per-address limit on sign-in attempts (config LOGIN_RATE_LIMIT)."""
    return per_worker(current_app.config.get("LOGIN_RATE_LIMIT", "10 per minute"))


def _limits_off() -> bool:
    """The limiter is one object shared by every app in a process; honour this app's own switch."""
    return not current_app.config.get("RATELIMIT_ENABLED", True)


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in; anything pointing elsewhere becomes the home page."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], exempt_when=_limits_off)
def login():
    """Sign in; wrong passwords count towards a temporary lock-out and every attempt is audited."""
    form = LoginForm(next=request.args.get("next", ""))
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(safe_next(form.next.data))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200
    try:
        user = accounts.login(form.email.data, form.password.data)
    except Forbidden as exc:
        outcome = "locked" if exc.code == "locked" else "failed"
        audit.record(form.email.data or "", audit.LOGIN_FAILED, "session", outcome, ip=request.remote_addr)
        db.session.commit()
        # One message for a wrong e-mail, a wrong password and a locked account: none reveals that an account exists.
        form.password.errors = [_("Wrong e-mail or password. After %(n)d failed sign-ins in a row an account is "
                                  "locked for %(minutes)d minutes; ask Home Affairs to reset it sooner.",
                                  n=accounts.LOCK_AFTER, minutes=accounts.LOCK_MINUTES)]
        return render_template("auth/login.html", form=form), 200
    staff_session.sign_in(user)
    audit.record(user.email, audit.LOGIN, "session", ip=request.remote_addr)
    db.session.commit()
    return redirect(safe_next(form.next.data))


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    """GET asks for confirmation; POST (with its CSRF token) signs out, so a link cannot sign anyone out."""
    form = ConfirmForm()
    if not current_user.is_authenticated:
        return redirect(url_for("home.index"))
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("auth/logout.html", form=form)
    audit.record(current_user.email, audit.LOGOUT, "session")
    accounts.end_sessions(current_user)  # a copy of this cookie (or any other session of the account) ends too
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("home.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password (the current one is asked again)."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.new.data)
        except Invalid as exc:
            db.session.rollback()
            audit.record(current_user.email, audit.PASSWORD_CHANGE, current_user.email, "failed")
            db.session.commit()
            for error in exc.errors:
                getattr(form, error["field"]).errors = [_field_message(error["code"])]
            return render_template("auth/password.html", form=form), 200
        audit.record(current_user.email, audit.PASSWORD_CHANGE, current_user.email)
        db.session.commit()
        staff_session.refresh_fingerprint(current_user)
        flash(_("Your password has been changed."), "info")
        return redirect(url_for("auth.password"))
    return render_template("auth/password.html", form=form)


def _field_message(code: str) -> str:
    """A translated message for a password rule that failed."""
    return {"wrong": _("The current password is wrong."),
            "too_short": _("The new password is too short (at least %(n)d characters).", n=accounts.MIN_PASSWORD),
            "is_email": _("The new password must not be your e-mail address.")}.get(code, _("Invalid value."))
