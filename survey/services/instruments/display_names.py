"""Listed names of shipped instruments corrected without touching their published (immutable) definitions."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from sqlalchemy import select

from survey.extensions import db
from survey.models import Instrument

NAMES_FILE = Path(__file__).resolve().parents[2] / "instruments" / "display_names.json"


@cache
def shipped_display_names() -> dict[str, dict[str, str]]:
    """code → {"vi": name, "en": name} from survey/instruments/display_names.json."""
    data = json.loads(NAMES_FILE.read_text(encoding="utf-8"))
    return {code: names for code, names in data.items() if not code.startswith("_")}


def apply_display_names() -> None:
    """Set each listed official instrument's names from the shipped file (every load; idempotent)."""
    for code, names in shipped_display_names().items():
        instrument = db.session.scalar(select(Instrument).where(Instrument.code == code,
                                                                Instrument.official.is_(True)))
        if instrument is not None:
            instrument.name_vi, instrument.name_en = names["vi"], names.get("en") or instrument.name_en
    db.session.flush()
