"""Administration of agencies, service points and kiosk devices (Home Affairs; managers: kiosk settings)."""
from __future__ import annotations

from flask import current_app, g, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from survey.admin.base import bp, done, secret_page, show_errors
from survey.admin.directory import search_page
from survey.admin.forms import AgencyForm, choices, DeviceForm, DeviceSettingsForm, ServicePointForm
from survey.auth.access import current_actor, permission_required
from survey.auth.forms import ConfirmForm
from survey.errors import DomainError
from survey.extensions import db
from survey.services.organisation import directory
from survey.services.organisation import manage as organisation
from survey.services.access.scope import can


@bp.route("/agencies", methods=["GET", "POST"])
@permission_required("agencies.manage")
def agencies():
    """The province's agencies and a form to add one."""
    form = AgencyForm()
    if form.validate_on_submit():
        try:
            agency = organisation.create_agency(g.scope, current_actor(), form.code.data, form.name.data,
                                                form.unit.data.strip(), (form.parent.data or "").strip() or None,
                                                form.kind.data)
            db.session.commit()
            done(_("Agency %(code)s added.", code=agency.code))
            return redirect(url_for("admin.agencies"))
        except DomainError as exc:
            show_errors(form, exc)
    search, page = search_page(directory.search_agencies)
    return render_template("admin/agencies.html", form=form, agencies=page.rows, search=search, page=page)


@bp.route("/service-points", methods=["GET", "POST"])
@permission_required("service_points.manage")
def service_points():
    """The province's service points and a form to add one."""
    form = ServicePointForm()
    if form.validate_on_submit():
        try:
            point = organisation.create_service_point(g.scope, current_actor(), form.code.data.strip(),
                                                      form.name.data, form.agency.data.strip(),
                                                      form.unit.data.strip(), form.kind.data)
            db.session.commit()
            done(_("Service point %(code)s added.", code=point.code))
            return redirect(url_for("admin.service_points"))
        except DomainError as exc:
            show_errors(form, exc)
    search, page = search_page(directory.search_service_points)
    return render_template("admin/service_points.html", form=form, points=page.rows, search=search, page=page)


@bp.route("/devices", methods=["GET", "POST"])
@permission_required("devices.settings")
def devices():
    """Kiosks of the caller's service points; Home Affairs registers new ones (enrolment link shown once)."""
    manage = can(g.scope, "devices.manage")
    form = DeviceForm()
    if manage:
        form.service_point.choices = choices((p.code, f"{p.code} — {p.name}")
                                             for p in organisation.list_service_points(g.scope))
        form.instrument.choices = _instrument_choices()
    if manage and form.validate_on_submit():
        try:
            device, enrol = organisation.register_device(g.scope, current_actor(), form.service_point.data,
                                                         form.name.data or "", form.instrument.data)
            db.session.commit()
            return _enrolment_page(device, enrol)
        except DomainError as exc:
            show_errors(form, exc)
    search, page = search_page(directory.search_devices)
    return render_template("admin/devices.html", form=form if manage else None, manage=manage,
                           devices=page.rows, search=search, page=page, confirm=ConfirmForm())


@bp.post("/devices/<int:device_id>/revoke")
@permission_required("devices.manage")
def revoke_device(device_id: int):
    """Revoke a kiosk at once."""
    if ConfirmForm().validate_on_submit():
        device = organisation.revoke_device(g.scope, current_actor(), device_id)
        db.session.commit()
        done(_("Device %(name)s revoked: it can no longer submit.", name=device.name))
    return redirect(url_for("admin.devices"))


@bp.route("/devices/<int:device_id>/settings", methods=["GET", "POST"])
@permission_required("devices.settings")
def device_settings(device_id: int):
    """A kiosk's settings: default language and idle delay; Home Affairs also picks the questionnaire."""
    device = organisation.get_device(g.scope, device_id)
    settings = device.settings or {}
    form = DeviceSettingsForm(language=settings.get("lang", "vi"),
                              idle_seconds=settings.get("idle_seconds", current_app.config["KIOSK_IDLE_SECONDS"]),
                              idle_action=settings.get("idle_action", "discard"),
                              counters="\n".join(settings.get("counters", [])), instrument=device.instrument_code)
    manage = can(g.scope, "devices.manage")
    form.instrument.choices = _instrument_choices(device)
    if form.validate_on_submit():
        try:
            organisation.update_device_settings(g.scope, current_actor(), device_id, form.language.data,
                                                form.idle_seconds.data, form.idle_action.data,
                                                (form.counters.data or "").splitlines(),
                                                form.instrument.data if manage else None,
                                                form.pin.data or None, bool(form.clear_pin.data))
            db.session.commit()
            done(_("Settings saved."))
            return redirect(url_for("admin.devices"))
        except DomainError as exc:
            show_errors(form, exc)
    return render_template("admin/device_settings.html", form=form, device=device, manage=manage)


def _instrument_choices(device=None):
    """Every published instrument a kiosk of the caller's province may ask, the device's own kept (issue 19.5)."""
    lang = str(get_locale() or "vi")
    return choices((o.code, o.label(lang)) for o in organisation.kiosk_instruments(g.scope, device))


def _enrolment_page(device, enrol: str):
    """The one-time enrolment link and its QR code for the new kiosk."""
    import segno

    # The configured public URL, else the address this page was reached at (the admin is on the same site).
    base = str(current_app.config.get("PUBLIC_URL") or "").rstrip("/") \
        or url_for("home.index", _external=True).rstrip("/")
    link = f"{base}/kiosk/enrol/{enrol}"
    qr = segno.make(link, error="m").svg_data_uri(scale=5, border=2)
    return secret_page("admin/device_registered.html", device=device, link=link, qr=qr)
