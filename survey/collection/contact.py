"""The online form's optional consent-to-contact box: the details go to the contacts table, apart from the answers."""
from __future__ import annotations

import re
from collections.abc import Mapping

from flask_babel import gettext as _

from survey.services.access.privacy import store_contact
from survey.services.responses import Recorded

FIELDS = ("consent", "contact_name", "contact_phone", "contact_email")
_PHONE = re.compile(r"^\+?[0-9][0-9 .\-]{7,18}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def contact_values(form: Mapping) -> dict[str, str]:
    """What the respondent typed into the contact fields (NFC and trimming happen in the privacy service)."""
    return {k: (form.get(k) or "").strip() for k in FIELDS}


def contact_errors(values: dict[str, str]) -> dict[str, str]:
    """Messages keyed by field: details without the consent box ticked, the box ticked without details, or a
    phone number or e-mail address that cannot be one."""
    given = any(values[k] for k in FIELDS[1:])
    if values["consent"] and not given:
        return {"contact_phone": _("To be contacted, please give a phone number or an e-mail address.")}
    if given and not values["consent"]:
        return {"consent": _("Tick the box if you agree to be contacted; otherwise leave your details empty.")}
    errors = {}
    if values["contact_phone"] and (not _PHONE.match(values["contact_phone"])
                                    or not 8 <= sum(c.isdigit() for c in values["contact_phone"]) <= 15):
        errors["contact_phone"] = _("This phone number is not valid.")
    if values["contact_email"] and (not _EMAIL.match(values["contact_email"]) or len(values["contact_email"]) > 200):
        errors["contact_email"] = _("This e-mail address is not valid.")
    if len(values["contact_name"]) > 200:
        errors["contact_name"] = _("This text is too long.")
    return errors


def keep_contact(recorded: Recorded, values: dict[str, str]) -> None:
    """Store the consented details of a newly stored response (a resent form keeps the first one's)."""
    if values["consent"] and recorded.created:
        store_contact(recorded.response_id, True, values["contact_name"], values["contact_phone"],
                      values["contact_email"])
