"""The home page: what the platform is, and the areas the person on it may open."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _

from survey import labels, navigation
from survey.auth.access import current_scope
from survey.services.operations.status import platform_counts

bp = Blueprint("home", __name__)
bp.record_once(lambda state: (labels.register(state.app), navigation.register(state.app)))


@bp.get("/")
def index():
    """Home page with live counts and a card for each area this person may open (the navigation's list)."""
    stats = platform_counts()
    api = [("/api/v1/openapi.json", _("the API description (OpenAPI)"))]
    if current_scope() is not None:  # the data endpoints answer a staff session or an API token only
        api = [("/api/v1/units", _("administrative units")), ("/api/v1/service-points", _("service points")), *api]
    return render_template("home.html", links=navigation.links(), stats=stats, api=api,
                           signed_in=current_scope() is not None)

