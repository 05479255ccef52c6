"""API downloads (staff token or session, scoped): PDF reports and CSV/XLSX exports, as on the staff pages."""
from __future__ import annotations

from flask import g, request

from survey.api import bp
from survey.api.auth import staff_required
from survey.auth.access import current_actor
from survey.i18n import file_language
from survey.reports import downloads


@bp.get("/reports/unit")
@file_language
@staff_required
def report_unit():
    """unit (unit, agency or service point code), period, instrument, version, lang → application/pdf."""
    return downloads.unit_pdf(g.scope, request.args, current_actor())


@bp.get("/reports/province")
@file_language
@staff_required
def report_province():
    """province, period, instrument, version, lang → application/pdf (Home Affairs of the province)."""
    return downloads.province_pdf(g.scope, request.args, current_actor())


@bp.get("/exports/indices")
@file_language
@staff_required
def export_indices():
    """instrument, period, by, province or unit, format=csv|xlsx → the index table with the API's columns."""
    return downloads.indices_file(g.scope, request.args, current_actor())


@bp.get("/exports/responses")
@file_language
@staff_required
def export_responses():
    """instrument, period, unit, version, format=csv|xlsx, part=responses|codebook → anonymised responses."""
    return downloads.responses_file(g.scope, request.args, current_actor())
