"""The public results of a published period: the province's index and the commune and department rankings, with
intervals; suppressed cells are left out entirely (not even their n), and nothing unpublished is ever computed."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import select

from survey.errors import NotFound
from survey.extensions import db
from survey.models import Agency
from survey.services.access.scope import OPERATOR
from survey.services.exports.cells import safe_row
from survey.services.indices.compute import compute_indices
from survey.services.publication.publish import published

COLUMNS = ("level", "code", "name", "instrument", "method_version", "period", "n", "index", "ci_low", "ci_high",
           "rank")
CODEBOOK = (
    ("level", "province, commune or agency (a provincial department)"),
    ("code", "Unit code (General Statistics Office, vintage of 1 July 2025) or agency code"),
    ("name", "Name of the unit or agency"),
    ("instrument", "Questionnaire code, e.g. SIPAS-1001 (Decision 1001/QĐ-BNV)"),
    ("method_version", "Version of the computation method (docs: /methodology)"),
    ("period", "Published period: a year (2026), quarter (2026-Q3) or month (2026-09), local dates"),
    ("n", "Respondents with at least one valid answer"),
    ("index", "Satisfaction index, percent (share answering 4 or 5, averaged over items, factors and aspects)"),
    ("ci_low", "Lower bound of the approximate 95% interval"),
    ("ci_high", "Upper bound of the approximate 95% interval"),
    ("rank", "Rank among the published communes (or agencies) of the province, 1 = highest; empty for the "
             "province"),
)


@dataclass
class PublicResults:
    """What the public page shows for one province, instrument and published period."""

    province_code: str
    province_name: str
    instrument: str
    period: str
    method_version: str
    min_n: int
    province: dict | None
    communes: list[dict] = field(default_factory=list)
    agencies: list[dict] = field(default_factory=list)
    hidden: dict[str, int] = field(default_factory=dict)  # level → cells left out (too few respondents)
    periods: list[tuple[str, str]] = field(default_factory=list)  # every published (instrument, period)


def _provincial_agencies() -> set[str]:
    kinds = ("department", "branch", "centre")  # as the dashboards' department ranking
    return set(db.session.scalars(select(Agency.code).where(Agency.kind.in_(kinds))))


def _shown(row: dict, rank: int | None = None) -> dict:
    return {"code": row["unit_code"], "name": row["unit_name"], "n": row["n"], "index": row["index"],
            "ci_low": row["ci_low"], "ci_high": row["ci_high"], "rank": rank}


def public_results(province: str, instrument: str | None, period: str | None, min_n: int) -> PublicResults:
    """The asked (or latest) published period; NotFound for anything not published."""
    mine = published(province)
    if not mine:
        raise NotFound("not_published", f"Nothing is published for province {province}", province=province)
    choices = [(i, p) for _c, _n, i, p in mine]
    if instrument is None:  # the method in force first
        instrument = "SIPAS-1001" if any(i == "SIPAS-1001" for i, _p in choices) else choices[0][0]
    wanted = next(((i, p) for i, p in choices if (instrument in (None, i)) and (period in (None, p))), None)
    if wanted is None:
        raise NotFound("not_published", "This period is not published", province=province)
    instrument, period = wanted
    out = PublicResults(province, mine[0][1], instrument, period, "", min_n, None, periods=choices)
    for by in ("province", "commune", "agency"):
        result = compute_indices(instrument, period, by=by, province=province, scope=OPERATOR, min_n=min_n)
        out.method_version = result.document["method_version"]
        ranks = {r["cell"]: int(r["rank"]) for r in result.ranking.to_dict("records")
                 if r["rank"] is not None and r["rank"] == r["rank"]}
        rows = [r for r in result.document["rows"] if r["level"] == by]
        if by == "agency":  # the province's departments and agencies, not the communes' own centres
            rows = [r for r in rows if r["unit_code"] in _provincial_agencies()]
        visible = [r for r in rows if not r["suppressed"] and r["index"] is not None]
        out.hidden[by] = len(rows) - len(visible)
        if by == "province":
            out.province = _shown(visible[0]) if visible else None
        else:
            shown = sorted((_shown(r, ranks.get(r["unit_code"])) for r in visible),
                           key=lambda r: (r["rank"] is None, r["rank"] or 0, r["code"]))
            setattr(out, "communes" if by == "commune" else "agencies", shown)
    return out


def open_data_csv(results: PublicResults) -> str:
    """The page's figures as CSV (suppressed cells are not in it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    groups = [("province", [results.province] if results.province else []), ("commune", results.communes),
              ("agency", results.agencies)]
    for level, rows in groups:
        for r in rows:
            writer.writerow(safe_row([level, r["code"], r["name"], results.instrument, results.method_version,
                                      results.period, r["n"], r["index"], r["ci_low"], r["ci_high"],
                                      r["rank"] if r["rank"] is not None else ""]))
    return buffer.getvalue()


def codebook_csv() -> str:
    """The code book of the open data: column and meaning."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("column", "meaning"))
    writer.writerows(safe_row(list(row)) for row in CODEBOOK)
    return buffer.getvalue()
