"""Progress against index targets for the PDFs (issue 23): a unit's section and the provincial report's table.

The figures are those of the dashboards and the scorecard (survey/services/targets/progress.py): the year-to-date
index and its 95% interval as the projected year-end (the primary projection), and its status against the target
(survey.indices.projection). The monthly trend line stays on the scorecard: it needs one table per month, which
would make a unit's PDF several times slower (scripts/bench/bench_report_targets.py). The year to date is computed
through the report's own tables (`Tables.result`: the report's instrument version, memoised): a single unit's PDF
computes only its own rows (the caller's narrowing, as its other figures), a whole-province batch computes the
year once for every unit, and a report on 2026-Q1 or on a whole year reuses its own table. It runs to the end of
the report's period (or today, if sooner): a report on 2026-Q1 shows the projection as it stood on 31 March.
Nothing is computed for a unit without a target.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select

from survey.extensions import db
from survey.models import Agency, Target, Unit
from survey.indices.projection import Projection, status, ytd_projection
from survey.reports.data import ProgressRow, ProgressTable, TargetProgress
from survey.services.access.scope import OPERATOR, Scope
from survey.services.indices.periods import Period
from survey.services.targets.manage import INDEX, targets_for
from survey.services.targets.progress import year_to_date

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


def _ytd_period(tables: Tables, year: int, day: date) -> Period:
    """1 January to `day`; the report's own period when it is that span (2026-Q1 on 31 March, or a whole year),
    so its table is not computed twice."""
    span = year_to_date(year, day)
    same = (tables.period.start, tables.period.end) == (span.start, span.end)
    return tables.period if same else span


def _projection(tables: Tables, by: str, code: str, year: int, day: date, narrow: Scope) -> Projection | None:
    """The year-to-date index and its interval as the projected year-end of one row (None when it has none)."""
    ytd = tables.result(by, narrow=narrow, span=_ytd_period(tables, year, day))
    row = next((r for r in (ytd.document["rows"] if ytd is not None else [])
                if r["level"] == by and r["unit_code"] == code), None)
    return None if row is None else ytd_projection(row.get("index"), row.get("ci_low"), row.get("ci_high"))


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
    ytd = _projection(tables, level, code, year, day, narrow)
    return TargetProgress(year, target, day, value, ytd, status(ytd, target))


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
            ytd = _projection(tables, level, target.code, year, day, OPERATOR)
            rows.append(ProgressRow(level, target.code, target.name, target.value, value, ytd,
                                    status(ytd, target.value)))
    return ProgressTable(year, day, tuple(rows))
