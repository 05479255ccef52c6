"""GET /api/v1/campaigns/<code>/estimates: a campaign's design-based estimates, scoped to the caller's units."""
from __future__ import annotations

from flask import current_app, g, jsonify, request

from survey.api import bp
from survey.api import schemas
from survey.api.auth import staff_required
from survey.api.declare import Operation, declared
from survey.services.campaigns.estimates import estimates_document


@bp.get("/campaigns/<code>/estimates")
@staff_required
@declared(Operation("A sample-survey campaign's design-based estimates", "campaignEstimates",
                     {200: schemas.Estimates, 404: None, 422: None}, params=schemas.EstimatesQuery))
def campaign_estimates(code: str):
    """by = province (default), commune or a profile field; calibrate=1 post-stratifies the weights; the indices
    document with se, deff, response_rate."""
    return jsonify(estimates_document(g.scope, code, request.args.get("by") or "province",
                                      min_n=current_app.config["MIN_N"],
                                      calibrate=request.args.get("calibrate", "") in ("1", "true")))
