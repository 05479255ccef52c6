"""Home Affairs' campaign screens: list, create, draw, progress and estimates, outcomes, frame, packs."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from survey.auth.access import current_actor, permission_required
from survey.error_text import explain, explain_field
from survey.errors import DomainError, Invalid
from survey.extensions import db
from survey.reports.campaign_packs import packs_zip
from survey.reports.campaign_pdf import render_campaign_report
from survey.services.access import audit
from survey.services.access.scope import can
from survey.services.campaigns import estimates, listing, manage, official, progress
from survey.services.campaigns.frame import import_frame
from survey.services.campaigns.packs import village_packs
from survey.services.campaigns.report import campaign_report
from survey.services.responses.catalog import published_codes
from survey.uploads import uploaded_text

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
MAX_FRAME = 5 * 1024 * 1024


@bp.get("/")
@permission_required("results.read")
def index():
    """The campaigns the caller sees."""
    return render_template("campaigns/index.html", campaigns=listing.list_campaigns(g.scope),
                           manage=can(g.scope, "campaigns.manage"))


def _int(name: str, default: int | None = None) -> int | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise Invalid([{"field": name, "code": "bad_number", "message": f"{name}: a whole number"}])
    return int(value)


def _date(name: str) -> date:
    try:
        return date.fromisoformat(request.form.get(name) or "")
    except ValueError:
        raise Invalid([{"field": name, "code": "bad_date", "message": f"{name}: a date YYYY-MM-DD"}]) from None


@bp.route("/new", methods=["GET", "POST"])
@permission_required("campaigns.manage")
def create():
    """A draft campaign from the form; the draw is a separate, explicit step on its page."""
    provinces = listing.managed_provinces(g.scope)
    errors: list[dict] = []
    if request.method == "POST":
        try:
            communes = [c.strip() for c in (request.form.get("communes") or "").split(",") if c.strip()] or None
            campaign = manage.create_campaign(
                g.scope, (request.form.get("code") or "").strip(), request.form.get("province") or "",
                request.form.get("instrument") or "", _int("version"), _date("from"), _date("to"),
                _int("villages_per_commune", 0) or 0, _int("people_per_village", 0) or 0, communes, _int("seed"),
                current_actor())
            db.session.commit()
            flash(_("Campaign %(code)s created. Check the design, then draw the sample.", code=campaign.code), "ok")
            return redirect(url_for("campaigns.show", code=campaign.code))
        except DomainError as exc:
            db.session.rollback()
            errors = getattr(exc, "errors", None) or [{"field": exc.code, "message": explain(exc)}]
    return render_template("campaigns/new.html", provinces=provinces, instruments=published_codes(g.scope),
                           errors=errors, form=request.form, manage=True), 422 if errors else 200


@bp.get("/<code>")
@permission_required("results.read")
def show(code: str):
    """Progress (outcomes, RR1 per commune and village with a bar), estimates with intervals, official figures."""
    status = progress.campaign_status(g.scope, code)
    min_n = current_app.config["MIN_N"]
    calibrate, problem = request.args.get("calibrate", "") in ("1", "true"), None
    by_commune = overall = None
    if status["completed"]:
        try:  # the switch: weights post-stratified to the province's sex × age-band margins
            by_commune = estimates.estimates_document(g.scope, code, "commune", min_n, calibrate)
        except Invalid as exc:  # no margins: say so beside the uncalibrated estimates
            calibrate, problem = False, explain_field(exc.errors[0])
            by_commune = estimates.estimates_document(g.scope, code, "commune", min_n)
        overall = estimates.estimates_document(g.scope, code, "province", min_n, calibrate)
    campaign = manage.get_campaign(g.scope, code, "results.read")
    figures = official.beside_campaign(campaign, overall["rows"][0] if overall and overall["rows"] else None)
    db.session.rollback()  # weights computed for the estimates are not this page's to keep
    return render_template("campaigns/show.html", campaign=campaign, status=status, by_commune=by_commune,
                           overall=overall, official=figures, manage=can(g.scope, "campaigns.manage"),
                           min_n=min_n, calibrated=calibrate, calibration_problem=problem), 422 if problem else 200


@bp.post("/<code>/draw")
@permission_required("campaigns.manage")
def draw(code: str):
    """Draw the sample once (PPS per commune) and issue the questionnaires."""
    manage.get_campaign(g.scope, code)  # a campaign outside the caller's provinces is a 404, not a flash
    try:
        done = manage.draw(g.scope, code, current_actor())
        db.session.commit()
        flash(_("Drew %(v)s villages: %(q)s questionnaires issued.", v=done["villages"], q=done["questionnaires"]),
              "ok")
    except DomainError as exc:
        db.session.rollback()
        flash(explain(exc), "error")
    return redirect(url_for("campaigns.show", code=code))


@bp.post("/<code>/outcome")
@permission_required("campaigns.manage")
def outcome(code: str):
    """Record refused, not reached or ineligible for one questionnaire."""
    manage.get_campaign(g.scope, code)  # as in draw: only the form's mistakes become a flash
    try:
        q = manage.record_outcome(g.scope, code, request.form.get("questionnaire") or "",
                                  request.form.get("status") or "")
        db.session.commit()
        flash(_("Questionnaire %(q)s recorded.", q=q.code), "ok")
    except DomainError as exc:
        db.session.rollback()
        flash(explain(exc), "error")
    return redirect(url_for("campaigns.show", code=code) + "#outcome")


@bp.post("/<code>/close")
@permission_required("campaigns.manage")
def close(code: str):
    """End the fieldwork: no channel takes answers or outcomes afterwards; estimates stay."""
    manage.get_campaign(g.scope, code)  # as in draw: outside the caller's provinces is a 404
    if request.form.get("confirm") != "1":
        flash(_("Tick the box to confirm that the fieldwork is over."), "error")
        return redirect(url_for("campaigns.show", code=code) + "#close")
    try:
        manage.close_campaign(g.scope, code, current_actor())
        db.session.commit()
        flash(_("Campaign %(code)s closed: no more answers or outcomes are accepted.", code=code), "ok")
    except DomainError as exc:
        db.session.rollback()
        flash(explain(exc), "error")
    return redirect(url_for("campaigns.show", code=code))


@bp.get("/<code>/report.pdf")
@permission_required("campaigns.manage")
def report(code: str):
    """The campaign report for the province (method, sample, response rates, estimates, official figures)."""
    lang = request.args.get("lang") or ("en" if str(get_locale() or "vi") == "en" else "vi")
    if lang not in ("vi", "en"):
        raise Invalid([{"field": "lang", "code": "unknown", "message": "lang must be one of vi, en"}])
    data = campaign_report(g.scope, code, current_app.config["MIN_N"])
    db.session.rollback()  # the weights the estimates stored are not this download's to keep
    pdf = render_campaign_report(data, lang)
    audit.record(current_actor(), audit.REPORT_DOWNLOAD, code, kind="campaign", lang=lang)
    db.session.commit()
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="bao-cao-khao-sat-{_safe(code)}-{lang}.pdf"'
    return response


def _safe(code: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in code)


@bp.get("/<code>/packs.zip")
@permission_required("campaigns.manage")
def packs(code: str):
    """The printable packs: a PDF per village in one zip."""
    body = packs_zip(village_packs(g.scope, code))
    response = current_app.response_class(body, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{code}-packs.zip"'
    return response


@bp.route("/frame", methods=["GET", "POST"])
@permission_required("campaigns.manage")
def frame():
    """Upload the village frame (all or nothing) and view it per commune."""
    provinces = listing.managed_provinces(g.scope)
    province = request.values.get("province") or (provinces[0].code if len(provinces) == 1 else "")
    errors: list[dict] = []
    status = 200
    if request.method == "POST":
        try:
            _name, text = uploaded_text("file", MAX_FRAME, _("Choose a CSV file of at most 5 MB."))
            done = import_frame(g.scope, province, text, current_actor())
            db.session.commit()
            flash(_("Frame imported: %(a)s villages added, %(u)s updated.", a=done["added"], u=done["updated"]),
                  "ok")
            return redirect(url_for("campaigns.frame", province=province))
        except DomainError as exc:
            db.session.rollback()
            errors, status = getattr(exc, "errors", None) or [{"field": exc.code, "message": explain(exc)}], \
                exc.status
    communes = listing.frame_view(g.scope, province) if province else []
    chosen = request.args.get("commune")
    return render_template("campaigns/frame.html", provinces=provinces, province=province, communes=communes,
                           chosen=chosen, errors=errors, manage=True), status
