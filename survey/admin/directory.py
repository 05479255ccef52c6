"""Editing, deactivating and searching agencies, service points and accounts; registering kiosks from a CSV."""
from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey.admin.base import bp, done, secret_page, show_errors
from survey.admin.edit_forms import AgencyEditForm, SearchForm, ServicePointEditForm, UserEditForm
from survey.admin.forms import ROLE_LABELS
from survey.auth.access import current_actor, permission_required
from survey.auth.forms import ConfirmForm
from survey.errors import DomainError, Invalid
from survey.error_text import DOMAIN, explain_field
from survey.extensions import db
from survey.services.access import staff
from survey.services.organisation import device_import, directory, edit
from survey.uploads import uploaded_text

MAX_IMPORT = 256 * 1024  # a thousand rows of three short cells


def search_page(search, **filters) -> tuple[SearchForm, directory.Page]:
    """The search form of a list screen and the page it asks for (?q=…&state=…&page=…)."""
    form = SearchForm(request.args)
    valid = form.validate()
    state = form.state.data if valid and form.state.data in directory.STATES else "all"
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    return form, search(g.scope, (form.q.data or "") if valid else "", page, state=state, **filters)


@bp.route("/agencies/<code>", methods=["GET", "POST"])
@permission_required("agencies.manage")
def agency(code: str):
    """One agency: rename it, change its kind or parent; deactivate or reactivate it."""
    row = edit.get_scoped_agency(g.scope, code)
    # Plain values, not obj=row: WTForms prefers obj's attributes to keyword data, and row.parent is an Agency.
    form = AgencyEditForm(name=row.name, kind=row.kind, parent=row.parent.code if row.parent else "")
    if form.validate_on_submit():
        try:
            edit.update_agency(g.scope, current_actor(), code, form.name.data, form.kind.data,
                               (form.parent.data or "").strip() or None)
            db.session.commit()
            done(_("Agency %(code)s saved.", code=code))
            return redirect(url_for("admin.agency", code=code))
        except Invalid as exc:
            show_errors(form, exc)
    return render_template("admin/agency.html", agency=row, form=form, confirm=ConfirmForm())


@bp.post("/agencies/<code>/active")
@permission_required("agencies.manage")
def agency_active(code: str):
    """Deactivate an agency (and its service points) or reactivate it."""
    if ConfirmForm().validate_on_submit():
        active = request.form.get("active") == "1"
        row, points = edit.set_agency_active(g.scope, current_actor(), code, active)
        db.session.commit()
        done(_("Agency %(code)s reactivated.", code=code) if active else
             _("Agency %(code)s deactivated with %(n)d service points.", code=code, n=points))
    return redirect(url_for("admin.agency", code=code))


@bp.route("/service-points/<code>", methods=["GET", "POST"])
@permission_required("service_points.manage")
def service_point(code: str):
    """One service point: rename it or change its kind; deactivate or reactivate it; its QR code and card."""
    row = edit.get_scoped_point(g.scope, code)
    form = ServicePointEditForm(obj=row)
    if form.validate_on_submit():
        try:
            edit.update_service_point(g.scope, current_actor(), code, form.name.data, form.kind.data)
            db.session.commit()
            done(_("Service point %(code)s saved.", code=code))
            return redirect(url_for("admin.service_point", code=code))
        except Invalid as exc:
            show_errors(form, exc)
    devices = directory.search_devices(g.scope, service_point=row.code, size=None).rows
    return render_template("admin/service_point.html", point=row, form=form, devices=devices, confirm=ConfirmForm())


@bp.post("/service-points/<code>/active")
@permission_required("service_points.manage")
def service_point_active(code: str):
    """Deactivate a service point (kiosk and online submissions refused) or reactivate it."""
    if ConfirmForm().validate_on_submit():
        active = request.form.get("active") == "1"
        edit.set_point_active(g.scope, current_actor(), code, active)
        db.session.commit()
        done(_("Service point %(code)s reactivated.", code=code) if active else
             _("Service point %(code)s deactivated: its kiosks and QR code no longer take responses.", code=code))
    return redirect(url_for("admin.service_point", code=code))


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@permission_required("accounts.manage")
def account(user_id: int):
    """One account: its name, role and home unit or agency (inside the caller's own scope)."""
    user = staff.get_user(g.scope, user_id)
    # Plain values, not obj=user: user.unit and user.agency are rows, and WTForms would show (and post) their repr.
    form = UserEditForm(name=user.name, role=user.role, unit=user.unit.code if user.unit else "",
                        agency=user.agency.code if user.agency else "")
    if form.validate_on_submit():
        try:
            staff.update_user(g.scope, current_actor(), user_id, form.name.data or "", form.role.data,
                              form.unit.data, form.agency.data, acting_user_id=current_user.id)
            db.session.commit()
            done(_("Account %(email)s saved.", email=user.email))
            return redirect(url_for("admin.account", user_id=user_id))
        except DomainError as exc:
            show_errors(form, exc)
    own = user.id == current_user.id
    return render_template("admin/account.html", user=user, form=form, own=own, roles=ROLE_LABELS)


@bp.route("/devices/import", methods=["GET", "POST"])
@permission_required("devices.manage")
def devices_import():
    """Register many kiosks from a CSV (service_point, name, instrument); each enrolment link is shown once."""
    errors, status = [], 200
    if request.method == "POST":
        try:
            name, text = uploaded_text("file", MAX_IMPORT, _("Choose a CSV file of at most 256 KB."))
            created = device_import.import_devices(g.scope, current_actor(), text, name)
            db.session.commit()
            rows = [(device, enrolment_link(enrol)) for device, enrol in created]
            return secret_page("admin/devices_imported.html", rows=rows)
        except Invalid as exc:
            db.session.rollback()
            errors, status = [_row_error(e) for e in exc.errors], 422
    return render_template("admin/devices_import.html", errors=errors), status


def enrolment_link(enrol: str) -> str:
    """The one-time enrolment link of a kiosk, on the site's public address."""
    base = current_app.config.get("PUBLIC_URL", "").rstrip("/") or url_for("home.index", _external=True).rstrip("/")
    return f"{base}/kiosk/enrol/{enrol}"


def _row_error(error: dict) -> str:
    """A problem of the imported file in the reader's language, naming its line."""
    wording = DOMAIN.get(error.get("code", ""))
    try:
        text = str(wording) % error.get("params", {}) if wording is not None else explain_field(error)
    except (KeyError, TypeError):
        text = explain_field(error)
    line = error.get("line")
    prefix = f"line {line}: "
    text = text[len(prefix):] if text.startswith(prefix) else text
    return _("Line %(line)s: %(problem)s", line=line, problem=text) if line else text
