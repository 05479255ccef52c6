"""The home page: what the platform is, and links to the parts that exist."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey.services.operations.status import platform_counts

bp = Blueprint("home", __name__)

# (endpoint, label, description): shown only when the endpoint exists in this build.
LINKS = (
    ("dashboard.overview", _l("Province dashboard"), _l("Indices, rankings and trends for Home Affairs")),
    ("collection.online_index", _l("Online survey"), _l("The public form reached by QR code")),
    ("kiosk.start", _l("Kiosk"), _l("The touch-screen rating page of an enrolled device")),
    ("paper.entry", _l("Paper entry"), _l("Key in paper questionnaires or import a CSV")),
    ("admin.index", _l("Administration"), _l("Units, agencies, service points, kiosks and accounts")),
    ("admin_instruments.index", _l("Instruments"), _l("The questionnaires and their versions")),
    ("methodology.page", _l("Methodology"), _l("How the indices are computed")),
    ("auth.login", _l("Staff login"), _l("Sign in to see your units' results")),
)


@bp.get("/")
def index():
    """Home page with live counts and links to every area present."""
    links = [(url_for(ep), label, text) for ep, label, text in LINKS if ep in current_app.view_functions]
    stats = platform_counts()
    api = [("/api/v1/units", _("administrative units")), ("/api/v1/service-points", _("service points")),
           ("/api/v1/openapi.json", _("the API description (OpenAPI)"))]
    return render_template("home.html", links=links, stats=stats, api=api)
