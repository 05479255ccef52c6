"""Errors in the reader's language on HTML pages; the JSON API keeps its stable codes and English messages.

Services raise DomainError(code, English message, **params). A page for a person (a citizen whose QR code is old,
a clerk whose agency code is taken) shows the translation of that code filled with the params, and falls back to
the English message for a code not listed here (or a raise that lacks a param the wording names).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from survey.errors import DomainError

DOMAIN = {
    # Citizens (online form, QR links)
    "unknown_link": _l("This survey link is unknown. Please scan the QR code at the counter again."),
    "dossier_rated": _l("Dossier %(dossier)s has already been rated on this channel. Thank you!"),
    "id_reused": _l("This questionnaire was already saved with other answers; start a new one."),
    "unknown_enrolment": _l("This enrolment link is unknown or was already used. Ask for a new one."),
    "revoked_device": _l("This device has been revoked."),
    "service_point_closed": _l("%(service_point)s no longer takes part in the survey. Thank you for your interest."),
    # Staff
    "invalid": _l("Some of what was entered is not valid; nothing was saved."),
    "forbidden": _l("Your role may not do this."),
    "out_of_scope": _l("This is outside the units you are responsible for."),
    "no_province": _l("Your account is not attached to a province."),
    "duplicate_user": _l("An account for %(email)s already exists."),
    "unknown_user": _l("There is no account %(email)s."),
    "own_account": _l("You cannot disable your own account."),
    "unknown_token": _l("This token is unknown."),
    "revoked_token": _l("This token has been revoked."),
    "duplicate_agency": _l("An agency with code %(agency)s already exists."),
    "duplicate_service_point": _l("A service point with code %(service_point)s already exists."),
    "unknown_agency": _l("There is no agency with code %(agency)s."),
    "unknown_service_point": _l("There is no service point with code %(service_point)s."),
    "unknown_unit": _l("There is no administrative unit with code %(unit)s."),
    "unknown_province": _l("There is no province with code %(province)s."),
    "not_a_province": _l("%(unit)s is not a province."),
    "unknown_report_unit": _l("There is no unit, agency or service point %(unit)s within your scope."),
    "unknown_device": _l("This device is unknown."),
    "unknown_contact": _l("This contact is unknown (it may have been deleted already)."),
    "unknown_response": _l("There is no response %(response)s."),
    "unknown_comment": _l("This comment is unknown."),
    "unknown_instrument": _l("There is no questionnaire %(instrument)s."),
    "instrument_exists": _l("A questionnaire with code %(instrument)s already exists."),
    "draft_exists": _l("%(instrument)s version %(version)s is still a draft: edit or publish it first."),
    "version_published": _l("%(instrument)s version %(version)s is published and can no longer change; "
                            "make a new draft."),
    "version_exists": _l("%(instrument)s version %(version)s already exists with a different content."),
    "official_instrument": _l("%(instrument)s is an official questionnaire and read-only: start your own from it."),
    "not_your_province": _l("You can create questionnaires only for your own province."),
    # Sample-survey campaigns
    "unknown_campaign": _l("There is no campaign %(campaign)s within your scope."),
    "campaign_exists": _l("A campaign with code %(campaign)s already exists."),
    "already_drawn": _l("Campaign %(campaign)s has been drawn already: a sample is drawn once."),
    "not_drawn": _l("Campaign %(campaign)s has not been drawn yet."),
    "campaign_closed": _l("Campaign %(campaign)s is closed: it takes no more answers or outcomes."),
    "unknown_questionnaire": _l("There is no questionnaire code %(questionnaire)s in this campaign."),
    "questionnaire_completed": _l("Questionnaire %(questionnaire)s was completed already."),
    "backup_other_units": _l("This server also holds data outside your units, so a backup from here would hand "
                             "you that too: the operator takes backups with `survey backup`."),
}

# Field errors of the services behind the administration forms, by (field, code).
FIELD = {
    ("code", "bad_format"): _l("This code is not in the expected form (see the example under the field)."),
    ("name", "required"): _l("Please enter a name."),
    ("email", "bad_format"): _l("This is not an e-mail address."),
    ("email", "disabled"): _l("This account is disabled."),
    ("role", "unknown"): _l("Choose one of the roles offered."),
    ("instrument", "unknown"): _l("Choose one of the questionnaires offered."),
    ("service_point", "inactive"): _l("This service point has been deactivated and no longer takes responses."),
    ("parent", "cycle"): _l("An agency cannot be placed under itself or one of its sub-agencies."),
    ("calibrate", "no_margins"): _l("This province has no sex × age-band population margins, so the weights "
                                    "cannot be calibrated: upload the margins on the Population weights screen. "
                                    "The estimates below are not calibrated."),
}

# Plain HTTP errors, by status; werkzeug's own descriptions are English.
HTTP = {
    400: _l("The request could not be understood. Go back, check what you entered and try again."),
    401: _l("Please sign in first."),
    403: _l("You do not have access to this page."),
    404: _l("This page does not exist. Check the address, or start again from the home page."),
    405: _l("This page cannot be used that way."),
    413: _l("What you sent is too large."),
    415: _l("What you sent is not in a format this page accepts."),
    429: _l("Too many requests in a short time. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Your last action may not have been saved; please try again."),
}
CSRF = _l("This page was open too long and its form has expired. Reload the page and send again.")


def explain(exc: DomainError) -> str:
    """The error in the interface language, filled with its params; its English message when not translated."""
    wording = DOMAIN.get(exc.code)
    if wording is None:
        return exc.message
    try:
        return str(wording) % exc.params
    except (KeyError, TypeError, ValueError):  # a raise without the param this wording names
        return exc.message


def explain_field(error: dict) -> str:
    """One field error ({field, code, message}) in the interface language; its own message when not listed."""
    wording = FIELD.get((error.get("field"), error.get("code")))
    return str(wording) if wording is not None else error.get("message", "")


def explain_http(exc: HTTPException) -> str:
    """An HTTP error's description in the interface language, unless the code that raised it wrote its own.

    A rate limit's own description is the limit itself ("30 per 1 minute"): a person reads the plain wording."""
    own = exc.description != type(exc).description and exc.code != 429
    if own or exc.code not in HTTP:
        return exc.description or ""
    return str(HTTP[exc.code])
