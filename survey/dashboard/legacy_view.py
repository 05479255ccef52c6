"""Home Affairs imports the pre-July-2025 unit list from a web screen (as `survey units import-legacy` does)."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey.auth.access import current_actor, permission_required
from survey.error_text import explain_field
from survey.errors import Invalid
from survey.extensions import db
from survey.services.access import audit
from survey.services.organisation.legacy import import_legacy_csv

from survey.dashboard.views import bp

MAX_BYTES = 5 * 1024 * 1024  # the statistics office's national list is about 1 MB


@bp.route("/legacy-units", methods=["GET", "POST"])
@permission_required("units.manage")
def legacy_units():
    """Upload the legacy province → district → commune list with its successors (all rows or none)."""
    if request.method == "GET":
        return render_template("dashboard/legacy_import.html", errors=[])
    upload = request.files.get("file")
    data = upload.read(MAX_BYTES + 1) if upload is not None else b""
    try:
        if not data:
            raise Invalid([{"field": "file", "code": "required", "message": "choose a CSV file"}])
        if len(data) > MAX_BYTES:
            raise Invalid([{"field": "file", "code": "too_large", "message": "the file is larger than 5 MB"}])
        result = import_legacy_csv(data, within=g.scope.unit_ids, scope=g.scope)
    except Invalid as exc:
        db.session.rollback()
        return render_template("dashboard/legacy_import.html", errors=[explain_field(e) for e in exc.errors]), 422
    audit.record(current_actor(), "units.import_legacy", upload.filename or "", **result)  # type: ignore[union-attr]
    db.session.commit()
    flash(_("Legacy units imported: %(district)d districts and %(commune)d communes.", district=result["district"],
            commune=result["commune"]), "info")
    return redirect(url_for("dashboard.overview", period="2025-Q1"))
