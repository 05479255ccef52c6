"""Stored codes in the reader's language (one table per code family) and stored UTC times in Vietnam's local time.

Screens never print a raw code such as `department` or `agency.create` or a UTC time: templates use
`code|label("agency_kind")` and `at|local_time`. A code missing from its table prints as itself, so a new
code shows up (and a test of the tables notices) instead of failing the page.
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

AGENCY_KINDS = {
    "department": _l("Department"), "branch": _l("Branch of a central agency"),
    "centre": _l("Public administrative service centre"), "commune_committee": _l("Commune People's Committee"),
    "commune_centre": _l("Commune service centre"), "other": _l("Other"),
}
POINT_KINDS = {"centre": _l("Centre"), "counter": _l("Counter"), "desk": _l("Desk"), "online": _l("Online")}
INSTRUMENT_KINDS = {
    "sipas-1001": _l("Official SIPAS questionnaire (Decision 1001)"),
    "sipas-2640": _l("SIPAS questionnaire 2017–2021 (Decision 2640)"),
    "kiosk": _l("Kiosk rating"), "onestop": _l("One-stop shop rating"), "custom": _l("Province's own"),
}
ROLES = {"homeaffairs": _l("Home Affairs (whole province)"), "manager": _l("Manager (agency or unit)"),
         "clerk": _l("Clerk (paper entry)"), "viewer": _l("Viewer (reads results)")}
AUDIT_ACTIONS = {
    "login": _l("Signed in"), "login.failed": _l("Failed sign-in"), "logout": _l("Signed out"),
    "password.change": _l("Changed password"), "export": _l("Exported data"),
    "report.download": _l("Downloaded a report"), "backup": _l("Backup"), "restore": _l("Restore"),
    "agency.create": _l("Added an agency"), "agency.update": _l("Changed an agency"),
    "agency.deactivate": _l("Deactivated an agency"), "agency.activate": _l("Reactivated an agency"),
    "agencies.import": _l("Imported agencies"),
    "campaign.create": _l("Created a sample-survey campaign"), "campaign.draw": _l("Drew a campaign's sample"),
    "campaign.close": _l("Closed a campaign"), "frame.import": _l("Imported a village frame"),
    "service_point.create": _l("Added a service point"), "service_point.update": _l("Changed a service point"),
    "service_point.deactivate": _l("Deactivated a service point"),
    "service_point.activate": _l("Reactivated a service point"),
    "service_points.import": _l("Imported service points"), "units.import_legacy": _l("Imported legacy districts"),
    "device.register": _l("Registered a kiosk"), "device.enrol": _l("Kiosk enrolled"),
    "device.revoke": _l("Revoked a kiosk"), "device.settings": _l("Changed kiosk settings"),
    "devices.import": _l("Imported kiosks"),
    "user.create": _l("Created an account"), "user.update": _l("Changed an account"),
    "user.scope": _l("Changed an account's scope"), "user.disable": _l("Disabled an account"),
    "user.enable": _l("Enabled an account"), "user.reset": _l("Reset a password"),
    "token.issue": _l("Issued an API token"), "token.revoke": _l("Revoked an API token"),
    "instrument.create": _l("Created an instrument"), "instrument.edit": _l("Edited an instrument"),
    "instrument.import": _l("Imported an instrument"), "instrument.new_version": _l("Started a new version"),
    "instrument.publish": _l("Published an instrument"), "comment.moderate": _l("Moderated a comment"),
    "contact.view": _l("Viewed contact details"), "contact.delete": _l("Deleted contact details"),
    "privacy.purge_comments": _l("Purged old comments"), "privacy.purge_contacts": _l("Purged old contacts"),
    "responses.import": _l("Imported responses"), "weights.import": _l("Imported population weights"),
    "settings.idle_action": _l("Changed the kiosks' idle action"),
    "service_point.online_instruments": _l("Changed the instruments of a QR code"),
    "job.failed": _l("A background job failed"), "job.check": _l("Checked the job worker"),
    "report.send": _l("Sent a scheduled report"),
    "subscription.add": _l("Subscribed to a report"), "subscription.remove": _l("Cancelled a report subscription"),
    "alert_rule.add": _l("Added an alert rule"), "alert_rule.remove": _l("Removed an alert rule"),
    "alert.raise": _l("Alert raised"), "alert.close": _l("Alert closed"),
    "alert.acknowledge": _l("Acknowledged an alert"),
}
OUTCOMES = {"ok": _l("done"), "failed": _l("failed"), "locked": _l("account locked")}
# Sample-survey campaigns (survey.models.campaigns: CAMPAIGN_STATUSES, OUTCOMES).
CAMPAIGN_STATUSES = {"draft": _l("draft (not drawn)"), "drawn": _l("drawn"), "fieldwork": _l("in fieldwork"),
                     "closed": _l("closed")}
QUESTIONNAIRE_STATUSES = {"issued": _l("outstanding"), "completed": _l("completed"), "refused": _l("refused to answer"),
                          "not_reached": _l("not reached"), "ineligible": _l("ineligible")}
FAMILIES = {"agency_kind": AGENCY_KINDS, "point_kind": POINT_KINDS, "instrument_kind": INSTRUMENT_KINDS,
            "role": ROLES, "audit_action": AUDIT_ACTIONS, "outcome": OUTCOMES,
            "campaign_status": CAMPAIGN_STATUSES, "questionnaire_status": QUESTIONNAIRE_STATUSES}
UTC = timezone.utc


def label(code: str | None, family: str) -> str:
    """The code's label in the interface language; the code itself when its table lacks it."""
    if code is None:
        return ""
    text = FAMILIES[family].get(code)
    return str(text) if text is not None else str(code)


def local_time(value: datetime | None, seconds: bool = False) -> str:
    """A stored time (naive = UTC) in Asia/Ho_Chi_Minh: 01/03/2026 14:05 in Vietnamese, 2026-03-01 14:05 in English."""
    if value is None:
        return "—"
    zone = ZoneInfo(current_app.config.get("LOCAL_TIMEZONE", "Asia/Ho_Chi_Minh"))
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(zone)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    return local.strftime(("%d/%m/%Y " if str(get_locale() or "vi") == "vi" else "%Y-%m-%d ") + clock)


def register(app: Flask) -> None:
    """Make `label` and `local_time` template filters of every area."""
    app.add_template_filter(label, "label")
    app.add_template_filter(local_time, "local_time")
