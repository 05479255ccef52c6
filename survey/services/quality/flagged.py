"""How many flagged responses each row of an index table holds (every document says so: methodology §9)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.services.indices import counts as index_counts
from survey.services.indices.cells import NOT_RECORDED, UNIT_LEVELS
from survey.services.storage.sql import small_page_cache

CLEAN = "clean"
QUALITY_VIEWS = ("all", CLEAN)


def clean_where(where: dict | None) -> dict:
    """The response filters of the clean view: only responses without a flag (the packed-codes path)."""
    return {**(where or {}), "quality_flags": 0}


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return NOT_RECORDED
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def flagged_by_code(by: str, column: str, filters: index_counts.Filters, mapping: pd.DataFrame,
                    labels: dict, key_of: np.ndarray | None = None) -> dict:
    """Row code → flagged responses, counted in one GROUP BY (legacy shares spread as the figures are); `key_of`
    keys units as the figures were (counts.province_lookup)."""
    where = {k: v for k, v in (filters.where or {}).items() if k != "quality_flags"}
    sql, params = index_counts._where(index_counts.Filters(filters.version_id, filters.period, filters.unit_ids,
                                                           filters.agency_ids, where))
    with small_page_cache():  # the flagged rows (ix_responses_flagged) lie anywhere in the table: pages read once
        rows = index_counts._run(f"SELECT r.{column}, count(*) FROM responses r WHERE {sql} "
                                 f"AND r.quality_flags <> 0 GROUP BY r.{column}", params)
    if not rows:
        return {}
    raw = by in UNIT_LEVELS + ("agency", "service_point")
    if key_of is not None:
        rows = [(int(key_of[k]), c) for k, c in rows]
    keys = pd.DataFrame({"key": pd.Series([k if raw else _text(k) for k, _ in rows], dtype=object),
                         "flagged": [c for _, c in rows]})
    merged = keys.merge(mapping.astype({"key": object}), on="key")
    out: dict = {}
    for cell, count, weight in zip(merged["cell"], merged["flagged"], merged["weight"]):
        code = labels.get(cell, (cell,))[0]
        out[code] = out.get(code, 0) + count * weight
    return {code: int(round(value)) for code, value in out.items()}


def add_flagged(doc: dict, by: str, column: str, filters: index_counts.Filters, mapping: pd.DataFrame,
                labels: dict, quality: str, key_of: np.ndarray | None = None) -> None:
    """Put `flagged` on every row; say when the figures leave flagged responses out."""
    found = flagged_by_code(by, column, filters, mapping, labels, key_of)
    for row in doc["rows"]:
        row["flagged"] = found.get(row["unit_code"], 0)
    if quality == CLEAN:
        doc["quality"] = CLEAN
