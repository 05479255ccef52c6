"""Staff pages for reports (blueprint "reports", /reports): a download form, PDFs and exports of one's units."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from survey.auth.access import current_actor, permission_required
from survey.i18n import file_language
from survey.reports import downloads
from survey.services.instruments.versions import visible_instruments
from survey.services.access.scope import can
from survey.services.reports.targets import report_choices

bp = Blueprint("reports", __name__, url_prefix="/reports")
PLACE_ARGS = ("unit", "agency", "service_point")  # the dashboard links name the place by its kind


def _args() -> dict[str, str]:
    """Query arguments with the place under `unit` whatever the link called it, and the page's language."""
    args = request.args.to_dict()
    for name in PLACE_ARGS:
        if args.get(name):
            args["unit"] = args[name]
            break
    args.setdefault("lang", "en" if str(get_locale() or "vi") == "en" else "vi")
    return args


@bp.get("/")
@permission_required("reports.download")
def index():
    """Forms for a unit's PDF, the provincial report and the exports this caller may use."""
    scope = g.scope
    choices = report_choices(scope)
    return render_template("reports/index.html", units=choices.units, agencies=choices.agencies,
                           points=choices.points, provinces=choices.provinces,
                           instruments=[i.code for i in visible_instruments(scope)],
                           may_export=can(scope, "results.export"), national=scope.national,
                           may_configure=can(scope, "results.publish") and current_user.unit is not None
                           and current_user.unit.level == "province")


@bp.get("/unit")
@file_language
@permission_required("reports.download")
def unit_pdf():
    """A unit's, agency's or service point's summary as PDF."""
    return downloads.unit_pdf(g.scope, _args(), current_actor())


@bp.get("/province")
@file_language
@permission_required("reports.download")
def province_pdf():
    """The provincial report as PDF (Home Affairs of that province)."""
    return downloads.province_pdf(g.scope, _args(), current_actor())


@bp.get("/national")
@file_language
@permission_required("reports.download")
def national_pdf():
    """The national report as PDF: every province ranked (the ministry)."""
    return downloads.national_pdf(g.scope, _args(), current_actor())


@bp.get("/export/indices")
@file_language
@permission_required("results.export")
def indices_export():
    """The index table as CSV or XLSX."""
    return downloads.indices_file(g.scope, _args(), current_actor())


@bp.get("/export/responses")
@file_language
@permission_required("results.export")
def responses_export():
    """Anonymised responses as CSV or XLSX (or the code book)."""
    return downloads.responses_file(g.scope, _args(), current_actor())


from survey.reports import settings_view  # noqa: E402,F401 - its route joins this blueprint
