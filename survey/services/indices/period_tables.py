"""Index figures of several periods from one read of the monthly roll-ups, computed by the pure core.

A trend needs the same figure for four to six periods; asking the index service once per period reads the
tallies that many times. Here one query groups the tallies by month, months are gathered into the periods (which
may overlap: a year and its quarters), and survey.indices.index_table computes every period at once, as
compute_indices does for one. This answers only when it gives the service's figures exactly: whole-month periods,
no data of legacy units in them (the service re-bases those through the crosswalk with shares), no filter but
channel (the roll-ups hold no other response column), and instruments scored by the SIPAS index (not ONESTOP-61
points); otherwise it returns None and the caller asks the service period by period.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select

from survey.extensions import db
from survey.indices import OVERALL, IndexTable, index_table, structure_from_definition
from survey.models import InstrumentVersion, Item, ScoreTally, Unit
from survey.models.units import LEGACY_VINTAGE
from survey.services.indices import counts
from survey.services.indices.periods import Period
from survey.services.access.scope import Scope

POINT_TYPES = ("pts2",)


@dataclass(frozen=True)
class PeriodTable:
    """Figures per period (cells named by period label) and the answer counts per month behind them."""

    table: IndexTable
    months: pd.DataFrame  # [month, item, code, count]: every item, for shares of other questions (priorities)

    def row(self, label: str) -> dict | None:
        """A period's published figures (rounded as the API rounds them), or None when it has no data."""
        cells = self.table.cells[self.table.cells["cell"] == label]
        if cells.empty:
            return None
        rec = cells.iloc[0]
        return {"index": _rounded(rec["index"]), "ci_low": _rounded(rec["ci_low"]),
                "ci_high": _rounded(rec["ci_high"]), "n": int(rec["n"]), "suppressed": bool(rec["suppressed"])}


def _rounded(value: object) -> float | None:
    """Two decimals, as the index document publishes figures."""
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else round(number, 2)


def months_of(period: Period) -> list[int]:
    """The months (yyyymm) a whole-month period covers."""
    first, last = period.months or (0, -1)
    out, month = [], first
    while month <= last:
        out.append(month)
        month = month + 1 if month % 100 < 12 else (month // 100 + 1) * 100 + 1
    return out


def period_table(version: InstrumentVersion, periods: list[Period], scope: Scope, min_n: int,
                 where: dict[str, str] | None = None) -> PeriodTable | None:
    """The figures of each period within `scope` (already narrowed to the place) and the `where` filters, or None
    (see the module)."""
    structure = structure_from_definition(version.definition)
    if set(where or {}) - {"channel"}:
        return None
    if any(p.months is None for p in periods) or any(k in POINT_TYPES for k in structure.item_types.values()):
        return None
    span = Period("trend", min(p.start for p in periods), max(p.end for p in periods))
    if _legacy_data(version.id, span):
        return None
    found = counts.count_from_tallies("month", counts.Filters(version.id, span, scope.unit_ids, scope.agency_ids,
                                                              where or None))
    cells = pd.DataFrame([(month, p.label) for p in periods for month in months_of(p)], columns=["month", "cell"])
    codes = dict(db.session.execute(select(Item.id, Item.code).where(Item.version_id == version.id)).all())
    items = found.items.assign(item=found.items["item_id"].map(codes), month=found.items["key"].astype(int))
    items = items.dropna(subset=["item"])
    per_cell = items.merge(cells, on="month").groupby(["cell", "item", "code"], sort=False)["count"].sum()
    sums = found.sums.assign(month=found.sums["key"].astype(int)).merge(cells, on="month")
    sums = sums.groupby(["cell", "component"], sort=False)[["n", "sum", "sumsq"]].sum().reset_index()
    cell_n = sums[sums["component"] == OVERALL][["cell", "n"]]
    table = index_table(per_cell.reset_index(), sums, cell_n, structure, min_n)
    return PeriodTable(table, items[["month", "item", "code", "count"]].reset_index(drop=True))


def _legacy_data(version_id: int, span: Period) -> bool:
    """Whether any unit of the old (pre-2025) list holds responses of this version in the span."""
    if db.session.scalar(select(Unit.id).where(Unit.vintage == LEGACY_VINTAGE).limit(1)) is None:
        return False
    first, last = span.months or (0, -1)
    stmt = (select(ScoreTally.unit_id).join(Unit, Unit.id == ScoreTally.unit_id)
            .where(ScoreTally.instrument_version_id == version_id, ScoreTally.month.between(first, last),
                   Unit.vintage == LEGACY_VINTAGE).limit(1))
    return db.session.scalar(stmt) is not None
