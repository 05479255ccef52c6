"""Names of the kinds of alert in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND_LABELS = {"low_ratings": _l("Many low ratings"), "kiosk_silent": _l("Kiosk silent"),
               "outbox_growing": _l("Kiosk outbox growing"), "comment_words": _l("Comment flagged by its words")}


def alert_kind_label(kind: str) -> str:
    """The kind's label, or its code when unknown."""
    return str(KIND_LABELS.get(kind, kind))
