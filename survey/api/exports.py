"""API downloads (staff token or session, scoped): PDF reports and CSV/XLSX exports, as on the staff pages."""
from __future__ import annotations

from flask import g, request

from survey.api import bp
from survey.api import schemas
from survey.api.auth import staff_required
from survey.api.declare import CSV, PDF, XLSX, Operation, declared
from survey.auth.access import current_actor
from survey.i18n import file_language
from survey.reports import downloads


@bp.get("/reports/unit")
@file_language
@staff_required
@declared(Operation("PDF summary of one unit, agency or service point", "reportUnit", {200: (PDF,), 404: None},
                     params=schemas.ReportUnitQuery))
def report_unit():
    """unit (unit, agency or service point code), period, instrument, version, lang → application/pdf."""
    return downloads.unit_pdf(g.scope, request.args, current_actor())


@bp.get("/reports/province")
@file_language
@staff_required
@declared(Operation("PDF summary of a province", "reportProvince", {200: (PDF,), 404: None},
                     params=schemas.ReportProvinceQuery))
def report_province():
    """province, period, instrument, version, lang → application/pdf (Home Affairs of the province)."""
    return downloads.province_pdf(g.scope, request.args, current_actor())


@bp.get("/reports/national")
@file_language
@staff_required
@declared(Operation("PDF report of the whole country: every province ranked", "reportNational",
                     {200: (PDF,), 404: None}, params=schemas.ReportNationalQuery))
def report_national():
    """period, instrument, version, lang → application/pdf (a national scope: the ministry)."""
    return downloads.national_pdf(g.scope, request.args, current_actor())


@bp.get("/exports/indices")
@file_language
@staff_required
@declared(Operation("The index table as CSV or XLSX (the columns of /indices, flattened)", "exportIndices",
                     {200: (CSV, XLSX), 404: None}, params=schemas.ExportIndicesQuery))
def export_indices():
    """instrument, period, by, province or unit, format=csv|xlsx → the index table with the API's columns."""
    return downloads.indices_file(g.scope, request.args, current_actor())


@bp.get("/exports/responses")
@file_language
@staff_required
@declared(Operation("Anonymised responses (or their codebook) as CSV or XLSX; small cells suppressed",
                     "exportResponses", {200: (CSV, XLSX), 404: None}, params=schemas.ExportResponsesQuery))
def export_responses():
    """instrument, period, unit, version, format=csv|xlsx, part=responses|codebook → anonymised responses."""
    return downloads.responses_file(g.scope, request.args, current_actor())
