"""The national report's data: the whole country's index and trend, and the 34 provinces ranked with their
intervals (the provincial report one level up). For a national scope (the ministry, the operator) only."""
from __future__ import annotations

from datetime import datetime, timezone

from survey.errors import Forbidden
from survey.indices import DEFAULT_MIN_N, METHOD_VERSION
from survey.reports.data import ProvinceReport, TrendPoint
from survey.services.access.scope import Scope, require
from survey.services.indices.compute import IndicesResult, compute_indices
from survey.services.indices.periods import parse_period
from survey.services.reports.province import TREND_PERIODS, _ranking, _small, _value
from survey.services.reports.targets import DEFAULT_INSTRUMENT

ISSUER = "Bộ Nội vụ"  # printed top left, as the provinces' reports print their Department of Home Affairs
COUNTRY = "VN"


def _whole(result: IndicesResult) -> tuple[int, float | None, float | None, float | None]:
    """n, index and interval of every province together; no figure when suppressed."""
    parent = result.parent
    n = int(parent.get("n") or 0)
    if not n or parent.get("suppressed"):
        return n, None, None, None
    return n, _value(parent.get("index")), _value(parent.get("ci_low")), _value(parent.get("ci_high"))


def national_report(scope: Scope, period: str, instrument: str = DEFAULT_INSTRUMENT, version: int | None = None,
                    min_n: int = DEFAULT_MIN_N, now: datetime | None = None,
                    trend_periods: int = TREND_PERIODS) -> ProvinceReport:
    """The national report of `instrument` for `period`: `GET /api/v1/indices?by=province`'s figures, ranked by
    the dashboards' ranking function. Forbidden for a caller whose scope is not the whole country."""
    require(scope, "reports.download")
    if not scope.national:
        raise Forbidden("out_of_scope", "The national report covers every province: it is the ministry's")
    the_period = parse_period(period)

    def table(span) -> IndicesResult:
        return compute_indices(instrument, span, by="province", scope=scope, min_n=min_n, version=version)

    current = table(the_period)
    spans = [the_period]
    while len(spans) < trend_periods:
        spans.insert(0, spans[0].previous())
    trend = []
    for span in spans:
        n, index, _low, _high = _whole(current if span is the_period else table(span))
        trend.append(TrendPoint(span.label, index, n))
    n, index, low, high = _whole(current)
    doc = current.document
    return ProvinceReport(
        province_name=COUNTRY, province_code=COUNTRY, period=the_period.label, instrument_code=doc["instrument"],
        instrument_version=doc["instrument_version"], method_version=doc["method_version"] or METHOD_VERSION,
        min_n=min_n, n=n, index=index, ci_low=low, ci_high=high,
        generated_at=now or datetime.now(timezone.utc), trend=trend, communes=_ranking(current),
        small_units=_small([(current, "province", None)]), issuer=ISSUER, national=True)
