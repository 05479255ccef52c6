"""Targets (typed or CSV) with each commune's or agency's progress, and the printable scorecard of a head of unit."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from survey.admin.base import done
from survey.auth.access import current_actor, permission_required
from survey.errors import Invalid
from survey.extensions import db
from survey.improvement.base import bp, home_province
from survey.improvement.chart import trend_svg
from survey.services.targets.manage import LEVELS, import_targets, set_target, targets_for
from survey.errors import NotFound
from survey.services.improvement.fix_first import subject
from survey.services.targets.progress import Progress, progress
from survey.uploads import uploaded_text

INSTRUMENTS = ("SIPAS-1001", "SIPAS-2640", "KIOSK-QUICK")
MAX_UPLOAD = 512 * 1024


def _today() -> date:
    return datetime.now(timezone.utc).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def _choices() -> tuple[int, str, str]:
    """(year, instrument, by) asked, with defaults; a bad value is a 400."""
    raw = request.values.get("year") or str(_today().year)
    if not raw.isdigit() or not 2017 <= int(raw) <= 2100:
        abort(400, description=_("The year must be from 2017 to 2100."))
    instrument = request.values.get("instrument") or INSTRUMENTS[0]
    by = request.values.get("by") or "commune"
    if instrument not in INSTRUMENTS or by not in ("commune", "agency"):
        abort(400, description=_("Unknown instrument or breakdown."))
    return int(raw), instrument, by


def _lang() -> str:
    return "en" if str(get_locale() or "vi") == "en" else "vi"


def _page(errors: dict | None = None, typed: dict | None = None, status: int = 200):
    province = home_province()
    year, instrument, by = _choices()
    rows = progress(g.scope, province.code, instrument, year, by, _today(), int(current_app.config["MIN_N"]), _lang())
    return render_template("improvement/targets.html", province=province, year=year, instrument=instrument, by=by,
                           instruments=INSTRUMENTS, rows=rows, targets=targets_for(g.scope, province.code, year),
                           levels=LEVELS, errors=errors or {}, typed=typed or {}), status


@bp.get("/targets")
@permission_required("targets.manage")
def targets():
    """Progress of every commune (or agency) against its targets for a year."""
    return _page()


@bp.post("/targets")
@permission_required("targets.manage")
def target_set():
    """Set one typed target."""
    typed = {k: request.form.get(k, "") for k in ("level", "code", "year", "instrument", "component", "target")}
    try:
        set_target(g.scope, home_province().code, typed, current_actor())
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        return _page({e["field"]: e["message"] for e in exc.errors}, typed, 422)
    done(_("Target saved."))
    return redirect(url_for("improvement.targets", year=typed["year"], instrument=typed["instrument"]))


@bp.post("/targets/import")
@permission_required("targets.manage")
def target_import():
    """Set the targets of a CSV file; any bad line imports nothing."""
    try:
        _name, text = uploaded_text("file", MAX_UPLOAD, _("Choose a CSV file of at most 512 KB."))
        count = import_targets(g.scope, home_province().code, text, current_actor())
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        return _page({"file": "; ".join(e["message"] for e in exc.errors[:20])}, status=422)
    done(_("%(n)s targets saved.", n=count))
    return redirect(url_for("improvement.targets"))


@bp.get("/scorecard/<by>/<code>")
@permission_required("targets.manage")
def scorecard(by: str, code: str):
    """One printable page for the head of a commune or agency: figures, target, rank, trend, projection."""
    if by not in ("commune", "agency"):
        abort(404)
    province = home_province()
    year, instrument, _by = _choices()
    rows = progress(g.scope, province.code, instrument, year, by, _today(), int(current_app.config["MIN_N"]), _lang())
    mine = next((p for p in rows if p.code == code), None)
    if mine is None:  # no responses and no target yet: an empty card, if the subject is the province's
        try:
            mine = Progress(by, code, subject(g.scope, province.code, by, code)[1])
        except NotFound:
            abort(404)
    return render_template("improvement/scorecard.html", province=province, year=year, instrument=instrument,
                           by=by, p=mine, chart=trend_svg(mine.monthly, mine.target, mine.trend))
