"""Population margins for the weighted figures: Home Affairs sees its province's sex × age band populations and
replaces them by uploading a CSV (the same file `survey weights import` takes)."""
from __future__ import annotations

import csv
import io

from flask import g, make_response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from survey.admin.base import bp, done
from survey.auth.access import current_actor, permission_required
from survey.errors import DomainError, Forbidden, Invalid
from survey.extensions import db
from survey.services.exports.cells import safe_row
from survey.services.indices import weights
from survey.services.indices.cells import choice_names
from survey.services.instruments.versions import current_version
from survey.services.organisation.units import province_of
from survey.uploads import uploaded_text

MAX_UPLOAD = 64 * 1024  # ten rows of numbers; anything near this is not a margins file
SEX_CODES = {1: _l("Male"), 2: _l("Female")}

# The service's error codes (weights._parse) in the words of the person uploading.
MESSAGES = {
    ("missing_column", None): _l("Column %(field)s is missing (the columns are sex, age_band, population)."),
    ("invalid", None): _l("Line %(line)s: %(field)s must be a whole number."),
    ("out_of_range", "sex"): _l("Line %(line)s: sex must be 1 (male) or 2 (female)."),
    ("out_of_range", "age_band"): _l("Line %(line)s: the age band must be 1 to 5."),
    ("out_of_range", "population"): _l("Line %(line)s: the population must be between 0 and 1,000,000,000."),
    ("not_csv", None): _l("Line %(line)s cannot be read as CSV: save the file as CSV (comma-separated) again."),
    ("duplicate", None): _l("Line %(line)s: this sex and age band appear twice."),
    ("empty", None): _l("The file has no rows."),
}


def _province():
    """The signed-in Home Affairs officer's province (the margins are per province)."""
    if current_user.unit is None:
        raise Forbidden("no_province", _("Your account is not attached to a province."))
    return weights.province_unit(g.scope, province_of(current_user.unit).code)


def _age_bands() -> dict[int, str]:
    """Age band code → label in the interface language, from SIPAS-1001's profile question."""
    try:
        definition = current_version("SIPAS-1001").definition
    except DomainError:  # SIPAS-1001 not loaded: the codes alone
        definition = {}
    names = choice_names(definition, "age_band", int(str(get_locale()) == "en"))
    return {band: names.get(str(band), str(band)) for band in weights.AGE_BANDS}


def _explain(error: dict) -> str:
    wording = MESSAGES.get((error.get("code"), error.get("field"))) or MESSAGES.get((error.get("code"), None))
    return str(wording) % error if wording is not None else error.get("message", "")


@bp.route("/weights", methods=["GET", "POST"])
@permission_required("weights.manage")
def population_weights():
    """The province's margins as a table, and a CSV upload that replaces them all (or nothing)."""
    province = _province()
    errors, status = [], 200
    if request.method == "POST":
        try:
            _name, text = uploaded_text("file", MAX_UPLOAD, _("Choose a CSV file of at most 64 KB."))
            count = weights.import_margins(g.scope, province.code, text, current_actor())
            db.session.commit()
            done(_("%(n)s population figures saved: the weighted figures use them from now on.", n=count))
        except Invalid as exc:
            db.session.rollback()
            errors, status = [_explain(e) for e in exc.errors], 422
    margins = weights.margins_for(province.id)
    table = {(m.sex, m.age_band): m.population for m in margins}
    sex_totals = {sex: sum(n for (s, _band), n in table.items() if s == sex) for sex in SEX_CODES}
    return render_template("admin/weights.html", province=province, table=table, total=sum(table.values()),
                           sex_totals=sex_totals, margins=margins, sexes=SEX_CODES, bands=_age_bands(),
                           errors=errors), status


@bp.get("/weights/template.csv")
@permission_required("weights.manage")
def weights_template():
    """The CSV to fill in: one row per sex and age band, holding the current figures (empty when none)."""
    province = _province()
    table = {(m.sex, m.age_band): m.population for m in weights.margins_for(province.id)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(safe_row(weights.COLUMNS))
    for sex in weights.SEXES:
        for band in weights.AGE_BANDS:
            writer.writerow(safe_row([sex, band, table.get((sex, band), "")]))
    response = make_response("\ufeff" + out.getvalue())  # a BOM so spreadsheet programs read it as UTF-8
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f"attachment; filename=population-{province.code}.csv"
    return response
