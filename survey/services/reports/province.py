"""The provincial report's data: province index and trend, rankings of communes and departments, units with too
few responses, improvement priorities. For Home Affairs of that province (and the operator) only."""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
from sqlalchemy import select

from survey.indices import DEFAULT_MIN_N, METHOD_VERSION, rank_among
from survey.models import Agency
from survey.extensions import db
from survey.reports.data import ProvinceReport, RankingRow, SmallUnit, TrendPoint
from survey.services.indices.compute import IndicesResult
from survey.services.indices.periods import Period, parse_period
from survey.services.campaigns.official import official_rows
from survey.services.reports.against_targets import province_progress
from survey.services.reports.figures import priorities
from survey.services.reports.targets import DEFAULT_INSTRUMENT, check_province, formal_name, issuer_of
from survey.services.reports.unit import Tables
from survey.services.access.scope import Scope, require
from survey.services.organisation.units import descendant_ids

TREND_PERIODS = 4  # the report's period and the three before it
DEPARTMENT_KINDS = ("department", "branch", "centre")  # provincial bodies ranked beside each other


def _value(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _ranking(result: IndicesResult | None, keep: set[str] | None = None) -> list[RankingRow]:
    """Ranked rows (unsuppressed, with an index) of a computed table, optionally only the cells in `keep`."""
    if result is None:
        return []
    frame = rank_among(result.ranking, keep)  # the dashboard's ranking function: peers among peers
    names = {row["unit_code"]: row["unit_name"] for row in result.document["rows"]}
    return [RankingRow(int(r["rank"]), names.get(r["cell"], str(r["cell"])), str(r["cell"]), int(r["n"]),
                       float(r["index"]), _value(r["ci_low"]), _value(r["ci_high"]), r.get("flag"))
            for r in frame.to_dict("records") if not pd.isna(r["rank"])]


def _small(results: list[tuple[IndicesResult | None, str, set[str] | None]]) -> list[SmallUnit]:
    """Units with some responses but fewer than min_n, at the given level (and among `keep`)."""
    out = []
    for result, level, keep in results:
        if result is None:
            continue
        out += [SmallUnit(r["unit_name"], r["unit_code"], r["n"]) for r in result.document["rows"]
                if r["level"] == level and r["suppressed"] and r["n"] > 0 and (keep is None or r["unit_code"] in keep)]
    return out


def _departments(province_id: int) -> set[str]:
    """Codes of the provincial departments, branches and centres (commune committees are ranked as communes)."""
    return set(db.session.scalars(select(Agency.code).where(Agency.unit_id == province_id,
                                                            Agency.kind.in_(DEPARTMENT_KINDS))))


def _trend(tables: Tables, periods: int) -> list[TrendPoint]:
    """The province index in the report's period and the ones before it, oldest first."""
    spans: list[Period] = [tables.period]
    while len(spans) < periods:
        spans.insert(0, spans[0].previous())
    points = []
    for span in spans:
        whole = tables.result("province", span=span)
        parent = whole.parent if whole is not None else {}
        hidden = bool(parent.get("suppressed")) or not parent.get("n")
        points.append(TrendPoint(span.label, None if hidden else _value(parent.get("index")),
                                 int(parent.get("n") or 0)))
    return points


def province_report(scope: Scope, province: str, period: str, instrument: str = DEFAULT_INSTRUMENT,
                    version: int | None = None, min_n: int = DEFAULT_MIN_N, now: datetime | None = None,
                    tables: Tables | None = None, trend_periods: int = TREND_PERIODS) -> ProvinceReport:
    """The provincial report of `instrument` for `period`; `tables` reuses figures already computed."""
    require(scope, "reports.download")
    unit = check_province(scope, province)
    tables = tables or Tables(instrument, parse_period(period), unit, version, min_n)
    communes, agencies = tables.result("commune"), tables.result("agency")
    parent = communes.parent if communes is not None else {}
    hidden = bool(parent.get("suppressed")) or not parent.get("n")
    departments = _departments(unit.id)
    return ProvinceReport(
        province_name=formal_name(unit), province_code=unit.code, period=tables.period.label,
        instrument_code=tables.stored.instrument.code, instrument_version=tables.stored.version,
        method_version=tables.stored.method_version or METHOD_VERSION, min_n=tables.min_n,
        n=int(parent.get("n") or 0),
        index=None if hidden else _value(parent.get("index")),
        ci_low=None if hidden else _value(parent.get("ci_low")),
        ci_high=None if hidden else _value(parent.get("ci_high")),
        generated_at=now or datetime.now(timezone.utc), trend=_trend(tables, trend_periods),
        communes=_ranking(communes), departments=_ranking(agencies, departments),
        progress=province_progress(tables, now),
        small_units=_small([(communes, "commune", None), (agencies, "agency", departments)]),
        priorities=priorities(tables.definition, tables.slice(unit_ids=frozenset(descendant_ids(unit))),
                              tables.min_n),
        official=official_rows(unit, None if hidden else parent),
        issuer=issuer_of(unit), document=tables.document)
