"""Index tables as flat rows: the SPEC 2.3 document's metadata repeated on every row, then the row's columns."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from survey.indices import DEFAULT_MIN_N
from survey.services.indices.document import flat_rows
from survey.services.indices.compute import compute_indices
from survey.services.reports.targets import resolve_target
from survey.services.access.scope import Scope, require

META_COLUMNS = ("instrument", "instrument_version", "method_version", "period", "by", "min_n", "computed_at",
                "unit_vintage", "approximate")


@dataclass(frozen=True)
class IndicesExport:
    """A header and the rows under it; suppressed rows carry empty figures, exactly like the API."""

    document: dict
    header: list[str]
    rows: list[list[Any]]


def indices_export(scope: Scope, instrument: str, period: str, by: str = "commune", province: str | None = None,
                   version: int | None = None, min_n: int = DEFAULT_MIN_N, unit: str | None = None,
                   lang: str = "vi") -> IndicesExport:
    """The caller's index table (the API document of GET /api/v1/indices) flattened for CSV and XLSX; with
    `unit` (a unit, agency or service point code) only that place's row, at its own level."""
    require(scope, "results.export")
    narrow, code = scope, None
    if unit:
        target = resolve_target(scope, unit)
        by, province, narrow, code = target.level, target.province.code, target.narrow, target.code
    # The secondary weighted figure goes beside the published index (columns weighted.*; null without margins).
    document = compute_indices(instrument, period, by=by, province=province, scope=narrow, min_n=min_n,
                               version=version, lang=lang, weighted=True).document
    if code is not None:
        document = {**document, "rows": [row for row in document["rows"] if row["unit_code"] == code]}
    flat = flat_rows(document)
    columns: dict[str, None] = {}
    for row in flat:
        columns.update(dict.fromkeys(c for c in row if c not in META_COLUMNS))
    # A row of a per-version table (document["tables"]) names its own instrument and method version.
    return IndicesExport(document, [*META_COLUMNS, *columns],
                         [[*(row.get(name, document.get(name)) for name in META_COLUMNS),
                           *(row.get(c) for c in columns)] for row in flat])
