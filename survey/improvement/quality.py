"""Home Affairs' quality review: flagged episodes and the figures with and without them, the scan, thresholds."""
from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from survey.admin.base import done
from survey.auth.access import current_actor, permission_required
from survey.dashboard.period_labels import default_period
from survey.errors import Invalid
from survey.extensions import db
from survey.improvement.base import asked_period, bp, home_province
from survey.services.quality import review, settings
from survey.services.quality.scan import scan


def reason_names() -> dict[str, str]:
    """Reason code → words in the interface language."""
    return {"burst": _("burst from one device"), "closed_hours": _("outside opening hours"),
            "straight_line": _("identical answers to every item"), "too_fast": _("completed too fast"),
            "repeated_comment": _("repeated identical comment")}


@bp.get("/quality")
@permission_required("quality.manage")
def quality_review():
    """Flagged episodes of the province in a period, with the figures with and without them."""
    province = home_province()
    period, raw, error = asked_period(default_period().label)
    comparisons, episodes = [], []
    if period is not None:
        lang = "en" if str(get_locale() or "vi") == "en" else "vi"
        comparisons = review.comparisons(g.scope, province.code, period, int(current_app.config["MIN_N"]), lang)
        episodes = review.episodes(g.scope, province.code, period)
    return render_template("improvement/quality.html", province=province, raw_period=raw, period_error=error,
                           comparisons=comparisons, episodes=episodes, reasons=reason_names(),
                           thresholds=settings.get_thresholds(g.scope, province.code), limits=settings.LIMITS,
                           errors={}), 400 if error else 200


@bp.post("/quality/scan")
@permission_required("quality.manage")
def quality_scan():
    """Recompute the flags of the province's stored responses (every rule, bursts and repeated comments too)."""
    province = home_province()
    result = scan(g.scope, province.code)
    db.session.commit()
    done(_("%(read)s responses checked, %(changed)s changed.", read=result.read, changed=result.changed))
    return redirect(url_for("improvement.quality_review", period=request.form.get("period") or None))


@bp.post("/quality/settings")
@permission_required("quality.manage")
def quality_settings():
    """Change the province's thresholds; a bad value changes nothing and is named."""
    province = home_province()
    values = {name: request.form.get(name, "") for name in (*settings.LIMITS, "default_hours")}
    try:
        settings.set_thresholds(g.scope, province.code, values, current_actor())
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        errors = {e["field"]: e["message"] for e in exc.errors}
        return render_template("improvement/quality.html", province=province, raw_period="", period_error=None,
                               comparisons=[], episodes=[], reasons=reason_names(),
                               thresholds=settings.get_thresholds(g.scope, province.code), limits=settings.LIMITS,
                               errors=errors, submitted=values), 422
    done(_("Quality thresholds saved. Run the scan to apply them to stored responses."))
    return redirect(url_for("improvement.quality_review"))

