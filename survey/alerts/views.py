"""Blueprint "alerts" (/alerts): open alerts with evidence, acknowledgement, and Home Affairs' rules."""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for

from survey.alerts.text import alert_kind_label
from survey.auth.access import current_actor, permission_required
from survey.extensions import db
from survey.models.jobs import ALERT_KINDS
from survey.services.access import audit
from survey.services.access.scope import can
from survey.services.alerts import episodes, rules
from survey.services.mail.compose import alert_description

bp = Blueprint("alerts", __name__, url_prefix="/alerts")

@bp.app_context_processor
def _helpers() -> dict:
    """Alert labels and evidence sentences for every template (the dashboard's panel uses them too)."""
    return {"alert_kind_label": alert_kind_label, "describe_alert": alert_description}


PARAMS = ("hours", "threshold", "min_count", "minutes", "open_from", "open_to", "days", "min_queue", "words")


@bp.get("/")
@permission_required("alerts.read")
def index():
    """Open alerts in the caller's scope and, for Home Affairs, the rules with a form to add one."""
    may_manage = can(g.scope, "alerts.manage")
    return render_template("alerts/index.html", alerts=episodes.open_alerts(g.scope, limit=200),
                           rules=rules.visible_rules(g.scope) if may_manage else [], kinds=ALERT_KINDS,
                           may_manage=may_manage, may_ack=can(g.scope, "alerts.acknowledge"),
                           describe=alert_description)


@bp.post("/rules")
@permission_required("alerts.manage")
def add_rule():
    """Add a rule from the form (only the kind's own fields are read)."""
    params = {name: request.form[name] for name in PARAMS if request.form.get(name, "").strip()}
    rule = rules.add_rule(g.scope, request.form.get("kind", ""), request.form.get("unit", ""), params,
                          current_actor())
    audit.record(current_actor(), "alert_rule.add", request.form.get("unit", ""), kind=rule.kind, rule=rule.id)
    db.session.commit()
    return redirect(url_for("alerts.index"), code=303)


@bp.post("/rules/<int:rule_id>/remove")
@permission_required("alerts.manage")
def remove_rule(rule_id: int):
    """Stop a rule."""
    rules.remove_rule(g.scope, rule_id)
    audit.record(current_actor(), "alert_rule.remove", str(rule_id))
    db.session.commit()
    return redirect(url_for("alerts.index"), code=303)


@bp.post("/<int:alert_id>/ack")
@permission_required("alerts.acknowledge")
def acknowledge(alert_id: int):
    """A manager acknowledges an alert: it closes and is not raised again until its condition clears."""
    episodes.acknowledge(g.scope, alert_id, current_actor())
    db.session.commit()
    return redirect(request.form.get("next") or url_for("alerts.index"), code=303)
