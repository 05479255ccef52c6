"""Progress against the targets of a year: each commune's (or agency's) year-to-date figure, rank, monthly trend and
projected year-end with its interval (survey.indices.projection), beside its target."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from survey.indices.projection import Projection, status, trend_projection, ytd_projection
from survey.services.access.scope import Scope
from survey.services.indices.compute import compute_indices
from survey.services.indices.periods import Period
from survey.services.targets.manage import INDEX, targets_for


@dataclass
class Progress:
    """One subject's figures against its targets."""

    level: str
    code: str
    name: str
    n: int = 0
    value: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    suppressed: bool = False
    rank: int | None = None
    ranked: int = 0  # how many subjects were ranked
    target: float | None = None
    monthly: list[tuple[int, float]] = field(default_factory=list)
    ytd: Projection | None = None
    trend: Projection | None = None
    status: str | None = None
    trend_status: str | None = None
    factors: list[dict[str, Any]] = field(default_factory=list)  # code, value, target, gap

    @property
    def gap(self) -> float | None:
        """The year-to-date figure minus the target (negative: below it)."""
        return None if self.value is None or self.target is None else round(self.value - self.target, 2)


def year_to_date(year: int, as_of: date) -> Period:
    """1 January of `year` to `as_of` (or 31 December for a past year)."""
    end = min(as_of, date(year, 12, 31))
    return Period(f"{year}-01-01..{end.isoformat()}", date(year, 1, 1), end)


def _month(year: int, month: int, as_of: date) -> Period:
    start = date(year, month, 1)
    end = date(year + month // 12, month % 12 + 1, 1)
    return Period(f"{year}-{month:02d}", start, min(end - timedelta(days=1), as_of))


def progress(scope: Scope, province: str, instrument: str, year: int, by: str, as_of: date, min_n: int,
             lang: str = "vi") -> list[Progress]:
    """Every commune (by="commune") or agency (by="agency") of the province with figures or a target."""
    ytd = compute_indices(instrument, year_to_date(year, as_of), by=by, province=province, scope=scope, min_n=min_n,
                          lang=lang)
    ranks = {row["cell"]: int(row["rank"]) for row in ytd.ranking.to_dict("records") if row["rank"] is not None
             and row["rank"] == row["rank"]}
    out: dict[str, Progress] = {}
    for row in ytd.document["rows"]:
        if row["level"] != by or row["unit_code"] is None:
            continue
        out[row["unit_code"]] = Progress(by, row["unit_code"], row["unit_name"], row["n"], row.get("index"),
                                         row.get("ci_low"), row.get("ci_high"), row["suppressed"],
                                         ranks.get(row["unit_code"]), len(ranks), factors=[])
        for code, comp in (row.get("components") or {}).items():
            out[row["unit_code"]].factors.append({"code": code, "value": comp.get("pct"), "target": None})
    last = min(as_of, date(year, 12, 31)).month if as_of.year >= year else 0
    for month in range(1, last + 1):
        doc = compute_indices(instrument, _month(year, month, as_of), by=by, province=province, scope=scope,
                              min_n=min_n, lang=lang).document
        for row in doc["rows"]:
            if row["unit_code"] in out and row.get("index") is not None and not row["suppressed"]:
                out[row["unit_code"]].monthly.append((month, row["index"]))
    wanted = "agency" if by == "agency" else by
    for target in targets_for(scope, province, year):
        if target.level != wanted or target.instrument != instrument:
            continue
        item = out.setdefault(target.code, Progress(by, target.code, target.name))
        if target.component == INDEX:
            item.target = target.value
        else:
            match = next((f for f in item.factors if f["code"] == target.component), None)
            if match is None:
                item.factors.append({"code": target.component, "value": None, "target": target.value})
            else:
                match["target"] = target.value
    for item in out.values():
        item.ytd = ytd_projection(item.value, item.ci_low, item.ci_high)
        item.trend = trend_projection(item.monthly)
        item.status, item.trend_status = status(item.ytd, item.target), status(item.trend, item.target)
        for factor in item.factors:
            both = factor["value"] is not None and factor["target"] is not None
            factor["gap"] = round(factor["value"] - factor["target"], 2) if both else None
    return sorted(out.values(), key=lambda p: (p.rank is None, p.rank or 0, p.code))
