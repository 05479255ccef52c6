"""The indices document of SPEC 2.3 (the API body and `survey indices --format json`), and its flat CSV rows."""
from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from survey.indices import (ANSWERED, METHOD_VERSION, IndexTable, Structure, assessment_shares, item_stats,
                            onestop_totals)
from survey.instruments.types import REGISTRY
from survey.indices.structure import INDEX_ITEM_TYPES
from survey.indices.suppression import suppress
from survey.models.units import CURRENT_VINTAGE
from survey.services.indices.periods import Period

DECIMALS = 2  # published precision of every percentage and mean
ROW_FIGURES = ("index", "ci_low", "ci_high")
ITEM_FIGURES = ("pct", "n_valid", "mean", "ci_low", "ci_high")


def _figure(value: Any) -> float | None:
    """A rounded float, or None for a missing/suppressed figure."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), DECIMALS)


def _count(value: Any) -> int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(round(float(value)))


def document_for(version, structure: Structure, period: Period, by: str, min_n: int, computed_at: datetime,
                 table: IndexTable, labels: dict, items: pd.DataFrame, sums: pd.DataFrame, total: str,
                 approximate: bool) -> dict:
    """The document: metadata, then one row per cell ordered by unit code (rows without a code last)."""
    if total == "TOTAL":
        rows = _onestop_rows(structure, table, labels, items, sums, min_n)
    else:
        rows = _index_rows(structure, table, labels)
        if structure.assessment:
            _add_assessment(rows, table, version.definition, structure, items, sums)
    rows.sort(key=lambda r: (r["unit_code"] is None, r["level"] != by, r["unit_code"] or ""))
    doc = {
        "instrument": version.instrument.code, "instrument_version": version.version,
        "method_version": version.method_version or METHOD_VERSION, "period": period.label, "by": by,
        "min_n": min_n, "computed_at": computed_at.isoformat().replace("+00:00", "Z"),
        # Methodology §3/§5: results name the unit-code vintage and say when legacy data was re-based.
        "unit_vintage": CURRENT_VINTAGE, "approximate": approximate,
        "rows": rows,
    }
    if structure.general:  # SIPAS-1001 v2: each factor's and area's general question, reported in `items`
        doc = {**{k: v for k, v in doc.items() if k != "rows"}, "general": dict(structure.general), "rows": rows}
    return doc


def assessment_levels(definition: dict, structure: Structure) -> dict[str, tuple[int, ...]]:
    """Assessment item → its level codes in display order, 9 (no answer) left out."""
    raw = {item["code"]: item for item in _raw_items(definition.get("sections", []))}
    levels = {}
    for code in structure.assessment:
        qtype = REGISTRY.get(structure.item_types[code])
        if qtype is None or not qtype.tallied:
            continue
        item = raw[code]
        codes = [c["code"] for c in item.get("choices", [])] if qtype.uses_choices else list(qtype.labels)
        levels[code] = tuple(c for c in codes if c != 9)
    return levels


def _raw_items(sections: list) -> list[dict]:
    return [item for s in sections for item in [*s.get("items", []), *_raw_items(s.get("sections", []))]]


def _add_assessment(rows: list[dict], table: IndexTable, definition: dict, structure: Structure,
                    items: pd.DataFrame, sums: pd.DataFrame) -> None:
    """Each row's `assessment`: item → {n_valid, shares: {code: %}} (null shares in a suppressed row)."""
    levels = assessment_levels(definition, structure)
    multi = [c for c in levels if structure.item_types[c] == "multi"]
    answered = sums[sums["component"].astype(str).str.startswith(ANSWERED)]
    answered = pd.DataFrame({"cell": answered["cell"], "item": answered["component"].str[len(ANSWERED):],
                             "n": answered["n"]})
    shares = assessment_shares(items, levels, answered, multi)
    figures = dict(zip(zip(shares["cell"].tolist(), shares["item"].tolist(), shares["code"].tolist()),
                       zip(_counts(shares["n_valid"]), _figures(shares["share"]))))
    suppressed = dict(zip(table.cells["cell"].tolist(), table.cells["suppressed"].tolist()))
    for cell, row in zip(table.cells["cell"].tolist(), rows):
        hidden = bool(suppressed.get(cell))
        block = {}
        for code, codes in levels.items():
            found = [figures.get((cell, code, level)) for level in codes]
            n_valid = next((f[0] for f in found if f is not None), 0)
            block[code] = {"n_valid": None if hidden else n_valid,
                           "shares": {str(level): None if hidden or f is None else f[1]
                                      for level, f in zip(codes, found)}}
        row["assessment"] = block


def _figures(column: pd.Series) -> list[float | None]:
    """A column's figures rounded to DECIMALS, missing ones as None (column-wise: per-value pandas access
    costs more than computing the whole table)."""
    return [None if v != v else round(v, DECIMALS) for v in column.to_numpy(dtype=float, na_value=np.nan).tolist()]


def _counts(column: pd.Series) -> list[int | None]:
    """A column's counts as whole numbers, missing ones as None."""
    return [None if v != v else int(round(v)) for v in column.to_numpy(dtype=float, na_value=np.nan).tolist()]


def _keyed(frame: pd.DataFrame, keys: tuple[str, str], columns: dict[str, Any]) -> dict[tuple, dict]:
    """(key, key) → {column: value} for every row, each column converted by its function (_figures, _counts)."""
    values = [convert(frame[name]) for name, convert in columns.items()]
    names = list(columns)
    return {key: dict(zip(names, row)) for key, row in zip(zip(*(frame[k].tolist() for k in keys)), zip(*values))}


def _row_head(cell: Any, labels: dict, n: Any, suppressed: bool) -> dict:
    code, name, level = labels.get(cell, (str(cell), str(cell), ""))
    return {"unit_code": code, "unit_name": name, "level": level, "n": _count(n) or 0,
            "suppressed": bool(suppressed)}


NO_COMPONENT = {"pct": None, "n": None}
NO_ITEM = {"pct": None, "n_valid": 0, "mean": None, "ci_low": None, "ci_high": None}
ITEM_CONVERT = {"pct": _figures, "n_valid": _counts, "mean": _figures, "ci_low": _figures, "ci_high": _figures}


def _index_rows(structure: Structure, table: IndexTable, labels: dict) -> list[dict]:
    item_codes = [c for c, kind in structure.item_types.items() if kind in INDEX_ITEM_TYPES]
    measured = [c for c in structure.components if c in set(structure.measured)]
    comps = _keyed(table.components, ("cell", "component"), {"pct": _figures, "n": _counts})
    its = _keyed(table.items, ("cell", "item"), ITEM_CONVERT)
    cells = table.cells
    heads = zip(cells["cell"].tolist(), _counts(cells["n"]), cells["suppressed"].tolist(),
                *(_figures(cells[k]) for k in ROW_FIGURES), cells["incomplete"].tolist())
    rows = []
    for cell, n, suppressed, index, ci_low, ci_high, incomplete in heads:
        row = _row_head(cell, labels, n, suppressed)
        row.update({"index": index, "ci_low": ci_low, "ci_high": ci_high, "incomplete": bool(incomplete)})
        row["components"] = {c: dict(comps.get((cell, c), NO_COMPONENT)) for c in measured}
        row["items"] = {i: dict(its.get((cell, i), NO_ITEM)) for i in item_codes}
        rows.append(_ordered(row))
    return rows


def _item(rec: Any) -> dict:
    if rec is None:
        return dict(NO_ITEM)
    return {"pct": _figure(rec["pct"]), "n_valid": _count(rec["n_valid"]), "mean": _figure(rec["mean"]),
            "ci_low": _figure(rec["ci_low"]), "ci_high": _figure(rec["ci_high"])}


def _ordered(row: dict) -> dict:
    """Keys in the order SPEC 2.3 lists them."""
    order = ("unit_code", "unit_name", "level", "n", "index", "ci_low", "ci_high", "suppressed", "incomplete",
             "components", "items")
    return {k: row[k] for k in order}  # `assessment` (v2) is added after ordering, so it comes last


def _onestop_rows(structure: Structure, table: IndexTable, labels: dict, items: pd.DataFrame, sums: pd.DataFrame,
                  min_n: int) -> list[dict]:
    """ONESTOP-61: index = mean total points (0–18); each indicator's pct = share given the full 2 points."""
    totals = onestop_totals(sums[sums["component"] == "TOTAL"][["cell", "n", "sum", "sumsq"]])
    cell_n = totals[["cell", "n"]]
    totals = suppress(totals, cell_n, min_n, keep=("cell", "n"))
    points = [c for c, kind in structure.item_types.items() if kind == "pts2"]
    stats = suppress(item_stats(items[items["item"].isin(points)], valid_codes=(0, 1, 2), top_codes=(2,)),
                     cell_n, min_n, keep=("cell", "item"))
    per_cell = {(r["cell"], r["item"]): r for r in stats.to_dict("records")}
    rows = []
    for rec in totals.to_dict("records"):
        row = _row_head(rec["cell"], labels, rec["n"], rec["suppressed"])
        row.update({"index": _figure(rec["mean_total"]), "ci_low": _figure(rec["ci_low"]),
                    "ci_high": _figure(rec["ci_high"]), "incomplete": False, "components": {}})
        row["items"] = {i: _item(per_cell.get((rec["cell"], i))) for i in points}
        rows.append(_ordered(row))
    return rows


def flat_rows(document: dict) -> list[dict]:
    """CSV rows: the row figures, then `<component>.pct`/`.n` and `<item>.<figure>` columns; a document with
    several version tables gives each table's rows, each led by its `instrument_version`."""
    if "tables" in document:
        return [{"instrument_version": table["instrument_version"], "method_version": table["method_version"], **row}
                for table in document["tables"] for row in flat_rows(table)]
    flat = []
    for row in document["rows"]:
        out = {k: row[k] for k in ("unit_code", "unit_name", "level", "n", "index", "ci_low", "ci_high",
                                   "suppressed", "incomplete")}
        for code, comp in row["components"].items():
            out.update({f"{code}.pct": comp["pct"], f"{code}.n": comp["n"]})
        for code, item in row["items"].items():
            out.update({f"{code}.{k}": item[k] for k in ITEM_FIGURES})
        if "weighted" in row:  # asked for: the secondary post-stratified figure, beside the published index
            found = row["weighted"] or {}
            out["weighted.index"] = found.get("index")
            out["weighted.n_weighted_cells"] = found.get("n_weighted_cells")
        for code, block in row.get("assessment", {}).items():
            out[f"{code}.n_valid"] = block["n_valid"]
            out.update({f"{code}.share_{level}": share for level, share in block["shares"].items()})
        flat.append(out)
    return flat
