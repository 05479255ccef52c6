"""GET /api/v1/indices: the index results of a breakdown, scoped to the caller's units."""
from __future__ import annotations

from flask import current_app, g, jsonify, request
from flask_babel import get_locale

from survey.api import bp
from survey.api import schemas
from survey.api.auth import staff_required
from survey.api.declare import Operation, declared
from survey.services.indices.compute import FILTERS, compute_indices


@bp.get("/indices")
@staff_required
@declared(Operation("Indices by unit, agency, channel or profile", "getIndices", {200: schemas.Indices, 404: None},
                     params=schemas.IndicesQuery))
def get_indices():
    """instrument, period (2026, 2026-Q3, 2026-09, A..B or from/to), by (default commune), province, and filters
    (channel, field, procedure, profile fields) that keep only matching responses."""
    args = request.args
    period = args.get("period") or (f"{args.get('from', '')}..{args.get('to', '')}"
                                    if args.get("from") or args.get("to") else "")
    where = {name: args[name] for name in FILTERS if args.get(name)}
    result = compute_indices(args.get("instrument", ""), period, args.get("by") or "commune",
                             args.get("province") or None, scope=g.scope, min_n=current_app.config["MIN_N"],
                             lang="en" if str(get_locale() or "vi") == "en" else "vi",
                             # secondary post-stratified figures, only on request
                             weighted=args.get("weighted", "") in ("1", "true"), where=where,
                             quality=args.get("quality") or "all")  # clean: without flagged responses
    return jsonify(result.document)
