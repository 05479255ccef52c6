"""The administration area (blueprint "admin", /admin): its home page; the screens live in sibling modules."""
from __future__ import annotations

from flask import current_app, g, render_template
from flask_babel import lazy_gettext as _l

from survey.admin import (accounts, directory, instrument_preview, organisation, point_online,  # noqa: F401
                          records, weights)  # (their routes register on `bp`)
from survey.admin.base import bp
from survey.auth.access import permission_required
from survey.services.access.scope import can

__all__ = ["bp"]

# (endpoint, action needed, label, description) of each screen, shown when the caller may use it.
SCREENS = (
    ("admin.agencies", "agencies.manage", _l("Agencies"), _l("Departments, branches, centres and committees")),
    ("admin.service_points", "service_points.manage", _l("Service points"), _l("Centres and counters")),
    ("admin.devices", "devices.settings", _l("Kiosks"), _l("Register, configure and revoke kiosk devices")),
    ("admin.accounts", "accounts.manage", _l("Accounts"), _l("Staff accounts, roles and scopes")),
    ("admin.tokens", "tokens.manage", _l("API tokens"), _l("Tokens for integrations")),
    ("admin.audit_log", "audit.read", _l("Audit log"), _l("Sign-ins, administrative actions and exports")),
    ("admin.contacts", "contacts.read", _l("Contact details"), _l("Details left with consent; deletion")),
    ("admin.population_weights", "weights.manage", _l("Population weights"),
     _l("Population by sex and age group, for the weighted figures")),
    ("admin_instruments.index", "instruments.manage", _l("Instruments"), _l("The questionnaires and their versions")),
)


@bp.get("/")
@permission_required("devices.settings")
def index():
    """The screens this caller may use."""
    screens = [(ep, label, text) for ep, action, label, text in SCREENS
               if can(g.scope, action) and ep in current_app.view_functions]
    return render_template("admin/index.html", screens=screens)
