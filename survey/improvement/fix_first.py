"""What to fix first for a commune or agency: the ranked list and the importance–performance chart."""
from __future__ import annotations

from flask import abort, current_app, g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from survey.auth.access import permission_required
from survey.errors import NotFound
from survey.dashboard.period_labels import default_period
from survey.improvement.base import asked_period, bp, home_province
from survey.improvement.chart import importance_svg
from survey.services.improvement.fix_first import fix_first

INSTRUMENTS = ("SIPAS-1001", "SIPAS-2640")


@bp.get("/priorities/<by>/<code>")
@permission_required("targets.manage")
def priorities(by: str, code: str):
    """Items ranked by weight × gap, with their association, the citizens' priorities and low-score reasons."""
    if by not in ("commune", "agency"):
        abort(404)
    instrument = request.args.get("instrument") or INSTRUMENTS[0]
    reference = request.args.get("reference") or "province"
    if instrument not in INSTRUMENTS or reference not in ("province", "target"):
        abort(400, description=_("Unknown instrument or reference."))
    period, raw, error = asked_period(request.args.get("year") or default_period().label)
    if period is None:
        abort(400, description=error)
    lang = "en" if str(get_locale() or "vi") == "en" else "vi"
    try:
        data = fix_first(g.scope, home_province().code, instrument, period, by, code,
                         int(current_app.config["MIN_N"]), reference, lang=lang)
    except NotFound:
        abort(404)
    with_assoc = [p for p in data.items if p.association is not None]
    if with_assoc:
        chart = importance_svg([(p.item, p.unit, max(p.association, 0.0)) for p in with_assoc],
                               _("Association with the overall question"), _("Share satisfied"))
    else:
        chart = importance_svg([(p.item, p.unit, p.weight) for p in data.items],
                               _("Weight in the index"), _("Share satisfied"))
    return render_template("improvement/priorities.html", data=data, by=by, code=code, instrument=instrument,
                           raw_period=raw, reference=reference, chart=chart, with_assoc=bool(with_assoc))
