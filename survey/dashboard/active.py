"""The filter form's choices (channels, the instrument's profile codes) and the active filters named for a heading."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from survey.errors import NotFound
from survey.models.responses import CHANNELS, PROFILE_FIELDS

from survey.dashboard.figures import labels_for
from survey.dashboard.selection import FILTERS, Selection

CHANNEL_NAMES = {"kiosk": _l("Kiosk"), "online": _l("Online"), "paper": _l("Paper"), "interview": _l("Interview")}


def filter_choices(instrument: str, lang: str) -> dict[str, list[tuple[str, str]]]:
    """Filter name → [(value, label)] for the selects; procedure field and procedure are typed codes (absent)."""
    out: dict[str, list[tuple[str, str]]] = {"channel": [(c, str(CHANNEL_NAMES.get(c, c))) for c in CHANNELS]}
    try:
        choices = labels_for(instrument, lang).choices
    except NotFound:  # no published version: the form still shows, the page reports the instrument
        return out
    for name in PROFILE_FIELDS:
        if choices.get(name):
            out[name] = [(str(code), label) for code, label in choices[name].items()]
    return out


def active_filters(selection: Selection, choices: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """(filter label, value label) of each filter in force, in the form's order, for the page heading."""
    out = []
    for name, label in FILTERS.items():
        value = selection.where.get(name)
        if value:
            out.append((str(label), dict(choices.get(name, [])).get(value, value)))
    return out
