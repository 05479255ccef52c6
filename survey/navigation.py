"""The one navigation of every area: the screens the signed-in role may open (scope service's `can`), the same
list on the top bar of every page and on the home page's cards."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from survey.auth.access import current_scope
from survey.services.access.scope import can

PUBLIC, ANONYMOUS = "", "anonymous"  # shown to everyone / only to people not signed in

# (endpoint, action the role needs, label, description), in bar order. An endpoint missing from this build
# (an area not installed) is left out.
AREAS = (
    ("dashboard.overview", "results.read", _l("Dashboard"), _l("Indices, rankings and trends of your units")),
    ("reports.index", "reports.download", _l("Reports"), _l("PDF reports and data exports")),
    ("paper.entry", "responses.enter", _l("Paper entry"), _l("Key in paper questionnaires or import a CSV")),
    ("campaigns.index", "campaigns.manage", _l("Sample surveys"), _l("Frames, campaigns and draws")),
    ("admin.index", "devices.settings", _l("Administration"),
     _l("Agencies, service points, kiosks and accounts")),
    ("admin_instruments.index", "instruments.manage", _l("Instruments"),
     _l("The questionnaires and their versions")),
    ("collection.online_index", ANONYMOUS, _l("Online survey"), _l("The public form reached by QR code")),
    ("methodology.page", PUBLIC, _l("Methodology"), _l("How the indices are computed")),
    ("auth.login", ANONYMOUS, _l("Staff sign-in"), _l("Sign in to see your units' results")),
)


@dataclass(frozen=True)
class Link:
    """One entry of the navigation."""

    endpoint: str
    href: str
    label: str
    description: str
    current: bool


def allowed(action: str) -> bool:
    """Whether the person on this request may open a screen needing `action`."""
    scope = current_scope()
    if action == PUBLIC:
        return True
    if action == ANONYMOUS:
        return scope is None
    return scope is not None and can(scope, action)


def links() -> list[Link]:
    """The areas this person may open, in bar order, the one being shown marked current."""
    here = request.blueprint or ""
    return [Link(endpoint, url_for(endpoint), str(label), str(text), endpoint.split(".")[0] == here)
            for endpoint, action, label, text in AREAS
            if endpoint in current_app.view_functions and allowed(action)]


def register(app: Flask) -> None:
    """`nav_links()` in every template (computed only when a template asks)."""
    app.context_processor(lambda: {"nav_links": links,
                                   "signed_in": bool(current_user and current_user.is_authenticated)})
