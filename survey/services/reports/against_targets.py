"""Progress against index targets for the PDFs (issue 23): a unit's section and the provincial report's table.

The figures are the targets service's `progress()` (year-to-date index, monthly trend, projected year-end with
its interval, status), computed once per report and level and shared by every summary of a whole-province batch.
The year-to-date runs to the end of the report's period (or today, if sooner): a report on 2026-Q1 shows the
projection as it stood on 31 March. Nothing is computed for a unit without a target.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from survey.extensions import db
from survey.models import Agency, Target, Unit
from survey.reports.data import ProgressRow, ProgressTable, TargetProgress
from survey.services.access.scope import OPERATOR
from survey.services.indices.periods import Period
from survey.services.targets.manage import INDEX, targets_for
from survey.services.targets.progress import Progress, progress

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


def _progress(tables: Tables, by: str, year: int, day: date) -> dict[str, Progress]:
    """progress() of the report's province for one level, by code, computed once per Tables."""
    key = ("progress", by, year, day)
    if key not in tables._cache:
        rows = progress(OPERATOR, tables.province.code, tables.instrument, year, by, day, tables.min_n)
        tables._cache[key] = {p.code: p for p in rows}
    return tables._cache[key]


def unit_progress(tables: Tables, level: str, code: str, value: float | None,
                  now: datetime | None = None) -> TargetProgress | None:
    """The unit's progress against its index target for the report's year; None without a target.

    `value` is the report period's index as the summary prints it (None when suppressed)."""
    when = year_and_day(tables.period, now)
    if when is None or level not in TARGET_LEVELS:
        return None
    year, day = when
    target = index_target(level, code, year, tables.instrument)
    if target is None:
        return None
    mine = _progress(tables, level, year, day).get(code)
    if mine is None:
        return TargetProgress(year, target, day, value)
    return TargetProgress(year, target, day, value, mine.ytd, mine.trend, mine.status, mine.trend_status)


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
        figures = _progress(tables, level, year, day)
        current = tables.result(level)
        shown = {r["unit_code"]: r for r in current.document["rows"]} if current is not None else {}
        for target in sorted(mine, key=lambda t: t.code):
            row, found = shown.get(target.code, {}), figures.get(target.code)
            value = None if row.get("suppressed", True) else row.get("index")
            rows.append(ProgressRow(level, target.code, target.name, target.value, value,
                                    found.ytd if found else None, found.status if found else None))
    return ProgressTable(year, day, tuple(rows))
