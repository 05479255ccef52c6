"""A service point's QR settings: which instruments its QR code and counter card offer (issue 19.6)."""
from __future__ import annotations

from flask import g, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets

from survey.admin.base import bp, done, show_errors
from survey.admin.forms import choices
from survey.auth.access import current_actor, permission_required
from survey.errors import DomainError, NotFound
from survey.extensions import db
from survey.services.access.scope import check_service_point
from survey.services.organisation.agencies import get_service_point
from survey.services.responses.offered import offered_at, set_online_instruments


class OnlineInstrumentsForm(FlaskForm):
    """Tick the instruments the QR code offers; the first ticked is the one a scan opens by default."""

    instruments = SelectMultipleField(_l("Questionnaires offered by the QR code"), choices=[],
                                      widget=widgets.ListWidget(prefix_label=False),
                                      option_widget=widgets.CheckboxInput())


def _point(code: str):
    try:
        point = get_service_point(code)
    except NotFound:
        point = None
    return check_service_point(g.scope, point, code)


@bp.route("/service-points/<code>/online", methods=["GET", "POST"])
@permission_required("service_points.manage")
def point_online(code: str):
    """Choose the instruments of a service point's QR code; none ticked means the site's default (SIPAS-1001)."""
    point = _point(code)
    lang = str(get_locale() or "vi")
    form = OnlineInstrumentsForm(instruments=point.online_instruments or [])
    form.instruments.choices = choices((o.code, o.label(lang)) for o in offered_at(point, "online"))
    if form.validate_on_submit():
        try:
            set_online_instruments(g.scope, current_actor(), point.code, form.instruments.data or [])
            db.session.commit()
            done(_("Settings saved."))
            return redirect(url_for("admin.point_online", code=point.code))
        except DomainError as exc:
            show_errors(form, exc)
    return render_template("admin/point_online.html", form=form, point=point)
