"""Answer counts of non-index items (improvement priorities P.k, low-score reasons R) for the dashboards, through
the index engine's counting, restricted to the caller's scope, and turned into figures by the pure core."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from survey.extensions import db
from survey.indices import priority_index
from survey.models import Item
from survey.services.indices import counts
from survey.services.indices.periods import Period
from survey.services.access.scope import Scope
from survey.services.indices.tallies import version_scorer


def item_counts(scope: Scope, version_id: int, period: Period, codes: tuple[str, ...], column: str = "unit_id",
                key: int | None = None) -> pd.DataFrame:
    """Counts [item, code, count] of the items `codes` in the period, within the scope (and one `column` key).

    Reads the monthly roll-ups when the period is whole months, else the columnar blocks (the same counts as the
    responses' packed codes).
    """
    ids = dict(db.session.execute(select(Item.id, Item.code).where(Item.version_id == version_id,
                                                                   Item.code.in_(codes))).all())
    empty = pd.DataFrame({"item": pd.Series(dtype=object), "code": pd.Series(dtype="int64"),
                          "count": pd.Series(dtype="int64")})
    if not ids or (scope.unit_ids is not None and not scope.unit_ids):
        return empty
    filters = counts.Filters(version_id, period, scope.unit_ids, scope.agency_ids)
    if counts.can_use_tallies(column, period):
        found = counts.count_from_tallies(column, filters)
    else:
        found = counts.count_from_columns(column, filters, version_scorer(version_id))
    items = found.items[found.items["item_id"].isin(ids)]
    if key is not None:
        items = items[items["key"] == key]
    if items.empty:
        return empty
    items = items.assign(item=items["item_id"].map(ids))
    return items.groupby(["item", "code"], sort=False)["count"].sum().reset_index()


def priorities(found: pd.DataFrame, codes: tuple[str, ...], min_n: int) -> pd.DataFrame:
    """Priority figures [item, n_valid, pct, ci_low, ci_high, rank] (core: share answering 2 or 3), figures
    nulled where fewer than min_n answered."""
    if found.empty:
        return pd.DataFrame(columns=["item", "n_valid", "pct", "ci_low", "ci_high", "rank"])
    out = priority_index(found.assign(cell="all")[["cell", "item", "code", "count"]], codes)
    small = out["n_valid"] < min_n
    out.loc[small, ["pct", "ci_low", "ci_high"]] = None
    out["rank"] = out["rank"].where(~small)
    return out.drop(columns=["cell"])
