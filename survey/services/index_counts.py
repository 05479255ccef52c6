"""Counting pushed into the database: answer counts and respondent-score sums per breakdown key, from the monthly
roll-up tallies when they can answer, else by GROUP BY over the raw responses."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import bindparam, func, select, text

from survey.extensions import db
from survey.indices import ONESTOP_TOTAL, Scorer
from survey.models import AnswerTally, ScoreTally
from survey.models.responses import PROFILE_FIELDS
from survey.services.periods import Period
from survey.services.tallies import COUNT_COLUMNS

# Breakdown key → column of responses; the first four are also columns of the tallies.
TALLY_COLUMNS = ("unit_id", "agency_id", "service_point_id", "channel")
RAW_COLUMNS = (*TALLY_COLUMNS, "procedure_code", "field_code", *PROFILE_FIELDS)
ITEM_COLUMNS = ["key", "item_id", "code", "count"]
SUM_COLUMNS = ["key", "component", "n", "sum", "sumsq"]


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
    source: str  # "tallies" or "responses"


def can_use_tallies(column: str, period: Period, where: Mapping[str, str | int] | None = None) -> bool:
    """The roll-ups hold whole months by place and channel only, so they answer a channel filter and no other."""
    return column in TALLY_COLUMNS and period.months is not None and set(where or {}) <= {"channel"}


def count_from_tallies(column: str, filters: Filters) -> Counts:
    """Sum the monthly tallies of the period, grouped by `column` (one of TALLY_COLUMNS)."""
    first, last = filters.period.months or (0, -1)
    answers, scores = AnswerTally.__table__, ScoreTally.__table__
    stmt = (select(answers.c[column].label("key"), answers.c.item_id,
                   *[func.sum(answers.c[c]).label(c) for c in COUNT_COLUMNS])
            .where(answers.c.instrument_version_id == filters.version_id, answers.c.month.between(first, last))
            .group_by(answers.c[column], answers.c.item_id))
    wide = pd.DataFrame(_tuples(db.session.execute(_scoped(stmt, answers, filters))),
                        columns=["key", "item_id", *COUNT_COLUMNS])
    long = wide.melt(id_vars=["key", "item_id"], var_name="code", value_name="count")
    long["code"] = long["code"].str[1:].astype(int)
    items = long[long["count"] > 0].reset_index(drop=True)
    stmt = (select(scores.c[column], scores.c.component, func.sum(scores.c.n), func.sum(scores.c.total),
                   func.sum(scores.c.total_sq))
            .where(scores.c.instrument_version_id == filters.version_id, scores.c.month.between(first, last))
            .group_by(scores.c[column], scores.c.component))
    sums = pd.DataFrame(_tuples(db.session.execute(_scoped(stmt, scores, filters))), columns=SUM_COLUMNS)
    return Counts(_typed(items[ITEM_COLUMNS]), sums, "tallies")


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
    clauses = ["r.instrument_version_id = :version", "r.local_date BETWEEN :start AND :end"]
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
    """GROUP BY over raw answers for any breakdown column (profile fields, procedure, field, any date range)."""
    if column not in RAW_COLUMNS:
        raise ValueError(column)  # callers pass only known columns; never interpolate anything else
    where, params = _where(filters)
    items = pd.DataFrame(_run(
        f"SELECT r.{column}, a.item_id, a.code, COUNT(*) FROM answers a JOIN responses r ON r.id = a.response_id "
        f"WHERE {where} AND a.code BETWEEN 0 AND 9 GROUP BY r.{column}, a.item_id, a.code", params),
        columns=ITEM_COLUMNS)
    return Counts(_typed(items), _raw_sums(column, where, params, scorer), "responses")


def _raw_sums(column: str, where: str, params: dict, scorer: Scorer) -> pd.DataFrame:
    """Respondent scores computed per response in SQL, then summed per key: the same rule as the tallies."""
    parts = []
    pairs = [(item, scorer.components[pos]) for item, positions in scorer.membership.items() for pos in positions]
    if pairs:
        values = ", ".join(f"(CAST(:i{n} AS INTEGER), CAST(:c{n} AS VARCHAR(40)))" for n in range(len(pairs)))
        mapping = {**{f"i{n}": item for n, (item, _) in enumerate(pairs)},
                   **{f"c{n}": comp for n, (_, comp) in enumerate(pairs)}}
        parts += _run(
            f"WITH m(item_id, component) AS (VALUES {values}), "
            f"per AS (SELECT r.id AS rid, r.{column} AS k, m.component AS component, "
            "AVG(CASE WHEN a.code >= 4 THEN 1.0 ELSE 0.0 END) AS score "
            "FROM answers a JOIN responses r ON r.id = a.response_id JOIN m ON m.item_id = a.item_id "
            f"WHERE {where} AND a.code BETWEEN 1 AND 5 GROUP BY r.id, r.{column}, m.component) "
            "SELECT k, component, COUNT(*), SUM(score), SUM(score * score) FROM per GROUP BY k, component",
            {**params, **mapping})
    if scorer.points_items:
        parts += _run(
            f"WITH per AS (SELECT r.id AS rid, r.{column} AS k, SUM(a.code) * 1.0 AS score "
            "FROM answers a JOIN responses r ON r.id = a.response_id "
            f"WHERE {where} AND a.item_id IN :points AND a.code BETWEEN 0 AND 2 GROUP BY r.id, r.{column}) "
            f"SELECT k, '{ONESTOP_TOTAL}', COUNT(*), SUM(score), SUM(score * score) FROM per GROUP BY k",
            {**params, "points": sorted(scorer.points_items)})
    sums = pd.DataFrame(parts, columns=SUM_COLUMNS)
    sums[["sum", "sumsq"]] = sums[["sum", "sumsq"]].astype(float)
    return sums
