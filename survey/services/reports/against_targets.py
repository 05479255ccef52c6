"""Progress against index targets for the PDFs (issue 23): a unit's section and the provincial report's table.

The same figures as the dashboards and the scorecard (survey/services/targets/progress.py): the year-to-date index
and its interval as the projected year-end, the least-squares line through the monthly figures, and the status,
all from survey.indices.projection. They are computed through the report's own tables (`Tables.result`: the
report's instrument version, memoised): a single unit's PDF computes only that unit's rows (the caller's narrowing,
as its other figures), a whole-province batch computes each period once for every unit. The year to date runs to
the end of the report's period (or today, if sooner): a report on 2026-Q1 shows the projection as it stood on
31 March. Nothing is computed for a unit without a target.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from survey.extensions import db
from survey.models import Agency, Target, Unit
from survey.indices.projection import Projection, status, trend_projection, ytd_projection
from survey.reports.data import ProgressRow, ProgressTable, TargetProgress
from survey.services.access.scope import OPERATOR, Scope
from survey.services.indices.periods import Period
from survey.services.targets.manage import INDEX, targets_for
from survey.services.targets.progress import month_period, year_to_date

if TYPE_CHECKING:  # unit.py builds its summaries with this module
    from survey.services.reports.unit import Tables

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
TARGET_LEVELS = ("province", "commune", "agency")  # what a target can be set for (services/targets/manage.py)
TABLE_LEVELS = ("commune", "agency")  # the provincial report's table: the units ranked beside each other


def year_and_day(period: Period, now: datetime | None = None) -> tuple[int, date] | None:
    """(the report's year, the day its year-to-date runs to), or None for a period spanning two years or one
    that has not started yet (no progress to show)."""
    if period.start.year != period.end.year:
        return None
    moment = now or datetime.now(timezone.utc)
    today = (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(LOCAL).date()
    day = min(period.end, today)
    return (period.start.year, day) if day >= period.start else None


def index_target(level: str, code: str, year: int, instrument: str) -> float | None:
    """The index target of a province, commune or agency for a year and instrument (one query), or None."""
    if level not in TARGET_LEVELS:
        return None
    if level == "agency":
        column, subject = Target.agency_id, select(Agency.id).where(Agency.code == code)
    else:
        column, subject = Target.unit_id, select(Unit.id).where(Unit.code == code, Unit.level == level)
    return db.session.scalar(select(Target.value).where(
        column.in_(subject), Target.year == year, Target.instrument_code == instrument, Target.component == INDEX))


def _figures(tables: Tables, by: str, year: int, day: date, narrow: Scope) -> dict[str, tuple]:
    """code → (year-to-date index, interval low, high, monthly [(month, index)]) of the level's rows, from the
    year-to-date table and one table per month so far (suppressed months left out, as progress() does)."""
    key = ("target progress", by, year, day, narrow)
    if key not in tables._cache:
        ytd = tables.result(by, narrow=narrow, span=year_to_date(year, day))
        rows = [r for r in (ytd.document["rows"] if ytd is not None else []) if r["level"] == by and r["unit_code"]]
        out = {r["unit_code"]: (r.get("index"), r.get("ci_low"), r.get("ci_high"), []) for r in rows}
        for month in range(1, day.month + 1):
            result = tables.result(by, narrow=narrow, span=month_period(year, month, day))
            for row in result.document["rows"] if result is not None else []:
                if row["unit_code"] in out and row.get("index") is not None and not row["suppressed"]:
                    out[row["unit_code"]][3].append((month, row["index"]))
        tables._cache[key] = out
    return tables._cache[key]


def _projections(tables: Tables, by: str, code: str, year: int, day: date,
                 narrow: Scope) -> tuple[Projection | None, Projection | None]:
    """(year-to-date projection, trend projection) of one row, None where there is none."""
    found = _figures(tables, by, year, day, narrow).get(code)
    if found is None:
        return None, None
    value, low, high, monthly = found
    return ytd_projection(value, low, high), trend_projection(monthly)


def unit_progress(tables: Tables, level: str, code: str, value: float | None, now: datetime | None = None,
                  narrow: Scope = OPERATOR) -> TargetProgress | None:
    """The unit's progress against its index target for the report's year; None without a target.

    `value` is the report period's index as the summary prints it (None when suppressed); `narrow` the
    responses its figures are computed from (the summary's own narrowing)."""
    when = year_and_day(tables.period, now)
    if when is None or level not in TARGET_LEVELS:
        return None
    year, day = when
    target = index_target(level, code, year, tables.instrument)
    if target is None:
        return None
    ytd, trend = _projections(tables, level, code, year, day, narrow)
    return TargetProgress(year, target, day, value, ytd, trend, status(ytd, target), status(trend, target))


def province_progress(tables: Tables, now: datetime | None = None) -> ProgressTable | None:
    """Every commune and agency of the province with an index target for the report's year and instrument, with
    the period's index, the projected year-end and its status; None when no unit has one."""
    when = year_and_day(tables.period, now)
    if when is None:
        return None
    year, day = when
    targets = [t for t in targets_for(OPERATOR, tables.province.code, year)
               if t.level in TABLE_LEVELS and t.instrument == tables.instrument and t.component == INDEX]
    if not targets:
        return None
    rows = []
    for level in TABLE_LEVELS:
        mine = [t for t in targets if t.level == level]
        if not mine:
            continue
        current = tables.result(level)
        shown = {r["unit_code"]: r for r in current.document["rows"]} if current is not None else {}
        for target in sorted(mine, key=lambda t: t.code):
            row = shown.get(target.code, {})
            value = None if row.get("suppressed", True) else row.get("index")
            ytd, _trend = _projections(tables, level, target.code, year, day, OPERATOR)
            rows.append(ProgressRow(level, target.code, target.name, target.value, value, ytd,
                                    status(ytd, target.value)))
    return ProgressTable(year, day, tuple(rows))
