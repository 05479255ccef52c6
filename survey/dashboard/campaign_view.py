"""A sample-survey campaign in the dashboards' questionnaire selector: choosing `campaign:CODE` shows the campaign's
design-based estimates (with intervals) instead of the kiosk/online figures, scoped like everything else."""
from __future__ import annotations

from flask import current_app, g, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from survey.dashboard.active import filter_choices
from survey.extensions import db
from survey.services.access.scope import Scope, can
from survey.services.campaigns import estimates, listing

PREFIX = "campaign:"
SHOWN = ("drawn", "fieldwork", "closed")  # a draft has no sample yet


def campaign_choices(scope: Scope) -> list[tuple[str, str]]:
    """(value, name) of the campaigns the caller follows, for the questionnaire selector."""
    return [(PREFIX + c["code"], _("Sample survey %(code)s (%(instrument)s, design-based)", code=c["code"],
                                   instrument=c["instrument"]))
            for c in listing.list_campaigns(scope) if c["status"] in SHOWN]


def is_campaign(instrument: str) -> bool:
    """True when the selector names a campaign."""
    return instrument.startswith(PREFIX)


def campaign_page(template_context: dict, place=None, kind: str | None = None):
    """The campaign's estimates for the province (overview) or one commune (its page); other places have none: a
    campaign's units are communes."""
    scope: Scope = g.scope
    code = template_context["selection"].instrument.removeprefix(PREFIX)
    min_n = int(current_app.config["MIN_N"])
    breakdown = template_context["selection"].breakdown if place is None else None
    chosen = [c for c in listing.list_campaigns(scope) if c["code"] == code][0]
    overall = estimates.estimates_document(scope, code, "province", min_n)["rows"] if place is None else []
    communes = estimates.estimates_document(scope, code, "commune", min_n)["rows"] if kind in (None, "commune") \
        else []
    if kind == "commune":
        communes = [r for r in communes if r["unit_code"] == place.code]
    groups = estimates.estimates_document(scope, code, breakdown, min_n)["rows"] \
        if breakdown in estimates.BY[2:] else []
    db.session.rollback()  # the weights the estimates stored are not a page view's to keep
    names = dict(filter_choices(chosen["instrument"].split(" v")[0], _lang()).get(breakdown or "", []))
    for row in groups:
        row["unit_name"] = names.get(row["unit_code"], _("not given") if row["unit_code"] == "unknown"
                                     else row["unit_code"])
    return render_template("dashboard/campaign.html", campaign=chosen, overall=overall[0] if overall else None,
                           communes=communes, groups=groups, breakdown=breakdown, place=place, kind=kind, min_n=min_n,
                           report=url_for("campaigns.report", code=code) if can(scope, "campaigns.manage") else None,
                           **template_context)


def _lang() -> str:
    return "en" if str(get_locale() or "vi") == "en" else "vi"
