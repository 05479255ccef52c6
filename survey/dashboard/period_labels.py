"""Reporting periods as the dashboards offer and label them: choices, the default, trend points, local dates."""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from survey.services.indices.periods import Period, parse_period

VIET_NAM = ZoneInfo("Asia/Ho_Chi_Minh")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
TREND_LENGTH = {"quarter": 4, "month": 6, "range": 4}
MONTHS = (_l("January"), _l("February"), _l("March"), _l("April"), _l("May"), _l("June"), _l("July"), _l("August"),
          _l("September"), _l("October"), _l("November"), _l("December"))


def today() -> date:
    """Today's date in Viet Nam (periods are local)."""
    return datetime.now(VIET_NAM).date()


def kind(period: Period) -> str:
    """year | quarter | month | range."""
    if period.label.isdigit():
        return "year"
    if _QUARTER.match(period.label):
        return "quarter"
    return "month" if _MONTH.match(period.label) else "range"


def default_period(on: date | None = None) -> Period:
    """The current year: SIPAS is published yearly and Home Affairs follows the year to date."""
    return parse_period(str((on or today()).year))


def trend_periods(period: Period, on: date | None = None) -> list[Period]:
    """The periods of a trend: a year's quarters, else this period and those just before it (oldest first);
    periods that have not started yet are left out."""
    last_day = on or today()
    if kind(period) == "year":
        quarters = [parse_period(f"{period.label}-Q{q}") for q in range(1, 5)]
        return [q for q in quarters if q.start <= last_day] or quarters[:1]
    chain = [period]
    for _step in range(TREND_LENGTH[kind(period)] - 1):
        chain.append(chain[-1].previous())
    return chain[::-1]


def choices(on: date | None = None) -> list[tuple[str, str]]:
    """Periods offered in the filter: this and the two previous years, the last six quarters, the last 12 months."""
    now = on or today()
    years = [str(now.year - i) for i in range(3)]
    quarter = (now.month - 1) // 3 + 1
    quarters = []
    year, q = now.year, quarter
    for _step in range(6):
        quarters.append(f"{year}-Q{q}")
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    months = []
    year, month = now.year, now.month
    for _step in range(12):
        months.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return [(code, long_label(parse_period(code))) for code in years + quarters + months]


def short_label(period: Period) -> str:
    """A chart axis label: "Quý 3/2026", "Tháng 9/2026", "2026" (English: "Q3 2026", "Sep 2026")."""
    if m := _QUARTER.match(period.label):
        return _("Q%(quarter)s %(year)s", quarter=m[2], year=m[1])
    if m := _MONTH.match(period.label):
        return _("%(month)s/%(year)s", month=int(m[2]), year=m[1])
    if kind(period) == "range":
        return f"{local_date(period.start)}–{local_date(period.end)}"
    return period.label


def long_label(period: Period) -> str:
    """A heading: "Quý III năm 2026" / "Q3 2026"; ranges as local dates."""
    if m := _QUARTER.match(period.label):
        return _("Quarter %(quarter)s of %(year)s", quarter=("I", "II", "III", "IV")[int(m[2]) - 1], year=m[1])
    if m := _MONTH.match(period.label):
        return _("%(month_name)s %(year)s", month_name=MONTHS[int(m[2]) - 1], year=m[1])
    if kind(period) == "year":
        return _("Year %(year)s", year=period.label)
    return _("From %(start)s to %(end)s", start=local_date(period.start), end=local_date(period.end))


def local_date(day: date) -> str:
    """dd/mm/yyyy in Vietnamese, ISO in English."""
    return day.isoformat() if str(get_locale() or "vi") == "en" else day.strftime("%d/%m/%Y")


def local_time(moment: datetime) -> str:
    """A stored UTC time as local Viet Nam time: "26/11/2026 14:05" (English: "2026-11-26 14:05")."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    local = moment.astimezone(VIET_NAM)
    return f"{local_date(local.date())} {local:%H:%M}"
