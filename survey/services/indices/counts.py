"""Counting pushed into the database: answer counts and respondent-score sums per breakdown key, from the monthly
roll-up tallies when they can answer, else from each response's packed answer codes."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, case, func, select, text

from survey.extensions import db
from survey.indices import Scorer
from survey.models import AnswerTally, ScoreTally, Unit
from survey.models.units import CURRENT_VINTAGE
from survey.models.responses import PROFILE_FIELDS
from survey.services.indices.packed_answers import PackedCounts, layout
from survey.services.indices.periods import Period
from survey.services.storage.sql import stream_rows
from survey.services.indices.tallies import COUNT_COLUMNS

# Breakdown key → column of responses; the first four are also columns of the tallies.
TALLY_COLUMNS = ("unit_id", "agency_id", "service_point_id", "channel")
RAW_COLUMNS = (*TALLY_COLUMNS, "procedure_code", "field_code", *PROFILE_FIELDS, "quality_flags")
ITEM_COLUMNS = ["key", "item_id", "code", "count"]
SUM_COLUMNS = ["key", "component", "n", "sum", "sumsq"]
CHUNK = 50_000  # responses read at a time by the raw path


@dataclass(frozen=True)
class Filters:
    """Which responses count: one instrument version, a period, and optionally only some units and agencies."""

    version_id: int
    period: Period
    unit_ids: frozenset[int] | None = None
    agency_ids: frozenset[int] | None = None
    where: Mapping[str, str | int] | None = None  # response column → the one value it must hold (validated)


@dataclass(frozen=True)
class Counts:
    """Frames keyed by the breakdown column's raw value (unit id, agency id, channel, sex code…)."""

    items: pd.DataFrame  # [key, item_id, code, count]
    sums: pd.DataFrame  # [key, component, n, sum, sumsq]
    source: str  # "tallies", "columns" (the columnar blocks) or "responses" (streamed packed codes)


def can_use_summaries(column: str, filters: Filters) -> bool:
    """The columnar blocks' summaries answer tables by unit over whole months, for every agency, with no filter
    but the clean view (services/indices/columns.py)."""
    from survey.services.indices.columns import summarised

    return summarised(column, filters)


def can_use_tallies(column: str, period: Period, where: Mapping[str, str | int] | None = None) -> bool:
    """The roll-ups hold whole months by place and channel only, so they answer a channel filter and no other."""
    return column in TALLY_COLUMNS and period.months is not None and set(where or {}) <= {"channel"}


def count_from_tallies(column: str, filters: Filters, to_province: bool = False) -> Counts:
    """Sum the monthly tallies of the period, grouped by `column` (one of TALLY_COLUMNS).

    `to_province` (the table by province, unit_id) groups today's units by their province in the database: the
    national table then reads 34 × items rows instead of one per commune and item (180,000 through the driver
    took seconds). Legacy units keep their own id, since the crosswalk may share them between provinces."""
    first, last = filters.period.months or (0, -1)
    answers, scores = AnswerTally.__table__, ScoreTally.__table__

    def grouped(table, *columns):
        key = table.c[column]
        stmt = select(key.label("key"), *columns)
        if to_province:
            unit = Unit.__table__
            key = case((unit.c.vintage == CURRENT_VINTAGE, func.coalesce(unit.c.parent_id, unit.c.id)),
                       else_=unit.c.id)
            stmt = select(key.label("key"), *columns).select_from(table.join(unit, unit.c.id == table.c.unit_id))
        return (stmt.where(table.c.instrument_version_id == filters.version_id, table.c.month.between(first, last))
                .group_by(key, columns[0]))

    stmt = grouped(answers, answers.c.item_id, *[func.sum(answers.c[c]).label(c) for c in COUNT_COLUMNS])
    wide = pd.DataFrame(_tuples(db.session.execute(_scoped(stmt, answers, filters))),
                        columns=["key", "item_id", *COUNT_COLUMNS])
    long = wide.melt(id_vars=["key", "item_id"], var_name="code", value_name="count")
    long["code"] = long["code"].str[1:].astype(int)
    items = long[long["count"] > 0].reset_index(drop=True)
    stmt = grouped(scores, scores.c.component, func.sum(scores.c.n), func.sum(scores.c.total),
                   func.sum(scores.c.total_sq))
    sums = pd.DataFrame(_tuples(db.session.execute(_scoped(stmt, scores, filters))), columns=SUM_COLUMNS)
    return Counts(_typed(items[ITEM_COLUMNS]), sums, "tallies")


def province_lookup() -> np.ndarray:
    """Unit id → the key the table by province counts it under, the same as `to_province` in SQL: today's units
    their province (a province itself), legacy units their own id (the crosswalk may share them out)."""
    unit = Unit.__table__
    rows = db.session.execute(select(unit.c.id, unit.c.parent_id, unit.c.vintage)).all()
    lookup = np.arange(max((r[0] for r in rows), default=0) + 1, dtype=np.int64)
    for unit_id, parent_id, vintage in rows:
        if vintage == CURRENT_VINTAGE and parent_id is not None:
            lookup[unit_id] = parent_id
    return lookup


def _tuples(result) -> list[tuple]:
    """Plain tuples: pandas probes Row objects attribute by attribute, which costs more than the query."""
    return [tuple(row) for row in result]


def _scoped(stmt, table, filters: Filters):
    """Add the unit, agency and channel restrictions to a tally query."""
    if set(filters.where or {}) - {"channel"}:
        raise ValueError("the tallies hold no column but channel to filter on")
    if (filters.where or {}).get("channel") is not None:
        stmt = stmt.where(table.c.channel == filters.where["channel"])  # type: ignore[index]
    if filters.unit_ids is not None:
        stmt = stmt.where(table.c.unit_id.in_(sorted(filters.unit_ids)))
    if filters.agency_ids is not None:
        stmt = stmt.where(table.c.agency_id.in_(sorted(filters.agency_ids)))
    return stmt


def _typed(items: pd.DataFrame) -> pd.DataFrame:
    items = items.copy()
    items["count"] = items["count"].astype("int64")
    return items


def _where(filters: Filters) -> tuple[str, dict]:
    """The WHERE clause over responses r (and its parameters) shared by the raw queries."""
    # Campaign responses (methodology §7) are a probability sample with their own estimates: never counted here.
    clauses = ["r.instrument_version_id = :version", "r.local_date BETWEEN :start AND :end", "r.campaign_id IS NULL"]
    params: dict = {"version": filters.version_id, "start": filters.period.start, "end": filters.period.end}
    if filters.unit_ids is not None:
        clauses.append("r.unit_id IN :units")
        params["units"] = sorted(filters.unit_ids)
    if filters.agency_ids is not None:
        clauses.append("r.agency_id IN :agencies")
        params["agencies"] = sorted(filters.agency_ids)
    for n, (column, value) in enumerate(sorted((filters.where or {}).items())):
        if column not in RAW_COLUMNS:
            raise ValueError(column)  # never interpolate anything but a known column name
        clauses.append(f"r.{column} = :w{n}")
        params[f"w{n}"] = value
    return " AND ".join(clauses), params


def _run(sql: str, params: dict) -> list:
    stmt = text(sql)
    for name, value in params.items():
        if isinstance(value, list):  # IN lists
            stmt = stmt.bindparams(bindparam(name, expanding=True))
    return _tuples(db.session.execute(stmt, params))


def count_from_responses(column: str, filters: Filters, scorer: Scorer) -> Counts:
    """Counts for any breakdown column (profile fields, procedure, field, any date range) from the responses'
    packed answer codes: one short row per response rather than a join over every answer row."""
    if column not in RAW_COLUMNS:
        raise ValueError(column)  # callers pass only known columns; never interpolate anything else
    packed = count_packed([column], filters, scorer)
    return Counts(_typed(packed.items()), packed.sums(), "responses")


def count_from_columns(column: str, filters: Filters, scorer: Scorer, key_of: np.ndarray | None = None) -> Counts:
    """The same counts as `count_from_responses`, read from the columnar blocks (services/indices/columns.py);
    `key_of` (province_lookup) keys units by their province."""
    from survey.services.indices.columns import count_columns

    if column not in RAW_COLUMNS:
        raise ValueError(column)
    packed = count_columns(column, filters, scorer, key_of=key_of)
    return Counts(_typed(packed.items()), packed.sums(), "columns")


def count_packed(columns: list[str], filters: Filters, scorer: Scorer | None, extra: str = "") -> PackedCounts:
    """Code counts and respondent-score sums keyed by the value of `columns` (a tuple when several), read a
    chunk at a time; `extra` adds a fixed condition (SQL over responses r, no user input)."""
    if any(c not in RAW_COLUMNS for c in columns):
        raise ValueError(columns)
    where, params = _where(filters)
    sql = (f"SELECT {', '.join('r.' + c for c in columns)}, r.answer_codes FROM responses r "
           f"WHERE {where}{' AND ' + extra if extra else ''}")
    packed, width = PackedCounts(layout(filters.version_id), scorer), len(columns)
    for part in stream_rows(sql, params, CHUNK):
        packed.add([row[0] if width == 1 else tuple(row[:width]) for row in part], [row[width] for row in part])
    return packed
