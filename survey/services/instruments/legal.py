"""Legal basis and validity of instruments: which instrument is in force on a date, and the one-stop check that an
evaluation uses the instrument in force on its dossier's receipt date (methodology 2.5)."""
from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy import or_, select

from survey.errors import NotFound
from survey.extensions import db
from survey.models import Instrument

# Both dossier formats of methodology 5 carry the receipt date as the YYMMDD between the first two hyphens.
_RECEIPT = re.compile(r"^[^-]+-(\d{2})(\d{2})(\d{2})-")
ONESTOP = "onestop"


@lru_cache(maxsize=1)
def shipped_legal_bases() -> dict[str, dict[str, Any]]:
    """code → {legal_basis, valid_from, valid_to} of the shipped instruments (survey/instruments/legal_basis.json)."""
    raw = json.loads(resources.files("survey.instruments").joinpath("legal_basis.json").read_text(encoding="utf-8"))
    return {code: entry for code, entry in raw.items() if not code.startswith("_")}


def apply_legal_bases() -> None:
    """Set each official instrument's legal basis and validity from the shipped file (every load; idempotent)."""
    for code, entry in shipped_legal_bases().items():
        instrument = db.session.scalar(select(Instrument).where(Instrument.code == code))
        if instrument is None:
            continue
        instrument.legal_basis = entry.get("legal_basis")
        instrument.valid_from = _day(entry.get("valid_from"))
        instrument.valid_to = _day(entry.get("valid_to"))
    db.session.flush()


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def in_force(instrument: Instrument, day: date) -> bool:
    """True when `day` lies within the instrument's validity (open ends always hold)."""
    return (instrument.valid_from is None or instrument.valid_from <= day) and \
        (instrument.valid_to is None or day <= instrument.valid_to)


def instrument_in_force(kind: str, day: date) -> Instrument:
    """The official instrument of `kind` in force on `day` (the latest starting one if several); NotFound if none."""
    stmt = (select(Instrument).where(Instrument.kind == kind, Instrument.official.is_(True),
                                     or_(Instrument.valid_from.is_(None), Instrument.valid_from <= day),
                                     or_(Instrument.valid_to.is_(None), Instrument.valid_to >= day))
            .order_by(Instrument.valid_from.desc().nulls_last(), Instrument.code))
    found = db.session.scalars(stmt.limit(1)).first()
    if found is None:
        raise NotFound("no_instrument_in_force", f"No {kind} instrument is in force on {day.isoformat()}",
                       kind=kind, date=day.isoformat())
    return found


def receipt_date(dossier: str | None) -> date | None:
    """The receipt date in a dossier code (…-YYMMDD-…), or None when there is none or it is not a real date."""
    match = _RECEIPT.match(dossier or "")
    if match is None:
        return None
    try:
        return date(2000 + int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def dossier_date_errors(code: str, kind: str, dossier: str | None) -> list[dict[str, str]]:
    """A one-stop evaluation rates a dossier under the instrument in force on its receipt date: an error naming
    the instrument (and the one in force) when it does not; [] otherwise, and for every other kind."""
    received = receipt_date(dossier) if kind == ONESTOP else None
    if received is None:
        return []
    instrument = db.session.scalar(select(Instrument).where(Instrument.code == code))
    if instrument is None or in_force(instrument, received):
        return []
    try:
        hint = f"; use {instrument_in_force(ONESTOP, received).code}"
    except NotFound:
        hint = ""
    basis = f" ({instrument.legal_basis})" if instrument.legal_basis else ""
    span = f"{instrument.valid_from or '…'} to {instrument.valid_to or '…'}"
    return [{"field": "instrument", "code": "not_in_force",
             "message": f"{code}{basis} applies to dossiers received {span}; dossier {dossier} was received on "
                        f"{received.isoformat()}{hint}"}]


def onestop_code(code: str, dossier: str | None, today: date) -> str:
    """For a form: the one-stop instrument in force on the dossier's receipt date (today without a dossier code)
    when `code` is a one-stop instrument; `code` itself otherwise or when none is in force."""
    instrument = db.session.scalar(select(Instrument).where(Instrument.code == code))
    if instrument is None or instrument.kind != ONESTOP or not instrument.official:
        return code
    try:
        return instrument_in_force(ONESTOP, receipt_date(dossier) or today).code
    except NotFound:
        return code
