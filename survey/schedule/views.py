"""Blueprint "schedule" (/subscriptions): Home Affairs and managers subscribe to a place's monthly or quarterly PDF."""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_login import current_user

from survey.auth.access import current_actor, permission_required
from survey.extensions import db
from survey.services.access import audit
from survey.services.access.accounts import get_user
from survey.services.instruments.versions import visible_instruments
from survey.services.schedule import subscriptions

bp = Blueprint("schedule", __name__, url_prefix="/subscriptions")


@bp.get("/")
@permission_required("reports.subscribe")
def index():
    """The caller's subscriptions (Home Affairs: also those of its accounts) and a form to add one."""
    rows = subscriptions.with_recipients(subscriptions.visible_subscriptions(g.scope, current_user))
    return render_template("schedule/index.html", rows=rows, may_choose_user=current_user.role == "homeaffairs",
                           instruments=[i.code for i in visible_instruments(g.scope)])


@bp.post("/")
@permission_required("reports.subscribe")
def add():
    """Subscribe the caller (or, for Home Affairs, an account of its province) to a place's summary."""
    email = (request.form.get("user") or "").strip()
    user = get_user(email) if email and current_user.role == "homeaffairs" else current_user
    sub = subscriptions.subscribe(g.scope, user, request.form.get("target", ""), request.form.get("instrument", ""),
                                  request.form.get("frequency", ""))
    audit.record(current_actor(), "subscription.add", sub.target, user=user.email, instrument=sub.instrument,
                 frequency=sub.frequency)
    db.session.commit()
    return redirect(url_for("schedule.index"), code=303)


@bp.post("/<int:sub_id>/remove")
@permission_required("reports.subscribe")
def remove(sub_id: int):
    """End a subscription."""
    sub = subscriptions.unsubscribe(g.scope, current_user, sub_id)
    audit.record(current_actor(), "subscription.remove", sub.target, subscription=sub_id)
    db.session.commit()
    return redirect(url_for("schedule.index"), code=303)
