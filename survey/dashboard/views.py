"""Dashboard pages: the province overview for Home Affairs, one page per commune, department and service point,
and comment moderation. Views read the request, call the page builders with the caller's scope, and render."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from survey.auth.access import current_actor, permission_required
from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.services.organisation.agencies import get_agency, get_service_point
from survey.services.instruments.versions import visible_instruments
from survey.services.access.scope import Scope, can, check_agency, check_service_point, check_unit, within
from survey.models.units import LEGACY_VINTAGE
from survey.services.organisation.legacy_reach import legacy_districts, successor_province
from survey.services.reports.targets import check_province
from survey.services.organisation.units import find_unit, get_unit, province_of
from survey.services.organisation.places import kiosks_for, points_for
from survey.services.responses.comments import comments_for, moderate
from survey.services.alerts.episodes import open_alerts

from survey.dashboard import links, pages
from survey.dashboard.campaign_view import campaign_choices, campaign_page, is_campaign
from survey.dashboard.active import CHANNEL_NAMES, active_filters, filter_choices
from survey.dashboard.page_charts import national_charts, overview_charts, unit_charts
from survey.dashboard.period_labels import choices as period_choices
from survey.dashboard.period_labels import local_date, local_time, long_label
from survey.dashboard.selection import BREAKDOWNS, FILTERS, Selection, parse_selection

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
REFORM = date(2025, 7, 1)  # communes re-drawn, districts abolished


@bp.context_processor
def _helpers() -> dict:
    """Local dates and times, and channel names, for the dashboard templates."""
    return {"local_time": local_time, "local_date": local_date, "channel_names": CHANNEL_NAMES}


def _lang() -> str:
    return "en" if str(get_locale() or "vi") == "en" else "vi"


def _instruments(scope: Scope) -> list[tuple[str, str]]:
    """(code, name) of the published instruments the caller may read."""
    lang = _lang()
    return [(i.code, i.name_en if lang == "en" and i.name_en else i.name_vi) for i in visible_instruments(scope)
            if any(v.status == "published" for v in i.versions)] + campaign_choices(scope)


def _selection(scope: Scope) -> tuple[Selection, list[tuple[str, str]]]:
    instruments = _instruments(scope)
    return parse_selection(request.args, [code for code, _name in instruments]), instruments


def _filters_context(selection: Selection, instruments: list[tuple[str, str]], breakdowns: bool) -> dict:
    """What the filter form needs."""
    periods = period_choices()
    choices = filter_choices(selection.instrument, _lang())
    if selection.period.label not in {code for code, _label in periods}:
        periods.insert(0, (selection.period.label, long_label(selection.period)))
    return {"selection": selection, "instruments": instruments, "periods": periods,
            "breakdowns": BREAKDOWNS if breakdowns else {}, "raw_period": request.args.get("period", ""),
            "filter_names": FILTERS, "filter_choices": choices, "active": active_filters(selection, choices)}


def _filter_errors(selection: Selection, exc: Invalid) -> Selection:
    """The selection with the service's filter errors (unknown codes) attached to their fields."""
    errors = dict(selection.errors)
    for error in exc.errors:
        if error.get("field") in FILTERS:
            errors[error["field"]] = _("Unknown value %(value)s.", value=selection.where.get(error["field"], ""))
    if errors == selection.errors:
        raise exc
    return replace(selection, errors=errors)


def _home_place():
    """Where a caller without the whole province lands: their agency's page, else their commune's."""
    if current_user.agency is not None:
        return url_for("dashboard.agency", agency_code=current_user.agency.code, **request.args)
    if current_user.unit is not None and current_user.unit.level != "province":
        return url_for("dashboard.commune", unit_code=current_user.unit.code, **request.args)
    return None


@bp.get("/")
@permission_required("results.read")
def overview():
    """The province overview (Home Affairs; the ministry names the province with ?province=, or sees the national
    overview without it); other staff go to their own unit's page. A province other than the caller's own is 404."""
    scope: Scope = g.scope
    code = (request.args.get("province") or "").strip()
    if scope.national:
        if not code:
            return _national()
        unit = check_province(scope, code)
        scope = within(scope, unit)
    else:
        unit = current_user.unit
        if code and code != _own_province_code():
            raise NotFound("unknown_unit", f"Unknown unit code {code}", unit=code)
        if unit is None or unit.level != "province" or scope.agency_ids is not None:
            target = _home_place()
            if target is None:
                abort(403, description=_("Your account is not attached to a province or a unit."))
            return redirect(target)
    selection, instruments = _selection(scope)
    context = _filters_context(selection, instruments, breakdowns=True)
    context["form_args"] = {"province": unit.code} if g.scope.national else {}
    if selection.errors:
        return render_template("dashboard/overview.html", page=None, province=unit, **context), 400
    if is_campaign(selection.instrument):  # a sample survey's design-based estimates (campaign_view.py)
        return campaign_page({**context, "province": unit})
    try:
        page = pages.overview(scope, unit, selection.instrument, selection.period, _lang(), selection.breakdown,
                              selection.where)
    except Invalid as exc:
        context["selection"] = _filter_errors(selection, exc)
        return render_template("dashboard/overview.html", page=None, province=unit, **context), 400
    # Legacy districts are offered for periods that start before the July 2025 reform.
    districts = legacy_districts(scope.unit_ids) if selection.period.start < REFORM else []
    return render_template("dashboard/overview.html", page=page, province=unit, charts=overview_charts(page),
                           open_alerts=open_alerts(scope),
                           districts=districts, legacy_import=not districts and selection.period.start < REFORM
                           and can(scope, "units.manage"),
                           downloads=links.downloads(scope, links.PROVINCE, province=unit.code,
                                                     instrument=selection.instrument, period=selection.period.label),
                           **context)


def _own_province_code() -> str | None:
    """The province of the signed-in account's home unit or agency."""
    home = current_user.unit if current_user.unit is not None else (
        current_user.agency.unit if current_user.agency is not None else None)
    return province_of(home).code if home is not None else None


def _national():
    """The national overview: every province ranked (the ministry)."""
    scope: Scope = g.scope
    selection, instruments = _selection(scope)
    context = _filters_context(selection, instruments, breakdowns=True)
    country = _("Whole country")
    if selection.errors:
        return render_template("dashboard/national.html", page=None, **context), 400
    try:
        page = pages.national(scope, selection.instrument, selection.period, _lang(), country, selection.breakdown,
                              selection.where)
    except Invalid as exc:
        context["selection"] = _filter_errors(selection, exc)
        return render_template("dashboard/national.html", page=None, **context), 400
    return render_template("dashboard/national.html", page=page, charts=national_charts(page),
                           downloads=links.downloads(scope, links.NATIONAL, instrument=selection.instrument,
                                                     period=selection.period.label), **context)


def _unit_view(kind: str, place):
    """Render one place's page (shared by the three unit routes)."""
    scope: Scope = g.scope
    selection, instruments = _selection(scope)
    context = _filters_context(selection, instruments, breakdowns=False)
    crumbs = _crumbs(scope, kind, place)
    if selection.errors:
        return render_template("dashboard/unit.html", page=None, place=place, kind=kind, crumbs=crumbs,
                               **context), 400
    if is_campaign(selection.instrument):
        return campaign_page({**context, "crumbs": crumbs}, place, kind)
    try:
        page = pages.unit_page(scope, kind, place, selection.instrument, selection.period, _lang(), selection.where)
    except Invalid as exc:
        context["selection"] = _filter_errors(selection, exc)
        return render_template("dashboard/unit.html", page=None, place=place, kind=kind, crumbs=crumbs,
                               **context), 400
    if kind == "district":  # legacy: no service points, kiosks or comment moderation of its own today
        comments, totals, kiosks, points = [], dict.fromkeys(("new", "approved", "hidden", "all"), 0), [], []
    else:
        comments, totals = comments_for(scope, kind, place, selection.period, selection.comments)
        kiosks, points = kiosks_for(scope, kind, place), points_for(scope, kind, place)

    def place_url(**changes: str) -> str:
        """This page with some filters changed."""
        return url_for(request.endpoint, **request.view_args, **selection.args(**changes))

    return render_template(
        "dashboard/unit.html", page=page, place=place, kind=kind, crumbs=crumbs, charts=unit_charts(page),
        comments=comments, comment_totals=totals, place_url=place_url, may_moderate=can(scope, "comments.moderate"),
        kiosks=kiosks, points=points,
        downloads=links.downloads(scope, links.UNIT, unit=place.code, by=kind, instrument=selection.instrument,
                                  period=selection.period.label), **context)


def _crumbs(scope: Scope, kind: str, place) -> list[tuple[str, str | None]]:
    """Breadcrumbs: the province overview (for those who see it), then the place's parents they may open."""
    out: list[tuple[str, str | None]] = []
    unit = place if kind in ("commune", "district") else place.unit
    if scope.national:  # the ministry: the country, then the place's province
        home = successor_province(unit)
        out.append((_("Whole country"), url_for("dashboard.overview", **request.args)))
        if home is not None:
            out.append((home.name, url_for("dashboard.overview", **{**request.args, "province": home.code})))
    elif current_user.unit is not None and current_user.unit.level == "province" and scope.agency_ids is None:
        out.append((province_of(unit).name, url_for("dashboard.overview", **request.args)))
    if kind == "service_point" and scope.sees_unit(place.unit_id) and place.unit.level == "commune":
        out.append((place.unit.name, url_for("dashboard.commune", unit_code=place.unit.code, **request.args)))
    return out


@bp.get("/commune/<unit_code>")
@permission_required("results.read")
def commune(unit_code: str):
    """A commune-level unit's page."""
    unit = check_unit(g.scope, _or_none(lambda: get_unit(unit_code)), unit_code)
    if unit.level != "commune":
        raise NotFound("unknown_unit", f"Unknown unit code {unit_code}", unit=unit_code)
    return _unit_view("commune", unit)


@bp.get("/district/<unit_code>")
@permission_required("results.read")
def district(unit_code: str):
    """A pre-July-2025 district's page (legacy data as it was), for those whose units cover all of it."""
    unit = check_unit(g.scope, _or_none(lambda: find_unit(unit_code)), unit_code)
    if unit.level != "district" or unit.vintage != LEGACY_VINTAGE:
        raise NotFound("unknown_unit", f"Unknown unit code {unit_code}", unit=unit_code)
    return _unit_view("district", unit)


@bp.get("/district")
@permission_required("results.read")
def district_choice():
    """The overview's district selector (a GET form) leads to the chosen district's page."""
    code = (request.args.get("district") or "").strip()
    args = {k: v for k, v in request.args.items() if k != "district"}
    return redirect(url_for("dashboard.district", unit_code=code, **args) if code else
                    url_for("dashboard.overview", **args))


@bp.get("/agency/<agency_code>")
@permission_required("results.read")
def agency(agency_code: str):
    """A department's (or any agency's) page."""
    return _unit_view("agency", check_agency(g.scope, _or_none(lambda: get_agency(agency_code)), agency_code))


@bp.get("/service-point/<point_code>")
@permission_required("results.read")
def service_point(point_code: str):
    """A service point's page."""
    point = check_service_point(g.scope, _or_none(lambda: get_service_point(point_code)), point_code)
    return _unit_view("service_point", point)


@bp.post("/comments/<int:comment_id>")
@permission_required("comments.moderate")
def moderate_comment(comment_id: int):
    """Approve a comment for reports or hide it; back to the page it was moderated on."""
    comment = moderate(g.scope, comment_id, request.form.get("status", ""), current_actor())
    db.session.commit()
    flash({"approved": _("Comment approved: it may appear in reports."), "hidden": _("Comment hidden."),
           "new": _("Comment marked as not yet reviewed.")}[comment.status], "ok")
    target = request.form.get("next", "")
    if not target.startswith("/dashboard/") or "//" in target or "\\" in target:
        target = url_for("dashboard.overview")
    return redirect(target)


def _or_none(lookup):
    """The looked-up object, or None when it does not exist (the scope check then answers 404)."""
    try:
        return lookup()
    except NotFound:
        return None


from survey.dashboard import legacy_view  # noqa: E402,F401 - its route joins this blueprint
