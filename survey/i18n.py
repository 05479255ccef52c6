"""Language choice: the person's choice, then the kiosk's setting, then Vietnamese (the default)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g, request, session

View = TypeVar("View", bound=Callable)
_FILE_ONLY = "lang_is_for_the_file"


def file_language(view: View) -> View:
    """Mark a download view: its `lang` argument names the file's language and leaves the session's alone."""
    setattr(view, _FILE_ONLY, True)
    return view


def _for_file_only() -> bool:
    """Whether this request is a download whose `lang` is for the file only."""
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, _FILE_ONLY, False))


def select_locale() -> str:
    """The locale for this request."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang")
    if chosen in languages:
        if not _for_file_only():  # a page's ?lang= is the reader's choice; a file's is that file's alone
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
