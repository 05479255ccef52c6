"""Language choice: the person's choice, then the kiosk's setting, then Vietnamese (the default)."""
from __future__ import annotations

from flask import current_app, g, request, session


def select_locale() -> str:
    """The locale for this request."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen in languages:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    kiosk_lang = getattr(g, "kiosk_lang", None)
    if kiosk_lang in languages:
        return kiosk_lang
    # Accept-Language is deliberately ignored: kiosks and office PCs mostly ship with en-US, while the
    # people in front of them expect Vietnamese; English is one tap away.
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """Every screen shows local time in Vietnam."""
    return current_app.config["LOCAL_TIMEZONE"]
