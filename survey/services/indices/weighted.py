"""Secondary, post-stratified figures (sex × age band against Home Affairs' margins) added beside the unweighted,
published ones of an indices document (methodology §3): each row gets `weighted` = {index, n_weighted_cells} or
null (no margins, suppressed row, or no respondent with both sex and age band in the cell)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sqlalchemy import select

from survey.errors import DomainError
from survey.extensions import db
from survey.indices import OVERALL, Structure, poststrat_weights, weighted_index
from survey.indices.structure import INDEX_ITEM_TYPES
from survey.models import Agency, Item, Unit
from survey.models.units import CURRENT_VINTAGE
from survey.services.indices import counts as index_counts
from survey.services.indices.cells import UNIT_LEVELS, to_cells
from survey.services.organisation.units import get_unit, province_of
from survey.services.indices.weights import margins_for

WEIGHTED_BREAKDOWNS = (*UNIT_LEVELS, "agency")  # place rows only: profile breakdowns are the strata themselves
DECIMALS = 2
KEY = ["key", "sex", "age_band"]  # the strata's keys: the row's place, then sex and age band


def add_weighted(document: dict, by: str, column: str, filters: index_counts.Filters, mapping: pd.DataFrame,
                 version_id: int, structure: Structure, province: str | None, raw: bool = False) -> dict:
    """Set `weighted` on every row of `document` (in place) and return it; unweighted figures are not touched.
    The strata are counted from the columnar blocks, or from the responses' packed codes when `raw` (the
    reference path of tests and benchmarks)."""
    figures: dict = {}
    # Points instruments (ONESTOP-61) publish mean totals, which a satisfaction share cannot stand beside.
    if by in WEIGHTED_BREAKDOWNS and not structure.items_of_type("pts2"):
        # Each row is weighted to its own province's margins: without `province=` the rows' provinces are found
        # (a Home Affairs caller's rows all lie in its province), so `weighted` is not null for want of a name.
        for code, cells in _provinces(document, by, province).items():
            margins = _margins(code)
            if margins is not None and len(margins):
                found = _weighted_by_cell(column, filters, mapping, version_id, structure, margins, raw)
                figures.update({c: v for c, v in found.items() if cells is None or c in cells})
    for row in document["rows"]:
        found = figures.get(row["unit_code"])
        row["weighted"] = None if row["suppressed"] or found is None else found
    return document


def _provinces(document: dict, by: str, province: str | None) -> dict[str, set[str] | None]:
    """Province code → the row codes lying in it (None: every row, when the province was named)."""
    if province is not None:
        return {province: None}
    codes = [row["unit_code"] for row in document["rows"] if row["unit_code"] is not None]
    if by == "agency":
        found = db.session.execute(select(Agency.code, Agency.unit_id).where(Agency.code.in_(codes))).all()
        units = {code: db.session.get(Unit, unit_id) for code, unit_id in found}
    else:
        units = {u.code: u for u in db.session.scalars(select(Unit).where(
            Unit.code.in_(codes), Unit.vintage == CURRENT_VINTAGE))}
    out: dict[str, set[str] | None] = {}
    for code, unit in units.items():
        if unit is not None:
            out.setdefault(province_of(unit).code, set()).add(code)  # type: ignore[union-attr]
    return out


def _margins(province: str | None) -> pd.DataFrame | None:
    """[stratum, share] of the province, or None when no province was named or it has no margins."""
    if province is None:
        return None
    try:
        unit = get_unit(province)
    except DomainError:
        return None
    rows = margins_for(unit.id)
    return pd.DataFrame({"stratum": [_stratum(r.sex, r.age_band) for r in rows],
                         "share": [float(r.population) for r in rows]})


def _stratum(sex: object, age_band: object) -> str:
    return f"{int(sex)}-{int(age_band)}"  # type: ignore[call-overload]


def _weighted_by_cell(column: str, filters: index_counts.Filters, mapping: pd.DataFrame, version_id: int,
                      structure: Structure, margins: pd.DataFrame, raw: bool = False) -> dict:
    """{cell: {"index", "n_weighted_cells"}} for cells with at least one respondent of known sex and age band."""
    if column not in index_counts.RAW_COLUMNS:
        raise ValueError(column)  # never interpolate anything but a known column
    strata, counts = (_strata_from_responses if raw else _strata_from_columns)(column, filters, structure)
    if strata.empty or counts.empty:
        return {}
    strata = _to_cells(strata, mapping, ["n"])
    counts = _to_cells(counts, mapping, ["count"])
    codes = dict(db.session.execute(select(Item.id, Item.code).where(Item.version_id == version_id)).all())
    counts = counts.assign(item=counts["item_id"].map(codes))
    counts = counts.groupby(["cell", "stratum", "item", "code"], sort=False)["count"].sum().reset_index()
    strata = strata.groupby(["cell", "stratum"], sort=False)["n"].sum().reset_index()
    weights = poststrat_weights(strata, margins)
    used = weights[(weights["weight"] > 0) & (weights["n"] > 0)].groupby("cell")["stratum"].nunique()
    overall = weighted_index(counts, weights, structure)
    overall = overall[overall["component"] == OVERALL]
    out = {}
    for rec in overall.itertuples():
        if rec.cell in used.index and rec.pct is not None and not math.isnan(float(rec.pct)):
            out[rec.cell] = {"index": round(float(rec.pct), DECIMALS), "n_weighted_cells": int(used[rec.cell])}
    return out


def _strata_from_columns(column: str, filters: index_counts.Filters,
                         structure: Structure) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(respondents [key, sex, age_band, n], code counts [key, sex, age_band, item_id, code, count]) of the
    responses with both sex and age band, from the columnar blocks; only the index's items are counted."""
    from survey.services.indices.columns import count_columns

    found = count_columns((column, "sex", "age_band"), filters, None, known=("sex", "age_band"),
                          items=_index_item_ids(filters.version_id, structure))
    return found.respondents(split=KEY), found.items(split=KEY)


def _strata_from_responses(column: str, filters: index_counts.Filters,
                           structure: Structure) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same two frames read from `responses`: a GROUP BY and the packed codes streamed."""
    where, params = index_counts._where(filters)  # the same responses as the unweighted figures
    known = "r.sex IS NOT NULL AND r.age_band IS NOT NULL"
    strata = pd.DataFrame(index_counts._run(
        f"SELECT r.{column}, r.sex, r.age_band, COUNT(*) FROM responses r WHERE {where} AND {known} "
        f"GROUP BY r.{column}, r.sex, r.age_band", params), columns=KEY + ["n"])
    return strata, index_counts.count_packed([column, "sex", "age_band"], filters, None, extra=known).items(KEY)


def _index_item_ids(version_id: int, structure: Structure) -> set[int]:
    """Ids of the version's items that enter the index (the weighted figure needs no other counts)."""
    codes = {code for code, kind in structure.item_types.items() if kind in INDEX_ITEM_TYPES}
    return set(db.session.scalars(select(Item.id).where(Item.version_id == version_id, Item.code.in_(codes))))


def _to_cells(frame: pd.DataFrame, mapping: pd.DataFrame, amounts: list[str]) -> pd.DataFrame:
    """Raw keys → the table's cells (crosswalk shares split legacy units), with the sex × age band stratum."""
    merged = to_cells(frame, mapping, amounts)
    pairs = merged["sex"].to_numpy(dtype=np.int64) * 1000 + merged["age_band"].to_numpy(dtype=np.int64)
    names = {pair: _stratum(pair // 1000, pair % 1000) for pair in np.unique(pairs).tolist()}
    return merged.assign(stratum=pd.Series(pairs, index=merged.index).map(names).astype(object))
