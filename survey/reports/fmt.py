"""Formatting for printed text: NFC, escaping, local Viet Nam time, period words; figures come from survey.numbers."""
from __future__ import annotations

import unicodedata
from datetime import datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

# Figures print through the one formatter of screens and PDFs alike (Babel, half-up): see survey/numbers.py.
from survey.numbers import DASH, integer, interval, number, signed

__all__ = ["DASH", "dateline", "integer", "interval", "local_stamp", "local_time", "markup", "nfc", "number",
           "period_label", "signed"]

VIET_NAM = ZoneInfo("Asia/Ho_Chi_Minh")


def nfc(text: object) -> str:
    """`text` as an NFC string: reportlab drops GPOS, so decomposed marks would collide on the page."""
    return unicodedata.normalize("NFC", str(text))


def markup(text: object) -> str:
    """NFC text escaped for a reportlab Paragraph (comments may contain &, < or >)."""
    return escape(nfc(text))


def local_time(moment: datetime) -> datetime:
    """`moment` in Asia/Ho_Chi_Minh; a naive datetime is taken as UTC, which is how times are stored."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(VIET_NAM)


def dateline(moment: datetime, lang: str) -> str:
    """The date under the motto: "Ngày 05 tháng 01 năm 2026" (Decree 30 pads day and month) / "5 January 2026"."""
    local = local_time(moment)
    if lang == "vi":
        return f"Ngày {local:%d} tháng {local:%m} năm {local:%Y}"
    return f"{local.day} {_MONTHS_EN[local.month - 1]} {local.year}"


def local_stamp(moment: datetime, lang: str) -> tuple[str, str]:
    """(date, time) strings of `moment` in Viet Nam time: dd/mm/yyyy in Vietnamese, ISO in English."""
    local = local_time(moment)
    date = local.strftime("%d/%m/%Y") if lang == "vi" else local.strftime("%Y-%m-%d")
    return date, local.strftime("%H:%M")


_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")


def period_label(period: str, lang: str) -> str:
    """A period code (2026, 2026-Q3, 2026-09) as words: "Quý III năm 2026" / "Q3 2026"; others unchanged."""
    year, _, part = period.partition("-")
    if not year.isdigit() or len(year) != 4:
        return nfc(period)
    if not part:
        return f"Năm {year}" if lang == "vi" else f"Year {year}"
    if part[:1] in ("Q", "q") and part[1:] in _ROMAN:
        return f"Quý {_ROMAN[part[1:]]} năm {year}" if lang == "vi" else f"Q{part[1:]} {year}"
    if part.isdigit() and 1 <= int(part) <= 12 and len(part) == 2:
        return f"Tháng {int(part)} năm {year}" if lang == "vi" else f"{_MONTHS_EN[int(part) - 1]} {year}"
    return nfc(period)
