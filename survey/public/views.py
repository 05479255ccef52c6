"""Public results: the province's published index and its commune and department rankings, the methodology link
and the open data (CSV and code book). No login; nothing unpublished; no suppressed cell."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, render_template, request

from survey.errors import NotFound
from survey.services.publication.publish import published
from survey.services.publication.results import codebook_csv, open_data_csv, public_results

bp = Blueprint("public", __name__, url_prefix="/results")


def _results(province: str):
    if not (province.isdigit() and len(province) <= 3):
        abort(404)
    try:
        return public_results(province, request.args.get("instrument") or None, request.args.get("period") or None,
                              int(current_app.config["MIN_N"]))
    except NotFound:
        abort(404)


@bp.get("/")
def index():
    """Provinces with published results."""
    provinces = sorted({(code, name) for code, name, _i, _p in published()})
    return render_template("public/index.html", provinces=provinces)


@bp.get("/<province>")
def province_results(province: str):
    """The published results of a province (the latest period unless another published one is asked)."""
    return render_template("public/results.html", r=_results(province))


def _csv(text: str, name: str):
    response = make_response("\ufeff" + text)  # a BOM so spreadsheet programs read UTF-8
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return response


@bp.get("/<province>/data.csv")
def open_data(province: str):
    """The published figures as CSV."""
    r = _results(province)
    return _csv(open_data_csv(r), f"sipas-{r.province_code}-{r.instrument}-{r.period}.csv")


@bp.get("/codebook.csv")
def codebook():
    """What each column of the open data means."""
    return _csv(codebook_csv(), "codebook.csv")
