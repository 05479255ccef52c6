"""The whole SIPAS-style table of a breakdown: cells, components and items, with intervals and suppression."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from survey.indices.composite_intervals import composite_intervals
from survey.indices.composites import component_values, overall_index
from survey.indices.distribution import distribution
from survey.indices.frames import cell_order, positions, require
from survey.indices.intervals import Z95
from survey.indices.items import SAT5_VALID, item_stats
from survey.indices.structure import INDEX_ITEM_TYPES, OVERALL, Structure
from survey.indices.suppression import DEFAULT_MIN_N, suppress

SAT5_CODES = (*SAT5_VALID, 9)


@dataclass(frozen=True)
class IndexTable:
    """Frames of one computation; every figure of a suppressed cell is null."""

    cells: pd.DataFrame  # [cell, n, index, se, ci_low, ci_high, incomplete, suppressed]
    components: pd.DataFrame  # [cell, component, n, pct, se, ci_low, ci_high, suppressed]
    # [cell, item, n_responses, n_valid, n_top, mean, pct, se, ci_low, ci_high, n_1 … n_5, n_9, suppressed]
    items: pd.DataFrame
    min_n: int


def _ordered(frame: pd.DataFrame, cells: list[object], key: str, keys: list[str]) -> pd.DataFrame:
    """Rows sorted by cell order, then by `key` in the order of `keys` (unknown keys last)."""
    by_cell = positions(frame["cell"], cells)
    by_key = positions(frame[key], keys)
    order = np.lexsort((np.where(by_key < 0, len(keys), by_key), by_cell))
    return frame.iloc[order].reset_index(drop=True)


def index_table(item_counts: pd.DataFrame, component_sums: pd.DataFrame, cell_n: pd.DataFrame,
                structure: Structure, min_n: int = DEFAULT_MIN_N, z: float = Z95) -> IndexTable:
    """Compute every figure of a breakdown.

    Inputs: `item_counts` [cell, item, code, count]; `component_sums` [cell, component, n, sum, sumsq] with the
    components of `structure` and OVERALL; `cell_n` [cell, n]. Output: an IndexTable (see its fields) with one row
    per cell seen in any input (cells of `cell_n` first, in its order), per cell × component, and per cell × item
    answered on a satisfaction scale. Cells with n < min_n are suppressed.
    """
    require(cell_n, ("cell", "n"), "cell respondent counts")
    cells = cell_order(cell_n, item_counts, component_sums)
    n = pd.DataFrame({"cell": pd.Series(cells, dtype=object)}).merge(cell_n[["cell", "n"]], on="cell", how="left")
    n["n"] = n["n"].fillna(0).astype(np.int64)

    sat = [code for code, kind in structure.item_types.items() if kind in INDEX_ITEM_TYPES]
    counts = item_counts[item_counts["item"].isin(sat)] if structure.item_types else item_counts
    stats = item_stats(counts, z=z)
    items = stats.merge(distribution(counts, SAT5_CODES), on=["cell", "item"], how="left")

    values = component_values(stats, structure, cells)
    overall = overall_index(values, structure)
    with_overall = pd.concat([values, overall.rename(columns={"index": "pct"})
                              .assign(component=OVERALL)[["cell", "component", "pct"]]], ignore_index=True)
    intervals = composite_intervals(with_overall, component_sums, z)

    is_overall = intervals["component"] == OVERALL
    head = intervals[is_overall].drop(columns=["component", "n"]).rename(columns={"pct": "index"})
    frame = n.merge(head, on="cell", how="left").merge(overall[["cell", "incomplete"]], on="cell", how="left")
    keep = ("cell", "n", "incomplete")
    return IndexTable(
        cells=suppress(frame, n, min_n, keep),
        components=suppress(intervals[~is_overall].reset_index(drop=True), n, min_n, ("cell", "component")),
        items=suppress(_ordered(items, cells, "item", list(structure.item_types)), n, min_n, ("cell", "item")),
        min_n=min_n,
    )
