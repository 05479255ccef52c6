"""Interface strings the kiosk and online scripts show, translated on the server (both languages ship in the page)."""
from __future__ import annotations

from flask_babel import gettext as _


def kiosk() -> dict[str, str]:
    """Strings of the kiosk screen in the current locale (call inside force_locale)."""
    return {
        "title": _("Please rate our service"),
        "anonymous": _("Anonymous: we never ask for your name."),
        "start": _("Start"),
        "next": _("Next"),
        "back": _("Back"),
        "send": _("Send"),
        "skip": _("Skip"),
        "progress": _("Question %(n)s of %(total)s", n="{n}", total="{total}"),
        "choose_any": _("Choose all that apply"),
        "type_here": _("Type here (optional)"),
        "thanks": _("Thank you!"),
        "thanks_more": _("Your opinion has been recorded. It helps us serve you better."),
        "still_there": _("Are you still there?"),
        "restart_in": _("Starting again in %(n)s s", n="{n}"),
        "continue": _("Continue"),
        "staff_title": _("Kiosk status"),
        "staff_waiting": _("Waiting to send"),
        "staff_rejected": _("Refused by the server (kept for staff)"),
        "staff_last_sent": _("Last delivered"),
        "staff_never": _("never"),
        "staff_online": _("Connected"),
        "staff_offline": _("No connection"),
        "staff_send_now": _("Send now"),
        "staff_retry": _("Retry"),
        "staff_discard": _("Discard"),
        "staff_counter": _("Counter"),
        "staff_officer": _("Officer"),
        "staff_save": _("Save"),
        "staff_close": _("Close"),
        "staff_attribution": _("Attribution (never shown to citizens)"),
        "staff_pin_title": _("Staff PIN"),
        "staff_pin_open": _("Open"),
        "staff_pin_delete": _("Delete"),
        "staff_pin_wrong": _("Wrong PIN. Try again."),
        "staff_pin_locked": _("Too many wrong PINs: wait %(n)s s", n="{n}"),
    }
