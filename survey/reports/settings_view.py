"""The report settings screen (Home Affairs): document number, place, signer and recipients printed on the PDFs."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from survey.auth.access import current_actor, permission_required
from survey.error_text import explain_field
from survey.errors import Invalid
from survey.extensions import db
from survey.reports.views import bp
from survey.services.reports.settings import LIMITS, report_settings, save_report_settings


class ReportSettingsForm(FlaskForm):
    """What every report of the province prints (Decree 30/2020/NĐ-CP)."""

    number = StringField(_l("Document number (e.g. 12/BC-SNV; empty: written in by hand)"),
                         validators=[Optional(), Length(max=LIMITS["number"])])
    place = StringField(_l("Place name before the date (empty: the province's name)"),
                        validators=[Optional(), Length(max=LIMITS["place"])])
    signer_title = TextAreaField(_l("Signer's title, one line each (e.g. KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC)"),
                                 validators=[Optional(), Length(max=LIMITS["signer_title"])])
    signer_name = StringField(_l("Signer's name"), validators=[Optional(), Length(max=LIMITS["signer_name"])])
    recipients = TextAreaField(_l("Recipients (Nơi nhận), one per line; the archive line is added"),
                               validators=[Optional(), Length(max=LIMITS["recipients"])])


def _province_code() -> str:
    unit = current_user.unit
    if unit is None or unit.level != "province":
        abort(403, description=_("Your account is not attached to a province or a unit."))
    return unit.code


@bp.route("/settings", methods=["GET", "POST"])
@permission_required("results.publish")
def settings():
    """Show and save the province's report settings."""
    code = _province_code()
    province, row = report_settings(g.scope, code)
    form = ReportSettingsForm(obj=row)
    if form.validate_on_submit():
        try:
            save_report_settings(g.scope, code, {name: form[name].data for name in LIMITS}, current_actor())
            db.session.commit()
        except Invalid as exc:  # the service's own checks (lengths after NFC): named under their fields
            db.session.rollback()
            for error in exc.errors:
                form[error["field"]].errors = [*form[error["field"]].errors, explain_field(error)]
        else:
            flash(_("Report settings saved: every new PDF prints them."), "info")
            return redirect(url_for("reports.settings"))
    status = 400 if any(f.errors for f in form) else 200
    return render_template("reports/settings.html", form=form, province=province), status
